/* Exit entropy H = ln Z + sum_j p_j (m - z_j) in Q16 nats, from Q16 logits, with exp2/log2 tables. */
#include "nano_intent/ni_kernels.h"

int32_t ni_entropy_q16(const int32_t *logits, uint32_t n, const int32_t *exp2_frac, const int32_t *log2_frac)
{
    int32_t m = logits[0];
    for (uint32_t j = 1; j < n; j++) if (logits[j] > m) m = logits[j];
    int64_t z = 0, s = 0;
    for (uint32_t j = 0; j < n; j++) {
        int64_t d = (int64_t)m - logits[j];                              /* Q16 nats, >= 0 */
        int64_t t = ni_round_shift(d * NI_LOG2E_Q16, 16);               /* d / ln 2, Q16 */
        int64_t ip = t >> 16;                                           /* t >= 0 */
        int64_t e = ip >= 31 ? 0 : (int64_t)(ni_ld32(&exp2_frac[(t >> 8) & 255]) >> ip); /* exp(-d), Q30 */
        z += e;
        s += e * d;
    }
    /* z >= exp2_frac[0] = 2^30 (the maximum's own term). */
    int32_t k = 30;
    while (k < 62 && (z >> (k + 1)) != 0) k++;                           /* k = floor(log2 z) */
    int64_t log2z = (int64_t)(k - 30) * 65536 + ni_ld32(&log2_frac[(z >> (k - 8)) & 255]); /* log2(z / 2^30), Q16 */
    int64_t lnz = ni_round_shift(log2z * NI_LN2_Q16, 16);
    return (int32_t)(lnz + ni_div_round(s, z));
}
