/* Integer LayerNorm: int16 input, int64 variance, integer square root, int8 output (docs/numerics.md). */
#include "nano_intent/ni_kernels.h"

void ni_layernorm_s16(const int16_t *x, const ni_ln_param *p, uint32_t n, int8_t *out)
{
    int32_t sum = 0;
    for (uint32_t i = 0; i < n; i++) sum += x[i];
    int32_t mean = (int32_t)ni_div_round(sum, (int64_t)n);
    uint64_t ss = 0;
    for (uint32_t i = 0; i < n; i++) {
        int64_t d = (int64_t)x[i] - mean;
        ss += (uint64_t)(d * d);
    }
    /* sigma = std * 2^8: 8 extra bits of precision for the division below. */
    uint32_t sigma = ni_isqrt64((ss << 16) / n);
    if (sigma == 0) sigma = 1; /* all-equal input: every d is 0, output = beta */
    for (uint32_t i = 0; i < n; i++) {
        const ni_ln_param pi = ni_ld_ln(&p[i]);
        int64_t d = (int64_t)x[i] - mean;
        int64_t scaled = ni_div_round(d * pi.gain * 256, (int64_t)sigma);
        out[i] = ni_sat8(ni_round_shift_inline(scaled + pi.bias, NI_LN_GAIN_SHIFT));
    }
}

void ni_lut_s8(const int8_t *x, const int8_t *table, int8_t *out, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) out[i] = table[(int32_t)x[i] + 128];
}
