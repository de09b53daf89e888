/* NI_ENC_ADAPTIVFLOAT (docs/numerics.md section 3g): one AdaptivFloat byte per weight, row-major; params a header
 * {multiplier, shift} for the tensor (whose one exponent bias makes one power-of-two unit for every row) and an int32
 * bias per row. The GEMM decodes each byte through the constant table ni_af8_values and multiplies the int8 input as
 * it is. */
#include <stddef.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_kernels_af8.h"

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    uint64_t data = (uint64_t)rows * cols, params = NI_AF8_HEADER_BYTES + (uint64_t)rows * NI_AF8_ROW_BYTES;
    if (data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data;
    *params_len = (uint32_t)params;
    return 1;
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    uint32_t data_len, expected;
    if (!sizes(rows, cols, &data_len, &expected) || params_len != expected) return 0;
    if (cols == 0 || cols % 4 != 0 || cols > NI_AF8_MAX_COLS || params == NULL) return 0;
    int32_t mult = ni_enc_rd32(params), shift = ni_enc_rd32(params + 4);
    if (mult < 0 || shift < 1 || shift > 62) return 0;
    for (uint32_t r = 0; r < rows; r++) {
        int32_t bias = ni_enc_rd32(params + NI_AF8_HEADER_BYTES + (size_t)r * NI_AF8_ROW_BYTES);
        /* |acc| <= 3968 * 128 * 1024 < 2^29, so |acc + bias| < 2^31 */
        if (bias > NI_MAX_ABS_BIAS || bias < -NI_MAX_ABS_BIAS) return 0;
    }
    return 1; /* every code byte is valid (0x80 is zero, as 0x00) */
}

ni_int8_row_params ni_enc_tensor_rq_row_params(const ni_tensor *t, uint32_t header, uint32_t row)
{
    ni_int8_row_params p;
    p.bias = ni_enc_rd32(t->params + header + (size_t)row * 4u);
    p.multiplier = ni_enc_rd32(t->params);
    p.shift = ni_enc_rd32(t->params + 4);
    return p;
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row)
{
    return ni_enc_tensor_rq_row_params(t, NI_AF8_HEADER_BYTES, row);
}

uint32_t ni_enc_s8_input_bytes(uint32_t cols) { return cols; } /* the int8 row as it is; cols % 4 == 0 */

static void gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    ni_af8_gemm(t->data, t->cols, (const int8_t *)(const void *)in, in_stride, n, r0, r1, acc, acc_stride);
}

static uint32_t acc_bound(uint32_t cols) { return (uint32_t)NI_AF8_MAX_MAGNITUDE * 128u * cols; } /* < 2^29 */

int ni_enc_s8_input_threshold(const ni_tensor *t, int32_t *threshold)
{
    (void)t;
    (void)threshold;
    return 0; /* the input is the int8 row itself */
}

/* No embed_add: the schemes keep the embedding tables in INT8_ROW (docs/numerics.md section 3g). */
const ni_encoding_traits ni_enc_adaptivfloat = {
    NI_ENC_ADAPTIVFLOAT, "ADAPTIVFLOAT", sizes, validate, row_params, ni_enc_s8_input_bytes, NULL, gemm, NULL, acc_bound,
    ni_enc_s8_input_threshold, NULL /* fixed length */,
};
