/* SysTick as the instruction counter of the mps2 machines (Cortex-M4/M7), whose DWT cycle counter QEMU does not
 * model. Under -icount shift=0 SysTick, clocked by the 25 MHz system clock, steps once per 40 instructions; the
 * exact ratio is measured at init with a loop of known length, so counts are in instructions, to within one step.
 * The 24-bit down-counter wraps every 2^24 steps (~670 M instructions): reads must come more often than that. */
#include "ni_mcu_counter.h"

#define NI_REG(addr) (*(volatile uint32_t *)(addr))
#define SYST_CSR NI_REG(0xE000E010u)
#define SYST_RVR NI_REG(0xE000E014u)
#define SYST_CVR NI_REG(0xE000E018u)
#define NI_SYST_MASK 0xFFFFFFu

uint32_t ni_mcu_counter_resolution = 1;

static uint32_t ni_last;
static uint64_t ni_ticks;

static uint64_t ni_ticks_now(void)
{
    uint32_t now = SYST_CVR;
    ni_ticks += (ni_last - now) & NI_SYST_MASK; /* counts down */
    ni_last = now;
    return ni_ticks;
}

void ni_mcu_counter_init(void)
{
    SYST_RVR = NI_SYST_MASK;
    SYST_CVR = 0;
    SYST_CSR = 5u; /* enable, processor clock, no interrupt */
    ni_last = SYST_CVR;
    ni_ticks = 0;
    /* 2 x 200000 instructions (SUBS + BNE per iteration) */
    uint32_t n = 200000u;
    uint64_t t0 = ni_ticks_now();
    __asm__ volatile("1: subs %0, %0, #1\n\tbne 1b" : "+r"(n) : : "cc");
    uint64_t steps = ni_ticks_now() - t0;
    ni_mcu_counter_resolution = steps ? (uint32_t)((400000u + steps / 2) / steps) : 1u;
}

uint64_t ni_mcu_count(void) { return ni_ticks_now() * ni_mcu_counter_resolution; }
