/* 2:4 sparse int8 GEMM (ni_kernels_2of4.h). A row's kept weights and their columns are decoded 64 at a time into
 * int16 / uint16 and then serve every token, so each weight byte and position nibble is read once per utterance and
 * the pruned columns are never touched. Integer sums are exact: any blocking gives the same int32. */
#include "nano_intent/ni_kernels_2of4.h"

#define NI_2OF4_CHUNK 64u /* kept weights per decoded block (32 groups) */

void ni_2of4_gemm(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                  uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    int16_t v[NI_2OF4_CHUNK];
    uint16_t col[NI_2OF4_CHUNK];
    const uint32_t kept = cols / 2u, row_bytes = ni_2of4_row_bytes(cols);
    for (uint32_t r = r0; r < r1; r++) {
        const uint8_t *row = w + (uint32_t)r * row_bytes, *pos = row + kept;
        for (uint32_t k0 = 0; k0 < kept; k0 += NI_2OF4_CHUNK) {
            const uint32_t nk = kept - k0 < NI_2OF4_CHUNK ? kept - k0 : NI_2OF4_CHUNK;
            for (uint32_t k = 0; k < nk; k += 2) {
                const uint32_t g = (k0 + k) / 2u, nib = ni_2of4_nibble(pos, g);
                v[k] = (int16_t)(int8_t)row[k0 + k];
                v[k + 1] = (int16_t)(int8_t)row[k0 + k + 1];
                col[k] = (uint16_t)(4u * g + (nib & 3u));
                col[k + 1] = (uint16_t)(4u * g + (nib >> 2));
            }
            uint32_t t = 0;
            /* four tokens a pass: each decoded weight and column serves four products (on Cortex-M4, 2 loads for 4
             * LDRSB + MLA pairs) */
            for (; t + 4 <= n; t += 4) {
                const int8_t *x0 = x + t * x_stride, *x1 = x0 + x_stride, *x2 = x1 + x_stride, *x3 = x2 + x_stride;
                int32_t *a = acc + t * acc_stride + (r - r0);
                int32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                if (k0 != 0) { s0 = a[0]; s1 = a[acc_stride]; s2 = a[2 * acc_stride]; s3 = a[3 * acc_stride]; }
                for (uint32_t k = 0; k < nk; k++) {
                    const int32_t wk = v[k];
                    const uint32_t c = col[k];
                    s0 += wk * x0[c]; s1 += wk * x1[c]; s2 += wk * x2[c]; s3 += wk * x3[c];
                }
                a[0] = s0; a[acc_stride] = s1; a[2 * acc_stride] = s2; a[3 * acc_stride] = s3;
            }
            for (; t < n; t++) {
                const int8_t *xt = x + t * x_stride;
                int32_t s = k0 == 0 ? 0 : acc[t * acc_stride + (r - r0)];
                for (uint32_t k = 0; k < nk; k++) s += (int32_t)v[k] * xt[col[k]];
                acc[t * acc_stride + (r - r0)] = s;
            }
        }
    }
}
