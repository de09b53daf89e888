/* Exit confidence: p(argmax) = e_max / Z in Q16, with the exp terms of ni_entropy_q16, so that the entropy and the
 * confidence a caller sees come from one softmax. */
#include "nano_intent/ni_kernels.h"

int32_t ni_confidence_q16(const int32_t *logits, uint32_t n, const int32_t *exp2_frac, uint32_t *argmax)
{
    uint32_t best = 0;
    for (uint32_t j = 1; j < n; j++) if (logits[j] > logits[best]) best = j;
    int32_t m = logits[best];
    int64_t z = 0;
    for (uint32_t j = 0; j < n; j++) {
        int64_t d = (int64_t)m - logits[j];                              /* Q16 nats, >= 0 */
        int64_t t = ni_round_shift(d * NI_LOG2E_Q16, 16);               /* d / ln 2, Q16 */
        int64_t ip = t >> 16;
        z += ip >= 31 ? 0 : (int64_t)(ni_ld32(&exp2_frac[(t >> 8) & 255]) >> ip); /* exp(-d), Q30 */
    }
    if (argmax != NULL) *argmax = best;
    /* the maximum's own term is exp2_frac[0] (2^30), so 0 < result <= 65536 */
    return (int32_t)ni_div_round((int64_t)ni_ld32(&exp2_frac[0]) * 65536, z);
}
