/* Bi-Attention whose context goes straight into the next binary layer's input bits (docs/numerics.md): the output
 * bit of query i, dimension d is [sat8(c_i[d]) >= t] for the consumer's threshold t, the same bit its packing of
 * ni_b1_attention's int8 context would give, without the int8 context.
 *
 * c_i[d] = 2 * cnt_d - ones with cnt_d the attended keys whose v bit d is set and ones the attended keys, so the
 * bit is cnt_d >= K = ceil((ones + t) / 2) (t in -127..127; t <= -128: always set). The counts of the 32
 * dimensions of a word are kept bit-sliced, one word per bit of the count (a vertical counter): each attended key
 * adds its v word with a ripple of XOR/AND over the count's bits, and cnt >= K is one bit-sliced comparison per
 * word. No transpose of V and no per-dimension popcount. */
#include <stddef.h>
#include "nano_intent/ni_kernels_b1.h"
#include "ni_b1_bits.h"

#define NI_B1_COUNT_BITS 10u /* counts up to 512 keys + the comparison's headroom */

/* Lanes of the m-bit counts (plane p = bit p of every lane's count) that are >= k, k in 0..2^m - 1. */
static uint32_t ni_b1_planes_ge(const uint32_t *planes, uint32_t stride, uint32_t m, uint32_t k)
{
    uint32_t gt = 0, eq = 0xFFFFFFFFu; /* from the top bit down: greater so far, equal so far */
    for (uint32_t p = m; p-- > 0;) {
        const uint32_t c = planes[p * stride];
        if (k >> p & 1u) {
            eq &= c;
        } else {
            gt |= eq & c;
            eq &= ~c;
        }
    }
    return gt | eq;
}

/* Heads of 32 dimensions (one word each: dh = 32, the usual head): the same steps with the query's word in a
 * register, one load per key and value word and the count planes in a local array (no scratch to clear). */
static void ni_b1_attention_bits_w1(const uint32_t *qbits, const uint32_t *kbits, const uint32_t *vbits, uint32_t n,
                                    uint32_t words, uint32_t heads, uint32_t limit1, int32_t ctx_threshold,
                                    uint32_t *out)
{
    for (uint32_t h = 0; h < heads; h++)
        for (uint32_t i = 0; i < n; i++) {
            const uint32_t q = qbits[(size_t)i * words + h];
            const uint32_t *kj = kbits + h, *vj = vbits + h;
            uint32_t planes[NI_B1_COUNT_BITS], used = 0, ones = 0; /* planes from used up: zero, never written */
            for (uint32_t j = 0; j < n; j++, kj += words, vj += words) {
                if (ni_b1_popcount(q ^ *kj) >= limit1) continue; /* a_ij = 0 */
                ones++;
                uint32_t carry = *vj, p = 0;
                for (; carry != 0 && p < used; p++) {
                    const uint32_t b = planes[p];
                    planes[p] = b ^ carry;
                    carry &= b;
                }
                if (carry != 0) planes[used++] = carry; /* p == used: counts <= n < 2^NI_B1_COUNT_BITS */
            }
            const int32_t sum = (int32_t)ones + ctx_threshold;
            const int32_t kk = sum <= 0 ? 0 : (sum + 1) / 2;
            uint32_t ge = 0;
            if (kk == 0) {
                ge = 0xFFFFFFFFu;
            } else if ((uint32_t)kk <= ones && ((uint32_t)kk >> used) == 0) { /* else every count < 2^used <= kk */
                ge = ni_b1_planes_ge(planes, 1, used, (uint32_t)kk);
            }
            out[(size_t)i * words + h] = ge;
        }
}

void ni_b1_attention_bits(const uint32_t *qbits, const uint32_t *kbits, const uint32_t *vbits, uint32_t n,
                          uint32_t hidden, uint32_t heads, int32_t threshold, int32_t ctx_threshold, uint32_t *scratch,
                          uint32_t *out)
{
    const uint32_t words = hidden / 32u, dh = hidden / heads, dw = dh / 32u;
    uint32_t m = 1; /* count bits: counts reach n */
    while (m < NI_B1_COUNT_BITS && (n >> m) != 0) m++;
    const uint32_t limit1 = threshold > (int32_t)dh ? 0u
                          : threshold < -(int32_t)dh ? dh + 1u
                          : (uint32_t)((int32_t)dh - threshold) / 2u + 1u; /* as ni_b1_attention */
    if (dw == 1 && ctx_threshold > -128) {
        ni_b1_attention_bits_w1(qbits, kbits, vbits, n, words, heads, limit1, ctx_threshold, out);
        return;
    }
    uint32_t *planes = scratch; /* planes[p * dw + dd] */
    for (uint32_t h = 0; h < heads; h++) {
        const uint32_t *k = kbits + h * dw, *v = vbits + h * dw;
        for (uint32_t i = 0; i < n; i++) {
            const uint32_t *q = qbits + (size_t)i * words + h * dw;
            uint32_t *o = out + (size_t)i * words + h * dw;
            if (ctx_threshold <= -128) { /* sat8(c) >= -128 always */
                for (uint32_t dd = 0; dd < dw; dd++) o[dd] = 0xFFFFFFFFu;
                continue;
            }
            for (uint32_t p = 0; p < m * dw; p++) planes[p] = 0;
            uint32_t ones = 0;
            for (uint32_t j = 0; j < n; j++) {
                const uint32_t *kj = k + (size_t)j * words;
                uint32_t diff = 0;
                for (uint32_t dd = 0; dd < dw; dd++) diff += ni_b1_popcount(q[dd] ^ kj[dd]);
                if (diff >= limit1) continue; /* a_ij = 0 */
                ones++;
                const uint32_t *vj = v + (size_t)j * words;
                for (uint32_t dd = 0; dd < dw; dd++) {
                    uint32_t carry = vj[dd];
                    for (uint32_t p = 0; carry != 0 && p < m; p++) {
                        const uint32_t b = planes[p * dw + dd];
                        planes[p * dw + dd] = b ^ carry;
                        carry &= b;
                    }
                }
            }
            /* bit = 2 cnt - ones >= t  <=>  cnt >= ceil((ones + t) / 2); K <= 0: always, K > ones: never */
            const int32_t sum = (int32_t)ones + ctx_threshold;
            const int32_t kk = sum <= 0 ? 0 : (sum + 1) / 2;
            for (uint32_t dd = 0; dd < dw; dd++)
                o[dd] = kk == 0 ? 0xFFFFFFFFu
                      : (uint32_t)kk > ones ? 0u
                      : ni_b1_planes_ge(planes + dd, dw, m, (uint32_t)kk);
        }
    }
}
