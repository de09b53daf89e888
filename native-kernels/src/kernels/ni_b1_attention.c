/* Bi-Attention (BiBERT) on sign bits, with the context by bit planes (BAMM), docs/numerics.md.
 *
 * Per head: V's bits are transposed into one plane per dimension over the positions (32 positions per word, by
 * 32 x 32 tile transposes), then per query the attention row A_i = [s_ij >= threshold] is built as bits and each
 * context value is one AND and popcount per 32 positions: c_i[d] = 2 * popcount(A_i & plane_d) - popcount(A_i)
 * (v_j[d] in {-1, +1}: set bits add one, clear bits subtract one). Scratch holds one head's planes, A_i and the
 * tile, so it grows with n * head size, not n * n. */
#include <stddef.h>
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_kernels_b1.h"
#include "ni_b1_bits.h"

uint32_t ni_b1_attention_scratch_bytes(uint32_t n, uint32_t hidden, uint32_t heads)
{
    if (heads == 0 || hidden == 0 || hidden % heads != 0 || (hidden / heads) % 32u != 0) return 0;
    uint32_t nw = (n + 31u) / 32u;
    return 4u * ((hidden / heads) * nw + nw + 32u);
}

/* In-place transpose of a 32 x 32 bit matrix: bit c of t[r] <-> bit r of t[c]. At each level j (16, 8, .., 1) the
 * off-diagonal j x j blocks swap: bits c + j of row k with bits c of row k + j, for k and c with bit j clear. */
static void ni_b1_transpose32(uint32_t *t)
{
    uint32_t m = 0x0000FFFFu;
    for (uint32_t j = 16; j != 0; j >>= 1, m ^= m << j) {
        for (uint32_t k = 0; k < 32; k = ((k | j) + 1u) & ~j) {
            uint32_t x = ((t[k] >> j) ^ t[k + j]) & m;
            t[k + j] ^= x;
            t[k] ^= x << j;
        }
    }
}

/* planes[d * nw + jb] bit b = bit d of head h's slice of v_(32 jb + b), zero for positions >= n. */
static void ni_b1_v_planes(const uint32_t *vbits, uint32_t n, uint32_t words, uint32_t h, uint32_t dw, uint32_t nw,
                           uint32_t *planes, uint32_t *tile)
{
    for (uint32_t dd = 0; dd < dw; dd++) {
        for (uint32_t jb = 0; jb < nw; jb++) {
            for (uint32_t b = 0; b < 32; b++) {
                uint32_t j = 32u * jb + b;
                tile[b] = j < n ? vbits[(size_t)j * words + h * dw + dd] : 0u;
            }
            ni_b1_transpose32(tile);
            for (uint32_t b = 0; b < 32; b++) planes[(32u * dd + b) * nw + jb] = tile[b];
        }
    }
}

void ni_b1_attention(const uint32_t *qbits, const uint32_t *kbits, const uint32_t *vbits, uint32_t n, uint32_t hidden,
                     uint32_t heads, int32_t threshold, uint32_t *scratch, int8_t *ctx)
{
    const uint32_t words = hidden / 32u, dh = hidden / heads, dw = dh / 32u, nw = (n + 31u) / 32u;
    uint32_t *planes = scratch, *arow = scratch + dh * nw, *tile = arow + nw;
    for (uint32_t h = 0; h < heads; h++) {
        ni_b1_v_planes(vbits, n, words, h, dw, nw, planes, tile);
        for (uint32_t i = 0; i < n; i++) {
            const uint32_t *q = qbits + (size_t)i * words + h * dw;
            int32_t ones = 0;
            for (uint32_t jb = 0; jb < nw; jb++) { /* A_i, 32 keys per word */
                uint32_t a = 0, len = n - 32u * jb < 32u ? n - 32u * jb : 32u;
                const uint32_t *k = kbits + (size_t)32u * jb * words + h * dw;
                for (uint32_t b = 0; b < len; b++, k += words) {
                    uint32_t diff = 0;
                    for (uint32_t dd = 0; dd < dw; dd++) diff += ni_b1_popcount(q[dd] ^ k[dd]);
                    int32_t s = (int32_t)dh - 2 * (int32_t)diff;
                    a |= (uint32_t)(s >= threshold) << b;
                }
                arow[jb] = a;
                ones += (int32_t)ni_b1_popcount(a);
            }
            int8_t *c = ctx + (size_t)i * hidden + h * dh;
            for (uint32_t d = 0; d < dh; d++) { /* BAMM: one AND + popcount per 32 positions */
                const uint32_t *p = planes + d * nw;
                int32_t agree = 0;
                for (uint32_t jb = 0; jb < nw; jb++) agree += (int32_t)ni_b1_popcount(arow[jb] & p[jb]);
                c[d] = ni_sat8(2 * agree - ones);
            }
        }
    }
}
