/* STM32F4 TIM2 as the instruction counter: a 32-bit up-counter with prescaler 0. On QEMU's netduinoplus2 under
 * -icount shift=0 it ticks once per virtual nanosecond, i.e. once per instruction. On a real board it counts timer
 * clock cycles instead (prefer DWT->CYCCNT there, which QEMU does not model). */
#include "ni_mcu_counter.h"

#define NI_REG(addr) (*(volatile uint32_t *)(addr))
#define RCC_APB1ENR NI_REG(0x40023840u)
#define TIM2_CR1 NI_REG(0x40000000u)
#define TIM2_EGR NI_REG(0x40000014u)
#define TIM2_CNT NI_REG(0x40000024u)
#define TIM2_PSC NI_REG(0x40000028u)
#define TIM2_ARR NI_REG(0x4000002Cu)

uint32_t ni_mcu_counter_resolution = 1;

static uint32_t ni_last;
static uint64_t ni_high;

void ni_mcu_counter_init(void)
{
    RCC_APB1ENR |= 1u;       /* TIM2EN */
    TIM2_PSC = 0;
    TIM2_ARR = 0xFFFFFFFFu;
    TIM2_EGR = 1u;           /* UG: load the prescaler now */
    TIM2_CR1 = 1u;           /* CEN */
    ni_last = TIM2_CNT;
    ni_high = 0;
}

uint64_t ni_mcu_count(void)
{
    uint32_t now = TIM2_CNT;
    if (now < ni_last) /* wrapped since the previous read */
        ni_high += 1ull << 32;
    ni_last = now;
    return ni_high | now;
}
