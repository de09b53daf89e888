/* NI_ENC_BINARY_S8 (docs/numerics.md section 3f): the sign rows of NI_ENC_BINARY over an int8 input as it is, a header
 * {shift, 0} and one {int16 bias, uint16 multiplier} per row. Its packed input is the per-token group tables of
 * ni_b1s8_tables (8 bytes a column), which pack_input builds from whole groups of 4 columns; the GEMM sums table
 * entries. Only a pooler's GEMM operand (the scheme's pooler_alternative): no embedding rows. */
#include <stddef.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels_b1.h"

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    return ni_enc_b1_sizes(rows, cols, NI_BINARY_S8_HEADER_BYTES, NI_BINARY_S8_ROW_BYTES, data_len, params_len);
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    if (!ni_enc_b1_shape_ok(params, params_len, rows, cols, NI_BINARY_S8_HEADER_BYTES, NI_BINARY_S8_ROW_BYTES)) return 0;
    int32_t shift = ni_enc_rd32(params);
    if (shift < 1 || shift > 62) return 0;
    return ni_enc_rd32(params + 4) == 0; /* every int16 bias and uint16 multiplier is valid: |acc + bias| <= 2^17 + 2^15 */
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row)
{
    const uint8_t *r = t->params + NI_BINARY_S8_HEADER_BYTES + (size_t)row * NI_BINARY_S8_ROW_BYTES;
    ni_int8_row_params p;
    p.bias = (int32_t)(int16_t)ni_enc_rd16(r);
    p.multiplier = (int32_t)ni_enc_rd16(r + 2);
    p.shift = ni_enc_rd32(t->params);
    return p;
}

static uint32_t input_bytes(uint32_t cols) { return cols * NI_BINARY_S8_TABLE_BYTES_PER_COL; }

/* Whole groups only: c0 and count multiples of 4 (every caller passes whole rows or tiles of 4k rows). */
static void pack_input(const ni_tensor *t, const int8_t *x, uint32_t c0, uint32_t count, uint8_t *in)
{
    (void)t;
    ni_b1s8_tables(x, count & ~3u, (int16_t *)(void *)(in + (size_t)(c0 & ~3u) * NI_BINARY_S8_TABLE_BYTES_PER_COL));
}

static void gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    ni_b1s8_gemm((const uint32_t *)(const void *)t->data, t->cols / 32u, (const int16_t *)(const void *)in, in_stride / 2u,
                 n, r0, r1, acc, acc_stride);
}

static uint32_t acc_bound(uint32_t cols) { return 128u * cols; } /* |x| <= 128, cols <= 1024 */

static int input_threshold(const ni_tensor *t, int32_t *threshold)
{
    (void)t;
    (void)threshold;
    return 0; /* the input is the int8 row itself */
}

const ni_encoding_traits ni_enc_binary_s8 = {
    NI_ENC_BINARY_S8, "BINARY_S8", sizes, validate, row_params, input_bytes, pack_input, gemm, NULL, acc_bound,
    input_threshold, NULL /* fixed length */,
};
