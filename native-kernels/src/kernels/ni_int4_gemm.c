/* int4 GEMM (ni_kernels_int4.h): the portable kernel, the reference the DSP variant is tested against. A weight row
 * is unpacked 64 columns at a time into int16 and then serves every token, so each byte is read from flash once per
 * utterance. Integer sums are exact: any blocking gives the same int32. */
#include "nano_intent/ni_kernels_int4.h"
#include "ni_gemm_s16_rows.h"

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
            ni_gemm_s16_chunk(v, c0, nc, x, x_stride, n, acc + (r - r0), acc_stride);
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
