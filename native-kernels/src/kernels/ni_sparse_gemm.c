/* Sparse int8 GEMM (ni_kernels_sparse.h): the portable kernel, the reference the DSP variant is tested against. A
 * row's kept blocks are read NI_SPARSE_CHUNK weights at a time into int16 values and their columns, which then serve
 * every token: each kept weight is read from flash once per utterance and no pruned weight is touched. Integer sums
 * are exact, so any order gives the same int32. */
#include "nano_intent/ni_kernels_sparse.h"

#define NI_SPARSE_CHUNK 64u /* weights per pass; a multiple of 4 */

void ni_sparse_gemm_ref(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n,
                        uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    const uint32_t b = ni_sparse_block(data), nb = ni_sparse_row_start(data, rows);
    const int8_t *values = (const int8_t *)(const void *)(data + ni_sparse_values_offset(rows, nb));
    int16_t v[NI_SPARSE_CHUNK];
    uint16_t col[NI_SPARSE_CHUNK];
    for (uint32_t r = r0; r < r1; r++) {
        const uint32_t k0 = ni_sparse_row_start(data, r), k1 = ni_sparse_row_start(data, r + 1);
        for (uint32_t t = 0; t < n; t++) acc[t * acc_stride + (r - r0)] = 0;
        for (uint32_t k = k0; k < k1;) {
            uint32_t m = 0; /* weights in this pass */
            for (; k < k1 && m + b <= NI_SPARSE_CHUNK; k++)
                for (uint32_t j = 0, c = ni_sparse_block_col(data, rows, k); j < b; j++, m++) {
                    v[m] = values[k * b + j];
                    col[m] = (uint16_t)(c + j);
                }
            for (uint32_t t = 0; t < n; t++) {
                const int8_t *xt = x + t * x_stride;
                int32_t s = acc[t * acc_stride + (r - r0)];
                for (uint32_t i = 0; i < m; i++) s += (int32_t)v[i] * xt[col[i]];
                acc[t * acc_stride + (r - r0)] = s;
            }
        }
    }
}

#ifndef NI_HAVE_SPARSE_GEMM_DSP
#define NI_SPARSE_B4_BLOCKS 32u /* blocks of a row expanded per pass */

/* Blocks of 4, portable (RV32IMC, the host): a row's blocks are expanded 32 at a time to int32 weights and a column,
 * then serve four tokens a pass, so each block's column and 4 weights are loaded once for 4 tokens (the reference
 * reloads them per token and weight). */
static void gemm_b4(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                    uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    const uint32_t nb = ni_sparse_row_start(data, rows);
    const int8_t *values = (const int8_t *)(const void *)(data + ni_sparse_values_offset(rows, nb));
    int32_t w[4 * NI_SPARSE_B4_BLOCKS];
    uint32_t col[NI_SPARSE_B4_BLOCKS];
    for (uint32_t r = r0; r < r1; r++) {
        int32_t *o = acc + (r - r0);
        const uint32_t k1 = ni_sparse_row_start(data, r + 1);
        for (uint32_t t = 0; t < n; t++) o[t * acc_stride] = 0;
        for (uint32_t k = ni_sparse_row_start(data, r); k < k1;) {
            const uint32_t m = k1 - k < NI_SPARSE_B4_BLOCKS ? k1 - k : NI_SPARSE_B4_BLOCKS;
            for (uint32_t i = 0; i < m; i++) {
                col[i] = ni_sparse_block_col(data, rows, k + i);
                for (uint32_t j = 0; j < 4; j++) w[4 * i + j] = values[4 * (k + i) + j];
            }
            k += m;
            uint32_t t = 0;
            for (; t + 4 <= n; t += 4) {
                const int8_t *x0 = x + t * x_stride, *x1 = x0 + x_stride, *x2 = x1 + x_stride, *x3 = x2 + x_stride;
                int32_t a0 = o[t * acc_stride], a1 = o[(t + 1) * acc_stride], a2 = o[(t + 2) * acc_stride],
                        a3 = o[(t + 3) * acc_stride];
                for (uint32_t i = 0; i < m; i++) {
                    const uint32_t c = col[i];
                    const int32_t w0 = w[4 * i], w1 = w[4 * i + 1], w2 = w[4 * i + 2], w3 = w[4 * i + 3];
                    a0 += w0 * x0[c] + w1 * x0[c + 1] + w2 * x0[c + 2] + w3 * x0[c + 3];
                    a1 += w0 * x1[c] + w1 * x1[c + 1] + w2 * x1[c + 2] + w3 * x1[c + 3];
                    a2 += w0 * x2[c] + w1 * x2[c + 1] + w2 * x2[c + 2] + w3 * x2[c + 3];
                    a3 += w0 * x3[c] + w1 * x3[c + 1] + w2 * x3[c + 2] + w3 * x3[c + 3];
                }
                o[t * acc_stride] = a0;
                o[(t + 1) * acc_stride] = a1;
                o[(t + 2) * acc_stride] = a2;
                o[(t + 3) * acc_stride] = a3;
            }
            for (; t < n; t++) {
                const int8_t *xt = x + t * x_stride;
                int32_t a = o[t * acc_stride];
                for (uint32_t i = 0; i < m; i++) {
                    const uint32_t c = col[i];
                    a += w[4 * i] * xt[c] + w[4 * i + 1] * xt[c + 1] + w[4 * i + 2] * xt[c + 2] + w[4 * i + 3] * xt[c + 3];
                }
                o[t * acc_stride] = a;
            }
        }
    }
}
#endif

void ni_sparse_gemm(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                    uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
#ifdef NI_HAVE_SPARSE_GEMM_DSP
    ni_sparse_gemm_dsp(data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
#else
    if (ni_sparse_block(data) == 4u)
        gemm_b4(data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
    else
        ni_sparse_gemm_ref(data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
}
