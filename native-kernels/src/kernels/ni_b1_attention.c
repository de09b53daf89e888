/* Bi-Attention (BiBERT) on sign bits, with the context by bit planes (BAMM), docs/numerics.md.
 *
 * Per head: V's bits are transposed into one plane per dimension over the positions (32 positions per word, by
 * 32 x 32 tile transposes), then per query the attention row A_i = [s_ij >= threshold] is built as bits and each
 * context value is one AND and popcount per 32 positions: c_i[d] = 2 * popcount(A_i & plane_d) - popcount(A_i)
 * (v_j[d] in {-1, +1}: set bits add one, clear bits subtract one). Scratch holds one head's planes, A_i and the
 * tile, so it grows with n * head size, not n * n. */
#include <stddef.h>
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

/* A_i of one query over the keys, 32 per word, into arow; returns popcount(A_i). a_ij = [diff_ij <= limit] with
 * diff the differing bits of the head's slices, built by shifting in the sign bit of diff - (limit + 1) (set
 * when diff <= limit) so the word needs no compare-and-branch. dw is a constant after inlining. */
NI_B1_INLINE int32_t ni_b1_attention_row(const uint32_t *q, const uint32_t *k, uint32_t words, uint32_t dw, uint32_t n,
                                        uint32_t limit1, uint32_t *arow)
{
    int32_t ones = 0;
    for (uint32_t j0 = 0; j0 < n; j0 += 32u) {
        uint32_t len = n - j0 < 32u ? n - j0 : 32u, a = 0;
        for (uint32_t b = 0; b < len; b++) {
            const uint32_t *kj = k + (size_t)(j0 + b) * words; /* indexed, so no pointer runs past the array */
            uint32_t diff = ni_b1_popcount(q[0] ^ kj[0]);
            for (uint32_t dd = 1; dd < dw; dd++) diff += ni_b1_popcount(q[dd] ^ kj[dd]);
            a = (a >> 1) | ((diff - limit1) & 0x80000000u);
        }
        a >>= 32u - len; /* key j0 + b now at bit b */
        *arow++ = a;
        ones += (int32_t)ni_b1_popcount(a);
    }
    return ones;
}

/* c[d] = 2 * popcount(A_i & plane_d) - popcount(A_i), saturated; nw is a constant after inlining when 1. */
NI_B1_INLINE void ni_b1_attention_context(const uint32_t *arow, int32_t ones, const uint32_t *planes, uint32_t nw,
                                          uint32_t dh, int8_t *c)
{
    for (uint32_t d = 0; d < dh; d++, planes += nw) {
        int32_t agree = 0;
        for (uint32_t jb = 0; jb < nw; jb++) agree += (int32_t)ni_b1_popcount(arow[jb] & planes[jb]);
        int32_t v = 2 * agree - ones;
        c[d] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v); /* int32 clamp: one SSAT on Arm */
    }
}

void ni_b1_attention(const uint32_t *qbits, const uint32_t *kbits, const uint32_t *vbits, uint32_t n, uint32_t hidden,
                     uint32_t heads, int32_t threshold, uint32_t *scratch, int8_t *ctx)
{
    const uint32_t words = hidden / 32u, dh = hidden / heads, dw = dh / 32u, nw = (n + 31u) / 32u;
    uint32_t *planes = scratch, *arow = scratch + dh * nw, *tile = arow + nw;
    /* s_ij = dh - 2 diff >= threshold  <=>  diff <= limit = floor((dh - threshold) / 2); limit1 = limit + 1 is
     * 0 (never) to dh + 1 (always). */
    uint32_t limit1 = threshold > (int32_t)dh ? 0u
                    : threshold < -(int32_t)dh ? dh + 1u
                    : (uint32_t)((int32_t)dh - threshold) / 2u + 1u;
    for (uint32_t h = 0; h < heads; h++) {
        ni_b1_v_planes(vbits, n, words, h, dw, nw, planes, tile);
        const uint32_t *k = kbits + h * dw;
        for (uint32_t i = 0; i < n; i++) {
            const uint32_t *q = qbits + (size_t)i * words + h * dw;
            int8_t *c = ctx + (size_t)i * hidden + h * dh;
            int32_t ones = dw == 1 ? ni_b1_attention_row(q, k, words, 1, n, limit1, arow)
                                   : ni_b1_attention_row(q, k, words, dw, n, limit1, arow);
            if (nw == 1)
                ni_b1_attention_context(arow, ones, planes, 1, dh, c);
            else
                ni_b1_attention_context(arow, ones, planes, nw, dh, c);
        }
    }
}
