/* NI_ENC_BINARY_SIGN (docs/numerics.md section 3e): the sign rows of NI_ENC_BINARY with a header {act_threshold, 0} and
 * one int16 bias per row, no multiplier: the layer's output is only the sign of acc + bias (scheme W1A1's Q, K, V,
 * whose attention block keeps that bit). Input bits and GEMM are BINARY's (ni_enc_b1_*). */
#include <stddef.h>
#include "ni_encodings.h"

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    return ni_enc_b1_sizes(rows, cols, NI_BINARY_SIGN_HEADER_BYTES, NI_BINARY_SIGN_ROW_BYTES, data_len, params_len);
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    if (!ni_enc_b1_shape_ok(params, params_len, rows, cols, NI_BINARY_SIGN_HEADER_BYTES, NI_BINARY_SIGN_ROW_BYTES)) return 0;
    int32_t threshold = ni_enc_rd32(params);
    if (threshold < NI_BINARY_MIN_THRESHOLD || threshold > NI_BINARY_MAX_THRESHOLD) return 0;
    return ni_enc_rd32(params + 4) == 0; /* every int16 bias is valid: |acc + bias| <= 1024 + 2^15 */
}

/* {bias, 1, 1}: rq(acc + bias; 1, 1) >= 0 exactly when acc + bias >= 0, the one thing a reader of this layer uses. */
static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row)
{
    ni_int8_row_params p;
    p.bias = (int32_t)(int16_t)ni_enc_rd16(t->params + NI_BINARY_SIGN_HEADER_BYTES + (size_t)row * NI_BINARY_SIGN_ROW_BYTES);
    p.multiplier = 1;
    p.shift = 1;
    return p;
}

const ni_encoding_traits ni_enc_binary_sign = {
    NI_ENC_BINARY_SIGN, "BINARY_SIGN", sizes, validate, row_params, ni_enc_b1_input_bytes, ni_enc_b1_pack_input,
    ni_enc_b1_gemm, NULL, ni_enc_b1_acc_bound, ni_enc_b1_input_threshold, NULL /* fixed length */,
};
