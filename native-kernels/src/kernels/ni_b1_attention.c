/* TEMPORARY portable stand-in (see ni_kernels_b1.h): Bi-Attention by its definition, no bit planes. */
#include "nano_intent/ni_kernels_b1.h"

static uint32_t popcount32(uint32_t v)
{
    v = v - ((v >> 1) & 0x55555555u);
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (((v + (v >> 4)) & 0x0F0F0F0Fu) * 0x01010101u) >> 24;
}

uint32_t ni_b1_attention_scratch_bytes(uint32_t n, uint32_t hidden, uint32_t heads)
{
    (void)hidden; (void)heads;
    return 4u * ((n + 31u) / 32u); /* one attention row */
}

void ni_b1_attention(const uint32_t *qbits, const uint32_t *kbits, const uint32_t *vbits, uint32_t n, uint32_t hidden,
                     uint32_t heads, int32_t threshold, uint32_t *scratch, int8_t *ctx)
{
    const uint32_t hw = hidden / 32u, dh = hidden / heads, dw = dh / 32u;
    for (uint32_t h = 0; h < heads; h++)
        for (uint32_t i = 0; i < n; i++) {
            for (uint32_t j = 0; j < (n + 31u) / 32u; j++) scratch[j] = 0;
            for (uint32_t j = 0; j < n; j++) {
                uint32_t pc = 0;
                for (uint32_t k = 0; k < dw; k++) pc += popcount32(qbits[i * hw + h * dw + k] ^ kbits[j * hw + h * dw + k]);
                if ((int32_t)dh - 2 * (int32_t)pc >= threshold) scratch[j / 32u] |= 1u << (j % 32u);
            }
            for (uint32_t d = 0; d < dh; d++) {
                int32_t c = 0;
                uint32_t col = h * dh + d;
                for (uint32_t j = 0; j < n; j++)
                    if (scratch[j / 32u] >> (j % 32u) & 1u) c += (vbits[j * hw + col / 32u] >> (col % 32u) & 1u) ? 1 : -1;
                ctx[i * hidden + col] = (int8_t)(c > 127 ? 127 : (c < -128 ? -128 : c));
            }
        }
}
