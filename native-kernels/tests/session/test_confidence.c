/* ni_confidence_q16: the softmax probability of the argmax from the entropy's exp table, on logits whose answer is
 * known (uniform, two-way tie, a clear winner, first index on ties). */
#include <stdio.h>
#include "nano_intent/ni_kernels.h"
#include "test_util.h"

/* exp2_frac as docs/numerics.md defines it (round(2^(-k/256) * 2^30)), computed once here with doubles: a host
 * test may use float; the kernel may not. */
#include <math.h>
static int32_t exp2_frac[256];

int main(void)
{
    for (int k = 0; k < 256; k++) exp2_frac[k] = (int32_t)llround(ldexp(pow(2.0, -k / 256.0), 30));
    uint32_t arg = 99;
    int32_t uniform[4] = {5 << 16, 5 << 16, 5 << 16, 5 << 16};
    CHECK(ni_confidence_q16(uniform, 4, exp2_frac, &arg) == 16384);
    CHECK(arg == 0);                                                /* first maximum on ties */
    int32_t tie[3] = {-(20 << 16), 3 << 16, 3 << 16};
    int32_t c = ni_confidence_q16(tie, 3, exp2_frac, &arg);
    CHECK(arg == 1);
    CHECK(c >= 32760 && c <= 32768);                                /* 1 / (2 + e^-23) */
    int32_t clear[3] = {0, 40 << 16, 0};                            /* e^-40: below Q30 */
    CHECK(ni_confidence_q16(clear, 3, exp2_frac, &arg) == 65536);
    CHECK(arg == 1);
    int32_t one_nat[2] = {1 << 16, 0};                              /* 1 / (1 + e^-1) = 0.7311 */
    c = ni_confidence_q16(one_nat, 2, exp2_frac, NULL);
    double want = 65536.0 / (1.0 + exp(-1.0));
    CHECK(fabs(c - want) < 65536.0 * 0.002);
    return ni_test_finish("session confidence");
}
