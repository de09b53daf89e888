/* NI_ENC_INT8_2OF4 (docs/numerics.md section 3m): 2:4 sparse int8 rows (ni_kernels_2of4.h), the per-row params of
 * INT8_ROW. The lengths are fixed by the shape, but the position nibbles must be checked before a kernel indexes the
 * input with them, so the tensor has a validate_data: it demands the exact lengths (NI_ERR_TENSOR_SIZE) and every
 * group's two positions distinct and ascending, an unused last nibble 0 (NI_ERR_TENSOR_PARAMS). */
#include <stddef.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels_2of4.h"

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    uint64_t data = (uint64_t)rows * ni_2of4_row_bytes(cols), params = (uint64_t)rows * NI_INT8_ROW_PARAMS_BYTES;
    if (cols % 4u != 0 || data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data;
    *params_len = (uint32_t)params;
    return 1;
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    uint32_t data_len, expected;
    /* a longer params is validate_data's NI_ERR_TENSOR_SIZE, as for a fixed-length encoding */
    if (!sizes(rows, cols, &data_len, &expected) || params_len < expected) return 0;
    if (cols == 0 || cols > NI_INT8_2OF4_MAX_COLS || (rows > 0 && params == NULL)) return 0;
    return ni_enc_int8_row_params_ok(params, expected, rows); /* |acc| <= 2^23, so |acc + bias| < 2^31 */
}

static ni_status validate_data(const ni_tensor *t)
{
    uint32_t data_len, params_len;
    if (!sizes(t->rows, t->cols, &data_len, &params_len) || t->data_len != data_len || t->params_len != params_len)
        return NI_ERR_TENSOR_SIZE;
    const uint32_t groups = t->cols / 4u, row_bytes = ni_2of4_row_bytes(t->cols);
    for (uint32_t r = 0; r < t->rows; r++) {
        const uint8_t *pos = t->data + (size_t)r * row_bytes + t->cols / 2u;
        for (uint32_t g = 0; g < groups; g++)
            if (!ni_2of4_nibble_ok(ni_2of4_nibble(pos, g))) return NI_ERR_TENSOR_PARAMS;
        if (groups % 2u != 0 && ni_2of4_nibble(pos, groups) != 0) return NI_ERR_TENSOR_PARAMS;
    }
    return NI_OK;
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row) { return ni_enc_row_params_at(t, row); }

static uint32_t input_bytes(uint32_t cols) { return cols; } /* the int8 row as it is; cols % 4 == 0 */

static void gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    ni_2of4_gemm(t->data, t->cols, (const int8_t *)(const void *)in, in_stride, n, r0, r1, acc, acc_stride);
}

static uint32_t acc_bound(uint32_t cols) { return 128u * 128u * (cols / 2u); } /* <= 2^23 */

static int input_threshold(const ni_tensor *t, int32_t *threshold)
{
    (void)t;
    (void)threshold;
    return 0; /* the input is the int8 row itself */
}

/* No embed_add: the scheme keeps the embedding tables in INT8_ROW (docs/numerics.md section 3m). */
const ni_encoding_traits ni_enc_int8_2of4 = {
    NI_ENC_INT8_2OF4, "INT8_2OF4", sizes, validate, row_params, input_bytes, NULL, gemm, NULL, acc_bound, input_threshold,
    validate_data,
};
