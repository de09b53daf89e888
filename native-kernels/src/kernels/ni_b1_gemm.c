/* Token-batched xor-popcount GEMM, portable SWAR popcount (Cortex-M, RV32, Xtensa), and the dispatch to the
 * platform variants.
 *
 * Loop order: for each weight row, up to four of its words are held in registers while every token streams past
 * them, so each weight word is read once (from flash, in place) for all n tokens. Per token and chunk the xor'ed
 * words' bit counts are summed in nibbles (<= 8 for a pair of words), then bytes (<= 32 for four words), and the
 * four bytes once by a multiply. Carry-save (Harley-Seal) accumulation does not pay here: a row has at most
 * 32 words and a chunk four, too few for the adder tree to save its own cost (bench/results/mcu-binary-kernels.md). */
#include "nano_intent/ni_kernels_b1.h"
#include "ni_b1_bits.h"

/* Bit count of (x ^ w) over m (1..4, a constant after inlining) words, as a word of byte counts (each <= 32). */
NI_B1_INLINE uint32_t ni_b1_xor_bytes(const uint32_t *x, uint32_t m, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3)
{
    uint32_t p = ni_b1_nibble_counts(x[0] ^ w0);
    if (m > 1) p += ni_b1_nibble_counts(x[1] ^ w1);
    uint32_t y = ni_b1_byte_counts(p);
    if (m > 2) {
        uint32_t q = ni_b1_nibble_counts(x[2] ^ w2);
        if (m > 3) q += ni_b1_nibble_counts(x[3] ^ w3);
        y += ni_b1_byte_counts(q);
    }
    return y;
}

/* One chunk of m words of one weight row against every token: the first chunk of a row writes
 * 32 * words - 2 * count, later chunks subtract 2 * count. */
NI_B1_INLINE void ni_b1_chunk(const uint32_t *wk, uint32_t m, int first, int32_t full, const uint32_t *xk,
                              uint32_t xs, uint32_t n, int32_t *a, uint32_t as)
{
    uint32_t w0 = wk[0], w1 = m > 1 ? wk[1] : 0, w2 = m > 2 ? wk[2] : 0, w3 = m > 3 ? wk[3] : 0;
    for (uint32_t t = 0; t < n; t++, xk += xs, a += as) {
        int32_t count = (int32_t)ni_b1_sum_bytes(ni_b1_xor_bytes(xk, m, w0, w1, w2, w3));
        *a = (first ? full : *a) - 2 * count;
    }
}

void ni_b1_gemm_swar(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                     uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    const int32_t full = (int32_t)(32u * words);
    for (uint32_t r = r0; r < r1; r++) {
        const uint32_t *wr = w + (uint32_t)r * words;
        int32_t *a = acc + (r - r0);
        if (words == 0) {
            for (uint32_t t = 0; t < n; t++) a[t * acc_stride] = 0;
            continue;
        }
        uint32_t k = 0;
        for (; k + 4 <= words; k += 4) {
            if (k == 0)
                ni_b1_chunk(wr, 4, 1, full, xbits, x_words_stride, n, a, acc_stride);
            else
                ni_b1_chunk(wr + k, 4, 0, full, xbits + k, x_words_stride, n, a, acc_stride);
        }
        switch (words - k) { /* the last 1..3 words (96 columns = 3 words) */
        case 3: ni_b1_chunk(wr + k, 3, k == 0, full, xbits + k, x_words_stride, n, a, acc_stride); break;
        case 2: ni_b1_chunk(wr + k, 2, k == 0, full, xbits + k, x_words_stride, n, a, acc_stride); break;
        case 1: ni_b1_chunk(wr + k, 1, k == 0, full, xbits + k, x_words_stride, n, a, acc_stride); break;
        default: break;
        }
    }
}

void ni_b1_gemm(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
#if defined(NI_HAVE_B1_GEMM_DSP)
    ni_b1_gemm_dsp(w, words, xbits, x_words_stride, n, r0, r1, acc, acc_stride);
#else
#if defined(NI_HAVE_B1_POPCNT_X86)
    if (ni_b1_have_popcnt_x86()) {
        ni_b1_gemm_popcnt(w, words, xbits, x_words_stride, n, r0, r1, acc, acc_stride);
        return;
    }
#endif
    ni_b1_gemm_swar(w, words, xbits, x_words_stride, n, r0, r1, acc, acc_stride);
#endif
}
