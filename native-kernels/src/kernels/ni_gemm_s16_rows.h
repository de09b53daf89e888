/* The portable GEMMs' common inner loop (ni_af8_gemm.c, ni_int4_gemm.c): one weight row's columns [c0, c0 + nc),
 * already decoded to int16, against every token's int8 input; internal to the library. */
#ifndef NI_GEMM_S16_ROWS_H
#define NI_GEMM_S16_ROWS_H

#include <stdint.h>

/* acc[t * acc_stride] (one output row, token t < n) = sum_c v[c] * x[t*x_stride + c0 + c], set when c0 == 0 and added
 * to otherwise, so a row may be decoded in chunks. */
static inline void ni_gemm_s16_chunk(const int16_t *v, uint32_t c0, uint32_t nc, const int8_t *x, uint32_t x_stride,
                                     uint32_t n, int32_t *acc, uint32_t acc_stride)
{
    for (uint32_t t = 0; t < n; t++) {
        const int8_t *xt = x + t * x_stride + c0;
        int32_t s = c0 == 0 ? 0 : acc[t * acc_stride];
        for (uint32_t c = 0; c < nc; c++) s += (int32_t)v[c] * xt[c];
        acc[t * acc_stride] = s;
    }
}

#endif
