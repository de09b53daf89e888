/* RV32 instret as the instruction counter: retired instructions, exact under QEMU with -icount shift=0
 * (without -icount QEMU derives it from host time). */
#include "ni_mcu_counter.h"

uint32_t ni_mcu_counter_resolution = 1;

void ni_mcu_counter_init(void) {}

uint64_t ni_mcu_count(void)
{
    uint32_t hi, lo, hi2;
    do { /* re-read when the low word carried into the high word between the two reads */
        __asm__ volatile("rdinstreth %0" : "=r"(hi));
        __asm__ volatile("rdinstret %0" : "=r"(lo));
        __asm__ volatile("rdinstreth %0" : "=r"(hi2));
    } while (hi != hi2);
    return ((uint64_t)hi << 32) | lo;
}
