/* Encoding rules for building the image loader on its own, before the numerics code is in the tree:
 * INT8_ROW as docs/numerics.md defines it (data rows*cols int8, params 12 bytes per row {bias, multiplier,
 * shift}), QUANT_PARAMS accepted when non-empty and a multiple of 4. CMake links this file only when
 * include/nano_intent/ni_encoding.h is absent. */
#include "nano_intent/ni_image.h"

int ni_encoding_sizes(uint8_t encoding, uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len);
int ni_encoding_validate(uint8_t encoding, const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols);
int ni_qparams_validate(const uint8_t *p, uint32_t len, const ni_model_dims *dims);

int ni_encoding_sizes(uint8_t encoding, uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    if (encoding != NI_ENC_INT8_ROW || rows == 0 || cols == 0) return 0;
    if (rows > 0xFFFFFFFFu / cols || rows > 0xFFFFFFFFu / 12u) return 0;
    *data_len = rows * cols;
    *params_len = rows * 12u;
    return 1;
}

int ni_encoding_validate(uint8_t encoding, const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    uint32_t r;
    (void)cols;
    if (encoding != NI_ENC_INT8_ROW || params_len != rows * 12u) return 0;
    for (r = 0; r < rows; r++) {
        int32_t mult = ni_rd32s(params + 12u * r + 4u), shift = ni_rd32s(params + 12u * r + 8u);
        if (mult < 0 || shift < 1 || shift > 62) return 0;
    }
    return 1;
}

int ni_qparams_validate(const uint8_t *p, uint32_t len, const ni_model_dims *dims)
{
    (void)p;
    (void)dims;
    return len > 0 && len % 4u == 0;
}
