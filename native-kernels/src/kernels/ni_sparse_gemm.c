/* Sparse int8 GEMM (ni_kernels_sparse.h): the portable kernel, the reference the DSP variant is tested against. A
 * row's kept blocks (for 4x4 blocks its 4 weights of each block of its group) are read NI_SPARSE_CHUNK weights at a time into int16 values and their columns, which then serve
 * every token: each kept weight is read from flash once per utterance and no pruned weight is touched. Integer sums
 * are exact, so any order gives the same int32. */
#include "nano_intent/ni_kernels_sparse.h"

#define NI_SPARSE_CHUNK 64u /* weights per pass; a multiple of 4 */

void ni_sparse_gemm_ref(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n,
                        uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    /* row r is its unit's blocks' weights at (r % height) * width in each block: any row range is exact */
    const uint32_t b = ni_sparse_block(data), h = ni_sparse_height(b), w = ni_sparse_width(b), units = rows / h;
    const uint32_t nb = ni_sparse_row_start(data, units);
    const int8_t *values = (const int8_t *)(const void *)(data + ni_sparse_values_offset(units, nb));
    int16_t v[NI_SPARSE_CHUNK];
    uint16_t col[NI_SPARSE_CHUNK];
    for (uint32_t r = r0; r < r1; r++) {
        const uint32_t k0 = ni_sparse_row_start(data, r / h), k1 = ni_sparse_row_start(data, r / h + 1);
        const uint32_t in_block = (r % h) * w;
        for (uint32_t t = 0; t < n; t++) acc[t * acc_stride + (r - r0)] = 0;
        for (uint32_t k = k0; k < k1;) {
            uint32_t m = 0; /* weights in this pass */
            for (; k < k1 && m + w <= NI_SPARSE_CHUNK; k++)
                for (uint32_t j = 0, c = ni_sparse_block_col(data, units, k); j < w; j++, m++) {
                    v[m] = values[k * b + in_block + j];
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

/* 4x4 blocks, portable: one block's 16 weights against the 4 activations of two tokens at its column, into the 4
 * rows' sums of each token; the 4 activations serve 4 rows, so each is loaded once per block and token. */
static void group_4x4(const uint8_t *cols, const int8_t *blocks, uint32_t k0, uint32_t k1, const int8_t *x,
                      uint32_t x_stride, uint32_t n, int32_t *acc, uint32_t acc_stride)
{
    uint32_t t = 0;
    for (; t + 2 <= n; t += 2) {
        const int8_t *xa = x + t * x_stride, *xb = xa + x_stride;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
        for (uint32_t k = k0; k < k1; k++) {
            const uint32_t c = 4u * ((uint32_t)cols[2u * k] | (uint32_t)cols[2u * k + 1u] << 8);
            const int8_t *w = blocks + 16u * k;
            const int32_t p0 = xa[c], p1 = xa[c + 1], p2 = xa[c + 2], p3 = xa[c + 3];
            const int32_t q0 = xb[c], q1 = xb[c + 1], q2 = xb[c + 2], q3 = xb[c + 3];
            a0 += w[0] * p0 + w[1] * p1 + w[2] * p2 + w[3] * p3;
            b0 += w[0] * q0 + w[1] * q1 + w[2] * q2 + w[3] * q3;
            a1 += w[4] * p0 + w[5] * p1 + w[6] * p2 + w[7] * p3;
            b1 += w[4] * q0 + w[5] * q1 + w[6] * q2 + w[7] * q3;
            a2 += w[8] * p0 + w[9] * p1 + w[10] * p2 + w[11] * p3;
            b2 += w[8] * q0 + w[9] * q1 + w[10] * q2 + w[11] * q3;
            a3 += w[12] * p0 + w[13] * p1 + w[14] * p2 + w[15] * p3;
            b3 += w[12] * q0 + w[13] * q1 + w[14] * q2 + w[15] * q3;
        }
        int32_t *oa = acc + t * acc_stride, *ob = oa + acc_stride;
        oa[0] = a0; oa[1] = a1; oa[2] = a2; oa[3] = a3;
        ob[0] = b0; ob[1] = b1; ob[2] = b2; ob[3] = b3;
    }
    if (t < n) {
        const int8_t *xa = x + t * x_stride;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        for (uint32_t k = k0; k < k1; k++) {
            const uint32_t c = 4u * ((uint32_t)cols[2u * k] | (uint32_t)cols[2u * k + 1u] << 8);
            const int8_t *w = blocks + 16u * k;
            const int32_t p0 = xa[c], p1 = xa[c + 1], p2 = xa[c + 2], p3 = xa[c + 3];
            a0 += w[0] * p0 + w[1] * p1 + w[2] * p2 + w[3] * p3;
            a1 += w[4] * p0 + w[5] * p1 + w[6] * p2 + w[7] * p3;
            a2 += w[8] * p0 + w[9] * p1 + w[10] * p2 + w[11] * p3;
            a3 += w[12] * p0 + w[13] * p1 + w[14] * p2 + w[15] * p3;
        }
        int32_t *oa = acc + t * acc_stride;
        oa[0] = a0; oa[1] = a1; oa[2] = a2; oa[3] = a3;
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
    else if (ni_sparse_block(data) == NI_SPARSE_BLOCK_4X4)
        ni_sparse_4x4_groups(group_4x4, data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
    else
        ni_sparse_gemm_ref(data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
}
