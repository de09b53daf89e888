/* AdaptivFloat weights (NI_ENC_ADAPTIVFLOAT, docs/numerics.md section 3g): one byte per weight, sign | 3-bit exponent
 * E | 4-bit mantissa M, decoded through a 256-entry int16 table to the integer +-(16 + M) << E (0 for E = M = 0), the
 * weight in units of its row's power of two. The table is a constant of the format (the exponent bias of each row is
 * folded into that row's requantization multiplier), so it lives in flash with the code and costs no RAM, no image
 * bytes and no work at load time. Integer-only, no malloc; the DSP variant equals the portable one bit for bit. */
#ifndef NANO_INTENT_NI_KERNELS_AF8_H
#define NANO_INTENT_NI_KERNELS_AF8_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NI_AF8_MANTISSA_BITS 4
#define NI_AF8_EXPONENT_BITS 3
#define NI_AF8_MAX_MAGNITUDE 3968          /* 31 << 7: |table entry| <= 3968 < 2^12 */

/* The decode table: code -> +-(16 + M) << E, codes 0x00 and 0x80 -> 0. */
extern const int16_t ni_af8_values[256];

/* Token-batched GEMM over AdaptivFloat rows: acc[t*acc_stride + (r - r0)] = sum_c ni_af8_values[w[r*cols + c]] *
 * x[t*x_stride + c] for tokens t < n and rows r0 <= r < r1; int32 (|acc| <= 3968 * 128 * cols < 2^29 for cols <=
 * 1024), cols % 4 == 0. Each weight row is read and decoded once for all n tokens. */
void ni_af8_gemm_ref(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                     uint32_t r1, int32_t *acc, uint32_t acc_stride);
#ifdef NI_HAVE_AF8_GEMM_DSP
void ni_af8_gemm_dsp(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                     uint32_t r1, int32_t *acc, uint32_t acc_stride);
#endif
/* Same contract; the DSP variant when NI_HAVE_AF8_GEMM_DSP is defined, else the reference. */
void ni_af8_gemm(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                 uint32_t r1, int32_t *acc, uint32_t acc_stride);

#ifdef __cplusplus
}
#endif

#endif
