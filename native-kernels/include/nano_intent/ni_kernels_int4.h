/* int4 weights (NI_ENC_INT4, docs/numerics.md section 3j): 4-bit two's-complement weights in [-8, 7], two per byte,
 * column 2k in the low nibble and column 2k + 1 in the high nibble of byte k of its row; rows are cols / 2 bytes
 * (cols % 4 == 0, so no padding). A nibble n stands for (n ^ 8) - 8. Integer-only, no malloc; the DSP variant equals
 * the portable one bit for bit. */
#ifndef NANO_INTENT_NI_KERNELS_INT4_H
#define NANO_INTENT_NI_KERNELS_INT4_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The weight of column c in a packed row. */
static inline int32_t ni_int4_value(const uint8_t *row, uint32_t c)
{
    uint32_t nib = (uint32_t)(row[c >> 1] >> ((c & 1u) * 4u)) & 15u;
    return (int32_t)(nib ^ 8u) - 8;
}

/* Token-batched GEMM over packed int4 rows: acc[t*acc_stride + (r - r0)] = sum_c w[r][c] * x[t*x_stride + c] for
 * tokens t < n and rows r0 <= r < r1; int32 (|acc| <= 8 * 128 * cols < 2^20 for cols <= 1024), cols % 4 == 0. Each
 * weight row is read and unpacked once for all n tokens. */
void ni_int4_gemm_ref(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                      uint32_t r1, int32_t *acc, uint32_t acc_stride);
#ifdef NI_HAVE_INT4_GEMM_DSP
void ni_int4_gemm_dsp(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                      uint32_t r1, int32_t *acc, uint32_t acc_stride);
#endif
/* Same contract; the DSP variant when NI_HAVE_INT4_GEMM_DSP is defined, else the reference. */
void ni_int4_gemm(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                  uint32_t r1, int32_t *acc, uint32_t acc_stride);

#ifdef __cplusplus
}
#endif

#endif
