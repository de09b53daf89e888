/* Instruction counter of the bare-metal targets. Under QEMU with -icount shift=0 the guest clock advances one
 * nanosecond per instruction, so the difference of two reads is the number of instructions executed in between:
 * exactly with STM32 TIM2 on netduinoplus2 (1 GHz virtual) and rdinstret on RV32, to within
 * ni_mcu_counter_resolution with SysTick on the mps2 machines (25 MHz: one tick per 40 instructions). These are
 * instructions, not cycles: QEMU models no pipeline, caches or flash wait states. */
#ifndef NI_MCU_COUNTER_H
#define NI_MCU_COUNTER_H

#include <stdint.h>

/* Instructions per counter step, set by ni_mcu_counter_init: 1 when exact; k when counts are multiples of k. */
extern uint32_t ni_mcu_counter_resolution;

/* Starts (and where needed calibrates) the counter; call once before the first ni_mcu_count(). */
void ni_mcu_counter_init(void);

/* Current count in instructions. Take differences. */
uint64_t ni_mcu_count(void);

#endif
