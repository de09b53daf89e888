/* NI_ENC_INT4 (docs/numerics.md section 3j): 4-bit weights two per byte (ni_kernels_int4.h), the per-row params of
 * INT8_ROW: the row's scale folds into its multiplier as it does for int8 rows. Every nibble is a valid weight. */
#include <stddef.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels_int4.h"

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    uint64_t data = (uint64_t)rows * (cols / 2u), params = (uint64_t)rows * NI_INT8_ROW_PARAMS_BYTES;
    if (cols % 2u != 0 || data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data;
    *params_len = (uint32_t)params;
    return 1;
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    uint32_t data_len, expected;
    if (!sizes(rows, cols, &data_len, &expected) || params_len != expected) return 0;
    if (cols == 0 || cols % 4 != 0 || cols > NI_INT4_MAX_COLS || (rows > 0 && params == NULL)) return 0;
    return ni_enc_int8_row_params_ok(params, params_len, rows); /* |acc| <= 2^20, so |acc + bias| < 2^31 */
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row) { return ni_enc_row_params_at(t, row); }

static uint32_t input_bytes(uint32_t cols) { return cols; } /* the int8 row as it is; cols % 4 == 0 */

static void gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    ni_int4_gemm(t->data, t->cols, (const int8_t *)(const void *)in, in_stride, n, r0, r1, acc, acc_stride);
}

static uint32_t acc_bound(uint32_t cols) { return 8u * 128u * cols; } /* |w| <= 8, |x| <= 128: <= 2^20 */

static int input_threshold(const ni_tensor *t, int32_t *threshold)
{
    (void)t;
    (void)threshold;
    return 0; /* the input is the int8 row itself */
}

/* No embed_add: the scheme keeps the embedding tables in INT8_ROW (docs/numerics.md section 3j). */
const ni_encoding_traits ni_enc_int4 = {
    NI_ENC_INT4, "INT4", sizes, validate, row_params, input_bytes, NULL, gemm, NULL, acc_bound, input_threshold,
    NULL /* fixed length */,
};
