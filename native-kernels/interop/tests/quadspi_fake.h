/* Included before partition_stm32.c by the interop_stm32_qspi_gate build only (-include): QUADSPI's registers as a
 * plain RAM array the test sets, so the provider's memory-mapped-mode check runs in QEMU. */
#include <stdint.h>
extern volatile uint32_t ni_test_quadspi[8];
