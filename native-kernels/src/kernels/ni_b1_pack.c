/* TEMPORARY portable stand-in (see ni_kernels_b1.h): int8 -> sign bits. */
#include "nano_intent/ni_kernels_b1.h"

void ni_b1_pack_s8(const int8_t *x, uint32_t cols, int32_t threshold, uint32_t *bits)
{
    for (uint32_t w = 0; w < cols / 32u; w++) {
        uint32_t v = 0;
        for (uint32_t b = 0; b < 32u; b++) v |= (uint32_t)(x[32u * w + b] >= threshold) << b;
        bits[w] = v;
    }
}
