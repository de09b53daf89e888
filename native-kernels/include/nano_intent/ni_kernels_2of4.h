/* 2:4 sparse int8 weights (NI_ENC_INT8_2OF4, docs/numerics.md section 3m): in every group of 4 input columns only 2
 * weights are stored. A row is cols/2 int8 kept values (group g's two at bytes 2g and 2g + 1, the lower column first)
 * followed by ceil(cols/8) position bytes: group g's nibble is the low (g even) or high (g odd) nibble of byte g/2,
 * nibble = p0 | p1 << 2 with 0 <= p0 < p1 <= 3 the columns 4g + p0 and 4g + p1 of the two values; a last, unused
 * nibble is 0. Integer-only, no malloc. */
#ifndef NANO_INTENT_NI_KERNELS_2OF4_H
#define NANO_INTENT_NI_KERNELS_2OF4_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of one row of `cols` columns (cols % 4 == 0). */
static inline uint32_t ni_2of4_row_bytes(uint32_t cols) { return cols / 2u + (cols / 4u + 1u) / 2u; }

/* The position nibble of group g of a row (the row's position bytes start at pos). */
static inline uint32_t ni_2of4_nibble(const uint8_t *pos, uint32_t g) { return (uint32_t)(pos[g >> 1] >> ((g & 1u) * 4u)) & 15u; }

/* 1 when a nibble names two distinct columns in ascending order (p0 < p1): 6 of the 16 nibbles. */
static inline int ni_2of4_nibble_ok(uint32_t nib) { return (nib & 3u) < (nib >> 2); }

/* Token-batched GEMM over 2:4 rows: acc[t*acc_stride + (r - r0)] = sum over kept (c, w) of row r of w * x[t*x_stride +
 * c] for tokens t < n and rows r0 <= r < r1; int32 (|acc| <= 128 * 128 * cols / 2 <= 2^23 for cols <= 1024), cols %
 * 4 == 0, positions valid (ni_2of4_nibble_ok). Each group's weights and positions are decoded once for all n tokens;
 * the pruned half of the columns is never read. */
void ni_2of4_gemm(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                  uint32_t r1, int32_t *acc, uint32_t acc_stride);

#ifdef __cplusplus
}
#endif

#endif
