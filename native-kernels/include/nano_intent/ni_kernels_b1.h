/* 1-bit kernels (NI_ENC_BINARY, docs/numerics.md): bit-packing of int8 activations, the xor-popcount GEMM over
 * bit-packed weight rows, and Bi-Attention with its bit-plane context (BAMM).
 *
 * Bit layout everywhere: element c of a vector is bit c % 32 of the little-endian uint32 word c / 32; a set bit
 * means +1, a clear bit -1. A product of two such vectors over `words` words is
 * 32 * words - 2 * popcount(a XOR b). Integer-only, no malloc; every platform variant equals the portable one bit
 * for bit (popcounts are exact, sums are exact in any order). */
#ifndef NANO_INTENT_NI_KERNELS_B1_H
#define NANO_INTENT_NI_KERNELS_B1_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* bits[c / 32] bit c % 32 = (x[c] >= threshold), cols % 32 == 0. */
void ni_b1_pack_s8(const int8_t *x, uint32_t cols, int32_t threshold, uint32_t *bits);

/* Token-batched binary GEMM: acc[t * acc_stride + (r - r0)] = 32 * words - 2 * popcount(w_r XOR x_t) for tokens
 * t < n and rows r0 <= r < r1. Weight row r is the `words` words at w + r * words (read in place, e.g. from flash);
 * token t's bits are at xbits + t * x_words_stride. Each weight word is loaded once for all n tokens. */
void ni_b1_gemm(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);
/* Same contract with the portable SWAR popcount (Cortex-M, RV32, Xtensa): the definition every variant is
 * tested against. */
void ni_b1_gemm_swar(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                     uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);
#ifdef NI_HAVE_B1_POPCNT_X86
/* Same contract with the x86 POPCNT instruction; ni_b1_gemm uses it when the CPU has it
 * (ni_b1_have_popcnt_x86), so call it directly only then. */
void ni_b1_gemm_popcnt(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride,
                       uint32_t n, uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);
int ni_b1_have_popcnt_x86(void);
#endif
#ifdef NI_HAVE_B1_GEMM_DSP
/* Same contract, Armv7E-M (Cortex-M4/M7): four weight words held in registers, USAD8 for the byte sums. */
void ni_b1_gemm_dsp(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                    uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);
#endif

/* 1-bit weights over int8 inputs (NI_ENC_BINARY_S8): sum_c w[r][c] * x[c] with w in +-1, by table lookup. The input
 * is cut into groups of 4 columns; group g's table holds, for each 4-bit weight pattern m (bit i = column 4g + i),
 * T[16 g + m] = sum_i (bit i of m ? x[4g + i] : -x[4g + i]), |T| <= 512. A weight row then costs one lookup and one
 * add per 4 columns. */

/* tables[16 g + m] for the cols / 4 groups of x (cols a multiple of 4). */
void ni_b1s8_tables(const int8_t *x, uint32_t cols, int16_t *tables);

/* acc[t * acc_stride + (r - r0)] = sum_g T_t[16 g + ((w_r[g / 8] >> 4 (g % 8)) & 15)] = sum_c w[r][c] * x_t[c] for
 * tokens t < n and rows r0 <= r < r1. Weight row r is the `words` words at w + r * words; token t's tables (words * 128
 * entries) start at tables + t * tables_stride. */
void ni_b1s8_gemm(const uint32_t *w, uint32_t words, const int16_t *tables, uint32_t tables_stride, uint32_t n,
                  uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);

/* Scratch ni_b1_attention needs, in bytes (a multiple of 4): one head's V bit planes over the n positions, one
 * attention row and a 32 x 32 transpose tile. 0 when hidden is not heads x (a multiple of 32). */
uint32_t ni_b1_attention_scratch_bytes(uint32_t n, uint32_t hidden, uint32_t heads);

/* Bi-Attention over n (1..512) tokens. q, k, v: sign bits, token t's `hidden` bits at t * (hidden / 32) words.
 * Per head h (head size dh = hidden / heads, a multiple of 32), query i, key j:
 *   s_ij = dh - 2 * popcount(q_i,h XOR k_j,h),  a_ij = (s_ij >= threshold) in {0, 1},
 *   c_i[d] = sum_j a_ij * v_j[d] = 2 * popcount(A_i AND Vplane_d) - popcount(A_i)  (v in {-1, +1}),
 *   ctx[i * hidden + h * dh + d] = sat8(c_i[d]).
 * scratch: ni_b1_attention_scratch_bytes(n, hidden, heads) bytes, 4-aligned. */
void ni_b1_attention(const uint32_t *qbits, const uint32_t *kbits, const uint32_t *vbits, uint32_t n, uint32_t hidden,
                     uint32_t heads, int32_t threshold, uint32_t *scratch, int8_t *ctx);

/* The same Bi-Attention with the context written as the next binary layer's input bits: bit d of query i (word
 * i * (hidden / 32) of out) = [sat8(c_i[d]) >= ctx_threshold], what ni_b1_pack_s8 makes of ni_b1_attention's ctx.
 * scratch as ni_b1_attention's (it needs fewer bytes). */
void ni_b1_attention_bits(const uint32_t *qbits, const uint32_t *kbits, const uint32_t *vbits, uint32_t n,
                          uint32_t hidden, uint32_t heads, int32_t threshold, int32_t ctx_threshold, uint32_t *scratch,
                          uint32_t *out);

#ifdef __cplusplus
}
#endif

#endif
