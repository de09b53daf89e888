/* iPQ GEMMs (ni_kernels_ipq.h): the portable reference (decode a row, then every token) and the lookup-table variant.
 * Integer sums are exact, so both give the same int32 whatever the order. */
#include "nano_intent/ni_kernels_ipq.h"
#include "nano_intent/ni_encoding.h"
#include "ni_gemm_s16_rows.h"

#define NI_IPQ_CHUNK 64u

void ni_ipq_gemm_ref(const ni_ipq_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1,
                     int32_t *acc, uint32_t acc_stride)
{
    int16_t v[NI_IPQ_CHUNK];
    const uint32_t d = w->block, subs = w->cols / d;
    for (uint32_t r = r0; r < r1; r++) {
        const uint8_t *idx = w->indices + (uint32_t)r * subs;
        uint32_t j = 0, off = 0; /* sub-vector and offset in it of column c0 + c */
        for (uint32_t c0 = 0; c0 < w->cols; c0 += NI_IPQ_CHUNK) {
            const uint32_t nc = w->cols - c0 < NI_IPQ_CHUNK ? w->cols - c0 : NI_IPQ_CHUNK;
            for (uint32_t c = 0; c < nc; c++) {
                v[c] = w->codebook[(uint32_t)idx[j] * d + off];
                if (++off == d) { off = 0; j++; }
            }
            ni_gemm_s16_chunk(v, c0, nc, x, x_stride, n, acc + (r - r0), acc_stride);
        }
    }
}

void ni_ipq_gemm_table(const ni_ipq_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                       uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    int32_t table[NI_IPQ_MAX_CODES]; /* |entry| <= 16 * 128 * 128 = 2^18 */
    const uint32_t d = w->block, subs = w->cols / d;
    for (uint32_t t = 0; t < n; t++) {
        int32_t *o = acc + t * acc_stride;
        for (uint32_t r = r0; r < r1; r++) o[r - r0] = 0;
        for (uint32_t j = 0; j < subs; j++) {
            const int8_t *xj = x + t * x_stride + j * d;
            for (uint32_t k = 0; k < w->codes; k++) {
                const int8_t *cw = w->codebook + k * d;
                int32_t s = 0;
                for (uint32_t i = 0; i < d; i++) s += (int32_t)cw[i] * xj[i];
                table[k] = s;
            }
            const uint8_t *idx = w->indices + j;
            for (uint32_t r = r0; r < r1; r++) o[r - r0] += table[idx[(uint32_t)r * subs]];
        }
    }
}

int ni_ipq_table_pays(uint32_t codes, uint32_t block, uint32_t rows)
{
    /* per token and column: rows MACs decoding, codes MACs + rows / block lookups by tables */
    return (uint64_t)rows * block > (uint64_t)codes * block + rows;
}

void ni_ipq_gemm(const ni_ipq_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    if (ni_ipq_table_pays(w->codes, w->block, r1 - r0)) {
        ni_ipq_gemm_table(w, x, x_stride, n, r0, r1, acc, acc_stride);
        return;
    }
#ifdef NI_HAVE_IPQ_GEMM_DSP
    ni_ipq_gemm_dsp(w, x, x_stride, n, r0, r1, acc, acc_stride);
#else
    ni_ipq_gemm_ref(w, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
}
