/* Binarization of int8 activations into sign bits: the input of every binary linear layer (docs/numerics.md). */
#include "nano_intent/ni_kernels_b1.h"

void ni_b1_pack_s8(const int8_t *x, uint32_t cols, int32_t threshold, uint32_t *bits)
{
    for (uint32_t k = 0; k < cols / 32u; k++, x += 32) {
        uint32_t word = 0;
        for (uint32_t b = 0; b < 32u; b++) word |= (uint32_t)(x[b] >= threshold) << b;
        bits[k] = word;
    }
}
