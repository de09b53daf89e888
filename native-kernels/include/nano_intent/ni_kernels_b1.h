/* 1-bit kernels (NI_ENC_BINARY, docs/numerics.md): bit packing of int8 activations, the xor-popcount GEMM over
 * bit-packed weight rows, and Bi-Attention with its bit-plane context.
 *
 * TEMPORARY: this header and src/kernels/ni_b1_{pack,gemm,attention}.c are plain portable stand-ins so the runtime
 * links; the optimized 1-bit kernels (SWAR/POPCNT/DSP variants) replace them with the same declarations.
 *
 * Bit layout: element c of a vector is bit c % 32 of the little-endian uint32 word c / 32; set = +1, clear = -1. */
#ifndef NANO_INTENT_NI_KERNELS_B1_H
#define NANO_INTENT_NI_KERNELS_B1_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* bits[c / 32] bit c % 32 = (x[c] >= threshold), cols % 32 == 0. */
void ni_b1_pack_s8(const int8_t *x, uint32_t cols, int32_t threshold, uint32_t *bits);

/* acc[t * acc_stride + (r - r0)] = 32 * words - 2 * popcount(w_r XOR x_t) for tokens t < n and rows r0 <= r < r1;
 * weight row r is the `words` words at w + r * words, token t's bits at xbits + t * x_words_stride. */
void ni_b1_gemm(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);

/* Scratch ni_b1_attention needs, in bytes (a multiple of 4). */
uint32_t ni_b1_attention_scratch_bytes(uint32_t n, uint32_t hidden, uint32_t heads);

/* Bi-Attention over n tokens; q, k, v sign bits, token t's hidden bits at t * (hidden / 32) words. Per head
 * (dh = hidden / heads, a multiple of 32), query i, key j: s_ij = dh - 2 popcount(q_i XOR k_j), a_ij = (s_ij >=
 * threshold), c_i[d] = sum_j a_ij v_j[d] (v in {-1, +1}), ctx[i * hidden + h * dh + d] = sat8(c_i[d]). */
void ni_b1_attention(const uint32_t *qbits, const uint32_t *kbits, const uint32_t *vbits, uint32_t n, uint32_t hidden,
                     uint32_t heads, int32_t threshold, uint32_t *scratch, int8_t *ctx);

#ifdef __cplusplus
}
#endif

#endif
