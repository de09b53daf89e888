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

void ni_sparse_gemm(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                    uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
#ifdef NI_HAVE_SPARSE_GEMM_DSP
    ni_sparse_gemm_dsp(data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
#else
    ni_sparse_gemm_ref(data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
}
