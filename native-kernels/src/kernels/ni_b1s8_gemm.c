/* 1-bit weights over int8 inputs (ni_kernels_b1.h, docs/numerics.md "binary_s8"): per-token tables of 4-column groups,
 * then one lookup and one add per 4 weights. The tables are built once per input row and read for every weight row,
 * so the pooler's 128 x 128 weights cost 32 lookups a row instead of 128 multiply-accumulates. */
#include "nano_intent/ni_kernels_b1.h"

void ni_b1s8_tables(const int8_t *x, uint32_t cols, int16_t *tables)
{
    for (uint32_t g = 0; g < cols / 4u; g++, x += 4, tables += 16) {
        /* T[m] for m < 2^(i+1) from T[m] for m < 2^i: entry m | 2^i adds 2 x[i] to entry m */
        tables[0] = (int16_t)(-(int32_t)x[0] - x[1] - x[2] - x[3]);
        for (uint32_t i = 0, half = 1; i < 4u; i++, half <<= 1)
            for (uint32_t m = 0; m < half; m++) tables[m | half] = (int16_t)(tables[m] + 2 * (int32_t)x[i]);
    }
}

void ni_b1s8_gemm(const uint32_t *w, uint32_t words, const int16_t *tables, uint32_t tables_stride, uint32_t n,
                  uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    for (uint32_t t = 0; t < n; t++) {
        const int16_t *tab_t = tables + t * tables_stride;
        int32_t *out = acc + t * acc_stride;
        for (uint32_t r = r0; r < r1; r++) {
            const uint32_t *row = w + r * words;
            const int16_t *tab = tab_t;
            int32_t sum = 0;
            for (uint32_t j = 0; j < words; j++, tab += 128) {
                const uint32_t v = row[j];
                sum += tab[v & 15u] + tab[16u + (v >> 4 & 15u)] + tab[32u + (v >> 8 & 15u)] + tab[48u + (v >> 12 & 15u)] +
                       tab[64u + (v >> 16 & 15u)] + tab[80u + (v >> 20 & 15u)] + tab[96u + (v >> 24 & 15u)] +
                       tab[112u + (v >> 28)];
            }
            out[r - r0] = sum;
        }
    }
}
