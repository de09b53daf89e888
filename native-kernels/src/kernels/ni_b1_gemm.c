/* TEMPORARY portable stand-in (see ni_kernels_b1.h): xor-popcount GEMM, one row at a time. */
#include "nano_intent/ni_kernels_b1.h"

static uint32_t popcount32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (((v + (v >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
}

void ni_b1_gemm(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    for (uint32_t r = r0; r < r1; r++)
        for (uint32_t t = 0; t < n; t++) {
            uint32_t pc = 0;
            for (uint32_t k = 0; k < words; k++) pc += popcount32(w[r * words + k] ^ xbits[t * x_words_stride + k]);
            acc[t * acc_stride + (r - r0)] = (int32_t)(32u * words) - 2 * (int32_t)pc;
        }
}
