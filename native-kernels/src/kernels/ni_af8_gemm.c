/* AdaptivFloat GEMM (ni_kernels_af8.h): the decode table and the portable kernel, the reference the DSP variant is
 * tested against. A weight row is decoded 64 columns at a time into int16 and then serves every token, so each code
 * is read from flash and looked up once per utterance. Integer sums are exact: any blocking gives the same int32. */
#include "nano_intent/ni_kernels_af8.h"
#include "ni_gemm_s16_rows.h"

/* Code c: sign bit 7, E = bits 4..6, M = bits 0..3; (E, M) = (0, 0) is zero (no denormals). */
#define NI_AF8_MAG(c) (((c) & 0x7F) == 0 ? 0 : (16 + ((c) & 15)) << (((c) >> 4) & 7))
#define NI_AF8_V(c) ((int16_t)(((c) & 0x80) ? -NI_AF8_MAG(c) : NI_AF8_MAG(c)))
#define NI_AF8_V4(c) NI_AF8_V(c), NI_AF8_V((c) + 1), NI_AF8_V((c) + 2), NI_AF8_V((c) + 3)
#define NI_AF8_V16(c) NI_AF8_V4(c), NI_AF8_V4((c) + 4), NI_AF8_V4((c) + 8), NI_AF8_V4((c) + 12)
#define NI_AF8_V64(c) NI_AF8_V16(c), NI_AF8_V16((c) + 16), NI_AF8_V16((c) + 32), NI_AF8_V16((c) + 48)

const int16_t ni_af8_values[256] = { NI_AF8_V64(0), NI_AF8_V64(64), NI_AF8_V64(128), NI_AF8_V64(192) };

#define NI_AF8_CHUNK 64u

void ni_af8_gemm_ref(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                     uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    int16_t v[NI_AF8_CHUNK];
    for (uint32_t r = r0; r < r1; r++) {
        const uint8_t *row = w + (uint32_t)r * cols;
        for (uint32_t c0 = 0; c0 < cols; c0 += NI_AF8_CHUNK) {
            const uint32_t nc = cols - c0 < NI_AF8_CHUNK ? cols - c0 : NI_AF8_CHUNK;
            for (uint32_t c = 0; c < nc; c++) v[c] = ni_af8_values[row[c0 + c]];
            ni_gemm_s16_chunk(v, c0, nc, x, x_stride, n, acc + (r - r0), acc_stride);
        }
    }
}

void ni_af8_gemm(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                 uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
#ifdef NI_HAVE_AF8_GEMM_DSP
    ni_af8_gemm_dsp(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
#else
    ni_af8_gemm_ref(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
}
