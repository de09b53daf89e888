/* The STM32 provider with its model region in the QUADSPI memory-mapped window (boards/stm32f769i-disco.json,
 * b-l475e-iot01a.json): inside QEMU the "window" is the machine's flash-playing RAM holding the region and QUADSPI's
 * registers are ni_test_quadspi (quadspi_fake.h; the build overrides NI_STM32_QSPI_WINDOW_* and
 * NI_STM32_QUADSPI_BASE). The provider must not touch the region until QUADSPI is enabled (CR.EN) in memory-mapped
 * mode (CCR.FMODE = 0b11): before that the window faults on a real part, so it answers NI_ERR_PARTITION. */
#include <string.h>
#include "ni_interop.h"
#include "session_image.h"
#include "test_util.h"

volatile uint32_t ni_test_quadspi[8];   /* CR at 0x00, CCR at 0x14 */
#define CR ni_test_quadspi[0]
#define CCR ni_test_quadspi[5]
#define FMODE(m) ((uint32_t)(m) << 26)

extern uint8_t __nano_intent_model_start[];
extern uint8_t __nano_intent_model_end[];

int main(void)
{
    uint8_t *region = __nano_intent_model_start;
    uint32_t region_len = (uint32_t)(__nano_intent_model_end - __nano_intent_model_start);
    uint32_t len = si_build(region, region_len, si_options(), NULL);
    CHECK(len > 0 && len < region_len);

    CR = 0; CCR = 0;                                                /* QUADSPI off (clock gated reads as 0) */
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_PARTITION, "QUADSPI off");
    CR = 1; CCR = FMODE(1) | 0x0Cu;                                 /* enabled, indirect read (SPIFFS-style use) */
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_PARTITION, "indirect mode");
    CR = 0; CCR = FMODE(3);                                         /* memory-mapped configured, not enabled */
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_PARTITION, "not enabled");

    CR = 1; CCR = FMODE(3) | 0x0Cu;                                 /* enabled, memory-mapped */
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_OK, "memory-mapped");
    int32_t info[NI_INFO_COUNT];
    CHECK(ni_interop_info(info, NI_INFO_COUNT) == NI_INFO_COUNT && info[NI_INFO_IMAGE_BYTES] == (int32_t)len);
    CHECK(ni_interop_close() == NI_OK);
    return ni_test_finish("interop STM32 QSPI gate");
}
