/* iPQ weights (NI_ENC_IPQ, docs/numerics.md section 3k): a codebook of K int8 codewords of d weights and, per row,
 * cols/d uint8 indices into it; weight (r, c) = codebook[index[r][c / d] * d + c % d]. Integer-only, no malloc; every
 * variant gives the same int32 sums bit for bit (integer sums are exact in any order). */
#ifndef NANO_INTENT_NI_KERNELS_IPQ_H
#define NANO_INTENT_NI_KERNELS_IPQ_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A validated tensor's parts: codes x block int8 codewords, rows x cols/block indices (each < codes). */
typedef struct ni_ipq_weights {
    const int8_t *codebook;
    const uint8_t *indices;
    uint32_t codes, block, cols;
} ni_ipq_weights;

/* The weight at (row, col). */
static inline int32_t ni_ipq_value(const ni_ipq_weights *w, uint32_t row, uint32_t col)
{
    const uint32_t subs = w->cols / w->block;
    return w->codebook[(uint32_t)w->indices[row * subs + col / w->block] * w->block + col % w->block];
}

/* Token-batched GEMM: acc[t*acc_stride + (r - r0)] = sum_c w[r][c] * x[t*x_stride + c] for tokens t < n and rows
 * r0 <= r < r1 (int32, |acc| <= 2^24 for cols <= 1024). The reference decodes each row's codewords once for all n
 * tokens: (r1 - r0) * cols MACs a token. */
void ni_ipq_gemm_ref(const ni_ipq_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1,
                     int32_t *acc, uint32_t acc_stride);
/* Same contract by lookup tables: per token and sub-vector j, the K dot products of the codebook with x[j*d, j*d + d)
 * once (K * cols MACs a token), then each row adds table[index[r][j]] ((r1 - r0) * cols / d lookups a token). */
void ni_ipq_gemm_table(const ni_ipq_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                       uint32_t r1, int32_t *acc, uint32_t acc_stride);
/* 1 when the tables cost fewer operations than decoding for rows of a call: rows * cols > K * cols + rows * cols / d. */
int ni_ipq_table_pays(uint32_t codes, uint32_t block, uint32_t rows);
#ifdef NI_HAVE_IPQ_GEMM_DSP
/* The reference's decoding into the int8 GEMM's SMLAD loop (Cortex-M4/M7); blocks d % 4 != 0 take the reference. */
void ni_ipq_gemm_dsp(const ni_ipq_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1,
                     int32_t *acc, uint32_t acc_stride);
#endif
/* Same contract: the tables when they pay for r1 - r0 rows, else the DSP variant when NI_HAVE_IPQ_GEMM_DSP is defined,
 * else the reference. */
void ni_ipq_gemm(const ni_ipq_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride);

#ifdef __cplusplus
}
#endif

#endif
