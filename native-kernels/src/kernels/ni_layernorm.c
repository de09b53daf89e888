/* Integer LayerNorm: int16 input, int64 variance, integer square root, one reciprocal per row, int8 output
 * (docs/numerics.md). */
#include "nano_intent/ni_kernels.h"

/* div_round(num, den) for |num| < 2^31 and 0 < den < 2^31 in 32-bit arithmetic (one hardware division) */
static int32_t div_round32(int32_t num, uint32_t den)
{
    uint32_t mag = num < 0 ? 0u - (uint32_t)num : (uint32_t)num;
    uint32_t r = (mag + den / 2u) / den;
    return num < 0 ? -(int32_t)r : (int32_t)r;
}

void ni_layernorm_s16(const int16_t *x, const ni_ln_param *p, uint32_t n, int8_t *out)
{
    /* one pass: sum(x) and sum(x^2), then ss = sum((x - mean)^2) = sum(x^2) - 2 mean sum(x) + n mean^2, the same
     * integer */
    int32_t sum = 0; /* |sum| <= 2^15 * n <= 2^25 */
    int64_t sq = 0;  /* x^2 <= 2^30 per element */
    for (uint32_t i = 0; i < n; i++) {
        const int32_t v = x[i];
        sum += v;
        sq += v * v;
    }
    const int32_t mean = div_round32(sum, n);
    const int64_t ss = sq - 2 * (int64_t)mean * sum + (int64_t)n * mean * mean; /* d^2 <= 2^32 each, <= 2^42 */
    /* sigma = std * 2^8 < 2^24 */
    uint32_t sigma = ni_isqrt64(((uint64_t)ss << 16) / n);
    if (sigma == 0) sigma = 1; /* all-equal input: every d is 0, output = beta */
    /* The row's one division: inv = 2^(30+e) / sigma in (2^29, 2^30] with e = floor(log2 sigma). Per element,
     * xn = round_shift(d * inv, e + 2) = (d / std) * 2^20 and y = round_shift(xn * gain + bias * 2^20, 36): two
     * 32x32->64 products. xn is computed as round_shift(d * 2^(30-e) * inv, 32), the same value: |d| < 2^(e-2)
     * (docs/numerics.md), so d * 2^(30-e) fits in int32 and the shift by 32 is the product's high word. */
    int32_t e = 0;
    while ((sigma >> (e + 1)) != 0) e++;
    const int32_t inv = (int32_t)ni_div_round((int64_t)1 << (30 + e), (int64_t)sigma);
    const int32_t up = (int32_t)1 << (30 - e);
    for (uint32_t i = 0; i < n; i++) {
        const int32_t gain = ni_ld32(&p[i].gain), bias = ni_ld32(&p[i].bias);
        const int64_t t = (int64_t)(((int32_t)x[i] - mean) * up) * inv;
        const uint32_t m = (uint32_t)(((t < 0 ? (uint64_t)0 - (uint64_t)t : (uint64_t)t) + 0x80000000u) >> 32);
        const int32_t xn = t < 0 ? -(int32_t)m : (int32_t)m; /* round_shift(t, 32), |xn| < 2^26 */
        const int64_t y = (int64_t)xn * gain + (int64_t)bias * ((int64_t)1 << NI_LN_XN_FRAC_BITS);
        out[i] = ni_sat8(ni_round_shift_inline(y, NI_LN_GAIN_SHIFT + NI_LN_XN_FRAC_BITS));
    }
}

void ni_lut_s8(const int8_t *x, const int8_t *table, int8_t *out, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) out[i] = table[(int32_t)x[i] + 128];
}
