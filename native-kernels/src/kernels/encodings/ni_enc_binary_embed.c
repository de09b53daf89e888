/* NI_ENC_BINARY_EMBED (docs/numerics.md section 3d): an embedding table of sign bits (the rows of NI_ENC_BINARY) with
 * one unsigned byte per row, its magnitude m_r, and one shift k per tensor: element c of row r is +(m_r << k) when
 * its bit is set, else -(m_r << k). Only looked up (embed_add), never a GEMM operand: the traits have no gemm, and the
 * model rules give it to the embedding tables only. */
#include <stddef.h>
#include "ni_encodings.h"

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    return ni_enc_b1_sizes(rows, cols, NI_BINARY_EMBED_HEADER_BYTES, 1u, data_len, params_len);
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    if (!ni_enc_b1_shape_ok(params, params_len, rows, cols, NI_BINARY_EMBED_HEADER_BYTES, 1u)) return 0;
    int32_t shift = ni_enc_rd32(params);
    if (shift < 0 || shift > NI_BINARY_EMBED_MAX_SHIFT) return 0;
    return ni_enc_rd32(params + 4) == 0; /* every magnitude byte is valid: |element| <= 255 << 7 < 2^15 */
}

/* The magnitude as the INT8_ROW formula sees it: round_shift(+-1 * (m_r << (k + 1)), 1) = +-(m_r << k). */
static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row)
{
    ni_int8_row_params p;
    p.bias = 0;
    p.multiplier = (int32_t)((uint32_t)t->params[NI_BINARY_EMBED_HEADER_BYTES + row] << (ni_enc_rd32(t->params) + 1));
    p.shift = 1;
    return p;
}

static void embed_add(const ni_tensor *t, uint32_t row, int64_t *out)
{
    const int64_t v = (int64_t)t->params[NI_BINARY_EMBED_HEADER_BYTES + row] << ni_enc_rd32(t->params);
    const uint8_t *w = t->data + (size_t)row * (t->cols / 8u);
    for (uint32_t c = 0; c < t->cols; c++) out[c] += (w[c / 8u] >> (c % 8u) & 1u) ? v : -v;
}

const ni_encoding_traits ni_enc_binary_embed = {
    NI_ENC_BINARY_EMBED, "BINARY_EMBED", sizes, validate, row_params, NULL, NULL, NULL, embed_add, NULL, NULL, NULL /* fixed length */,
};
