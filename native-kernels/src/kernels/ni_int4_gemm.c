/* int4 GEMM (ni_kernels_int4.h): the portable kernel, the reference the DSP variant is tested against. A weight row
 * is unpacked 64 columns at a time into int16 and then serves every token, so each byte is read from flash once per
 * utterance. Integer sums are exact: any blocking gives the same int32. */
#include "nano_intent/ni_kernels_int4.h"

#define NI_INT4_CHUNK 64u

void ni_int4_gemm_ref(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                      uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    int16_t v[NI_INT4_CHUNK];
    for (uint32_t r = r0; r < r1; r++) {
        const uint8_t *row = w + (uint32_t)r * (cols / 2u);
        for (uint32_t c0 = 0; c0 < cols; c0 += NI_INT4_CHUNK) {
            const uint32_t nc = cols - c0 < NI_INT4_CHUNK ? cols - c0 : NI_INT4_CHUNK;
            for (uint32_t c = 0; c < nc; c++) v[c] = (int16_t)ni_int4_value(row, c0 + c);
            for (uint32_t t = 0; t < n; t++) {
                const int8_t *xt = x + t * x_stride + c0;
                int32_t s = c0 == 0 ? 0 : acc[t * acc_stride + (r - r0)];
                for (uint32_t c = 0; c < nc; c++) s += (int32_t)v[c] * xt[c];
                acc[t * acc_stride + (r - r0)] = s;
            }
        }
    }
}

void ni_int4_gemm(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                  uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
#ifdef NI_HAVE_INT4_GEMM_DSP
    ni_int4_gemm_dsp(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
#else
    ni_int4_gemm_ref(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
}
