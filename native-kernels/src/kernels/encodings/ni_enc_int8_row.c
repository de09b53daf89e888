/* NI_ENC_INT8_ROW (docs/numerics.md section 3): int8 weights, one {bias, multiplier, shift} per row. */
#include <string.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels.h"

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    uint64_t data = (uint64_t)rows * cols, params = (uint64_t)rows * NI_INT8_ROW_PARAMS_BYTES;
    if (data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data;
    *params_len = (uint32_t)params;
    return 1;
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    uint32_t data_len, expected;
    if (!sizes(rows, cols, &data_len, &expected) || params_len != expected) return 0;
    if (cols == 0 || cols % 4 != 0 || cols > NI_INT8_ROW_MAX_COLS) return 0;
    return ni_enc_int8_row_params_ok(params, params_len, rows);
}

int ni_enc_int8_row_params_ok(const uint8_t *params, uint32_t params_len, uint32_t rows)
{
    if ((uint64_t)rows * NI_INT8_ROW_PARAMS_BYTES != params_len || (rows > 0 && params == NULL)) return 0;
    for (uint32_t r = 0; r < rows; r++) {
        const uint8_t *p = params + (size_t)r * NI_INT8_ROW_PARAMS_BYTES;
        int32_t bias = ni_enc_rd32(p), mult = ni_enc_rd32(p + 4), shift = ni_enc_rd32(p + 8);
        if (bias > NI_MAX_ABS_BIAS || bias < -NI_MAX_ABS_BIAS || mult < 0 || shift < 1 || shift > 62) return 0;
    }
    return 1;
}

ni_int8_row_params ni_enc_row_params_at(const ni_tensor *t, uint32_t row)
{
    ni_int8_row_params p;
    memcpy(&p, t->params + (size_t)row * NI_INT8_ROW_PARAMS_BYTES, sizeof p);
    return p;
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row) { return ni_enc_row_params_at(t, row); }

static uint32_t input_bytes(uint32_t cols) { return cols; } /* cols % 4 == 0 */

static void gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    ni_gemm_s8((const int8_t *)(const void *)t->data, t->cols, (const int8_t *)(const void *)in, in_stride, n, r0, r1,
               acc, acc_stride);
}

static void embed_add(const ni_tensor *t, uint32_t row, int64_t *out)
{
    const int8_t *w = (const int8_t *)(const void *)t->data + (size_t)row * t->cols;
    const ni_int8_row_params p = row_params(t, row);
    for (uint32_t c = 0; c < t->cols; c++) out[c] += ni_round_shift_inline((int64_t)w[c] * p.multiplier, p.shift);
}

static uint32_t acc_bound(uint32_t cols) { return 128u * 128u * cols; } /* |w|, |x| <= 128, cols <= 2^16 */

static int input_threshold(const ni_tensor *t, int32_t *threshold)
{
    (void)t;
    (void)threshold;
    return 0; /* the input is the int8 row itself */
}

const ni_encoding_traits ni_enc_int8_row = {
    NI_ENC_INT8_ROW, "INT8_ROW", sizes, validate, row_params, input_bytes, NULL, gemm, embed_add, acc_bound,
    input_threshold, NULL /* fixed length */,
};
