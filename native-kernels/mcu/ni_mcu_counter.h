/* Instruction counter of the bare-metal targets. Under QEMU with -icount shift=0 the guest clock advances one
 * nanosecond per instruction, so the difference of two reads is the exact number of instructions executed in
 * between (STM32 TIM2 on netduinoplus2, rdinstret on RV32). These are instructions, not cycles: QEMU models no
 * pipeline, caches or flash wait states. */
#ifndef NI_MCU_COUNTER_H
#define NI_MCU_COUNTER_H

#include <stdint.h>

/* 1 when the target has an exact counter; 0 when ni_mcu_count() always returns 0 (the counts are then "n/a"). */
extern const int ni_mcu_counter_exact;

/* Starts the counter; call once before the first ni_mcu_count(). */
void ni_mcu_counter_init(void);

/* Current count. Take differences; a 32-bit counter wraps after 2^32 instructions, far beyond one utterance. */
uint64_t ni_mcu_count(void);

#endif
