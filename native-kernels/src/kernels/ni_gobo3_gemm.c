/* GOBO GEMM (ni_kernels_gobo3.h): the portable bin-sum kernel, the reference the DSP variant is tested against, and
 * the outlier pass both share. A row's indices are unpacked 64 columns at a time and its columns grouped by bin once,
 * and then serve every token: the multiply-accumulates of a row become adds over each bin's columns and 8 multiplies
 * per 64 columns. */
#include "nano_intent/ni_kernels_gobo3.h"

#define NI_GOBO3_CHUNK 64u
#define NI_GOBO3_SORT_TOKENS 3u /* from this many tokens on, grouping a chunk's columns by bin first is cheaper */

static inline uint32_t rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

void ni_gobo3_add_outliers(const ni_gobo3_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                           uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint32_t lo = 0, hi = w->outlier_count;
    while (lo < hi) { /* the first outlier of a row >= r0 */
        const uint32_t mid = lo + (hi - lo) / 2;
        if (rd16(w->outliers + 6u * mid) < r0) lo = mid + 1; else hi = mid;
    }
    for (const uint8_t *o = w->outliers + 6u * lo; lo < w->outlier_count; lo++, o += 6) {
        const uint32_t r = rd16(o), c = rd16(o + 2);
        if (r >= r1) break;
        const int32_t d = (int32_t)(int16_t)rd16(o + 4) - w->centroids[0]; /* the slot's index is 0 */
        for (uint32_t t = 0; t < n; t++) acc[t * acc_stride + (r - r0)] += d * x[t * x_stride + c];
    }
}

void ni_gobo3_gemm_ref(const ni_gobo3_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                       uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    const uint32_t cols = w->cols, row_bytes = ni_gobo3_row_bytes(cols);
    uint8_t idx[NI_GOBO3_CHUNK], order[NI_GOBO3_CHUNK], end[NI_GOBO3_CENTROIDS];
    for (uint32_t r = r0; r < r1; r++) {
        const uint8_t *row = w->indices + (uint32_t)r * row_bytes;
        for (uint32_t c0 = 0; c0 < cols; c0 += NI_GOBO3_CHUNK) {
            const uint32_t nc = cols - c0 < NI_GOBO3_CHUNK ? cols - c0 : NI_GOBO3_CHUNK;
            uint8_t count[NI_GOBO3_CENTROIDS] = { 0 };
            for (uint32_t g = 0; g < nc; g += 8) { /* c0 % 8 == 0: whole groups, the last maybe half used */
                const uint8_t *b = row + 3u * ((c0 + g) / 8u);
                const uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16;
                for (uint32_t j = 0; j < 8; j++) idx[g + j] = (uint8_t)(v >> (3 * j) & 7u);
            }
            if (n < NI_GOBO3_SORT_TOKENS) { /* too few tokens to pay for grouping the columns: add into the bins */
                for (uint32_t t = 0; t < n; t++) {
                    const int8_t *xt = x + t * x_stride + c0;
                    int32_t bin[NI_GOBO3_CENTROIDS] = { 0 };
                    for (uint32_t c = 0; c < nc; c++) bin[idx[c]] += xt[c];
                    int32_t s = c0 == 0 ? 0 : acc[t * acc_stride + (r - r0)];
                    for (uint32_t k = 0; k < NI_GOBO3_CENTROIDS; k++) s += w->centroids[k] * bin[k];
                    acc[t * acc_stride + (r - r0)] = s;
                }
                continue;
            }
            /* the chunk's columns grouped by bin (a counting sort, once for all tokens): bin k is order[end[k-1]..end[k]) */
            for (uint32_t c = 0; c < nc; c++) count[idx[c]]++;
            for (uint32_t k = 0, e = 0; k < NI_GOBO3_CENTROIDS; k++) end[k] = (uint8_t)(e += count[k]);
            for (uint32_t c = nc; c-- > 0;) order[--end[idx[c]]] = (uint8_t)c; /* end[k] is now bin k's start */
            for (uint32_t k = 0; k + 1 < NI_GOBO3_CENTROIDS; k++) end[k] = end[k + 1];
            end[NI_GOBO3_CENTROIDS - 1] = (uint8_t)nc;
            for (uint32_t t = 0; t < n; t++) {
                const int8_t *xt = x + t * x_stride + c0;
                int32_t s = c0 == 0 ? 0 : acc[t * acc_stride + (r - r0)];
                for (uint32_t k = 0, j = 0; k < NI_GOBO3_CENTROIDS; k++) {
                    int32_t bin = 0; /* the inputs falling in bin k: adds only */
                    for (; j < end[k]; j++) bin += xt[order[j]];
                    s += w->centroids[k] * bin;
                }
                acc[t * acc_stride + (r - r0)] = s;
            }
        }
    }
    ni_gobo3_add_outliers(w, x, x_stride, n, r0, r1, acc, acc_stride);
}

void ni_gobo3_gemm(const ni_gobo3_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1,
                   int32_t *acc, uint32_t acc_stride)
{
#ifdef NI_HAVE_GOBO3_GEMM_DSP
    ni_gobo3_gemm_dsp(w, x, x_stride, n, r0, r1, acc, acc_stride);
#else
    ni_gobo3_gemm_ref(w, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
}
