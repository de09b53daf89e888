/* Pruned int8 GEMM rows (NI_ENC_INT8_SPARSE, docs/numerics.md section 3l): each row (or group of 4 rows) lists only its
 * kept blocks of b int8 weights (b = 1, 4 or 16 = 4x4) with their column, so the kernels never read or multiply a pruned weight. The layout is
 * in ni_encoding.h; the helpers below read it in place (little-endian, any alignment). Integer-only, no malloc; the
 * DSP variant equals the portable one bit for bit. */
#ifndef NANO_INTENT_NI_KERNELS_SPARSE_H
#define NANO_INTENT_NI_KERNELS_SPARSE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

static inline uint32_t ni_sparse_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
/* The block size b: 1 or 4 weights of a row, or NI_SPARSE_BLOCK_4X4 (16: 4 rows x 4 columns). */
#define NI_SPARSE_BLOCK_4X4 16u
static inline uint32_t ni_sparse_block(const uint8_t *data) { return ni_sparse_rd32(data); }
/* Rows and columns of a block of b weights. */
static inline uint32_t ni_sparse_height(uint32_t b) { return b == NI_SPARSE_BLOCK_4X4 ? 4u : 1u; }
static inline uint32_t ni_sparse_width(uint32_t b) { return b / ni_sparse_height(b); }
/* The units row_start counts: rows, or groups of 4 rows for 4x4 blocks. */
static inline uint32_t ni_sparse_units(const uint8_t *data, uint32_t rows) { return rows / ni_sparse_height(ni_sparse_block(data)); }
/* The index of unit u's first kept block (u <= units); row_start(units) is the number of kept blocks. */
static inline uint32_t ni_sparse_row_start(const uint8_t *data, uint32_t u) { return ni_sparse_rd32(data + 4u + 4u * u); }
/* Byte offset of block_col[0], and of values[0] for nb kept blocks. */
static inline uint32_t ni_sparse_cols_offset(uint32_t units) { return 8u + 4u * units; }
static inline uint32_t ni_sparse_values_offset(uint32_t units, uint32_t nb)
{
    return (ni_sparse_cols_offset(units) + 2u * nb + 3u) & ~3u;
}
/* The first column of kept block k. */
static inline uint32_t ni_sparse_block_col(const uint8_t *data, uint32_t units, uint32_t k)
{
    const uint8_t *p = data + ni_sparse_cols_offset(units) + 2u * k;
    return ((uint32_t)p[0] | (uint32_t)p[1] << 8) * ni_sparse_width(ni_sparse_block(data));
}

/* Token-batched GEMM over the kept blocks of rows r0 <= r < r1 of a validated tensor of `rows` rows:
 * acc[t*acc_stride + (r - r0)] = sum over kept weights w[r][c] * x[t*x_stride + c] for tokens t < n (a row with no
 * kept block gives 0). Each kept block is read from the image once for all n tokens. */
void ni_sparse_gemm_ref(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n,
                        uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);
#ifdef NI_HAVE_SPARSE_GEMM_DSP
/* Blocks of 4 and 4x4 on Armv7E-M: SMLAD on halfword pairs; b = 1 tensors take the reference. */
void ni_sparse_gemm_dsp(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n,
                        uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);
/* 4x4 blocks (src/arm/sparse_gemm_4x4_dsp.c): the dense int8 GEMM's 4-row step at each kept block's column. */
void ni_sparse_gemm_4x4_dsp(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n,
                            uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);
#endif
/* A 4x4 kernel's work for the 4 rows of one group: blocks [k0, k1) (block_col at `cols`, 16 values each at `blocks`)
 * against tokens t < n, the sums written to acc[t * acc_stride + 0..3]. */
typedef void (*ni_sparse_group_fn)(const uint8_t *cols, const int8_t *blocks, uint32_t k0, uint32_t k1, const int8_t *x,
                                   uint32_t x_stride, uint32_t n, int32_t *acc, uint32_t acc_stride);

/* The 4x4 kernels' common driver: the whole groups of 4 rows inside [r0, r1) through `group`; rows of a group cut by
 * the range (the tile driver's tiles are multiples of 4 rows, so only a caller's own ranges) through the reference. */
static inline void ni_sparse_4x4_groups(ni_sparse_group_fn group, const uint8_t *data, uint32_t rows, const int8_t *x,
                                        uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1, int32_t *acc,
                                        uint32_t acc_stride)
{
    const uint32_t units = rows / 4u, nb = ni_sparse_row_start(data, units), head = (r0 + 3u) & ~3u;
    const int8_t *blocks = (const int8_t *)(const void *)(data + ni_sparse_values_offset(units, nb));
    const uint8_t *cols = data + ni_sparse_cols_offset(units);
    uint32_t r = r0;
    if (head > r0) {
        r = head < r1 ? head : r1;
        ni_sparse_gemm_ref(data, rows, x, x_stride, n, r0, r, acc, acc_stride);
    }
    for (; r + 4u <= r1; r += 4u)
        group(cols, blocks, ni_sparse_row_start(data, r / 4u), ni_sparse_row_start(data, r / 4u + 1u), x, x_stride, n,
              acc + (r - r0), acc_stride);
    if (r < r1) ni_sparse_gemm_ref(data, rows, x, x_stride, n, r, r1, acc + (r - r0), acc_stride);
}

/* Same contract; the DSP variant when NI_HAVE_SPARSE_GEMM_DSP is defined, else the portable one (b = 4: four tokens
 * a pass; 4x4: the 4 rows of a group against each token; b = 1: the reference). */
void ni_sparse_gemm(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                    uint32_t r1, int32_t *acc, uint32_t acc_stride);

#ifdef __cplusplus
}
#endif

#endif
