/* NI_ENC_GOBO3 (docs/numerics.md section 3h): 3-bit indices into the tensor's 8 int16 centroids, row-major, then the
 * sorted outlier list; params a header {multiplier, shift, outlier_count, centroids} for the tensor and an int32 bias
 * per row. Variable length: the outlier list's length is in params, and validate_data checks the list entry by
 * entry before any kernel reads it. */
#include <stddef.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_kernels_gobo3.h"

#define OFF_COUNT 8u
#define OFF_CENTROIDS 12u

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    uint64_t data = (uint64_t)rows * (3u * (((uint64_t)cols + 7u) / 8u));
    uint64_t params = NI_GOBO3_HEADER_BYTES + (uint64_t)rows * NI_GOBO3_ROW_BYTES;
    if (data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data; /* no outliers: the least length */
    *params_len = (uint32_t)params;
    return 1;
}

static int32_t centroid(const uint8_t *params, uint32_t k)
{
    return (int32_t)(int16_t)ni_enc_rd16(params + OFF_CENTROIDS + 2u * k);
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    uint32_t data_len, expected;
    if (!sizes(rows, cols, &data_len, &expected) || params_len < expected) return 0; /* exact: validate_data */
    if (cols == 0 || cols % 4 != 0 || cols > NI_GOBO3_MAX_COLS || params == NULL) return 0;
    int32_t mult = ni_enc_rd32(params), shift = ni_enc_rd32(params + 4);
    if (mult < 0 || shift < 1 || shift > 62) return 0;
    for (uint32_t k = 0; k < NI_GOBO3_CENTROIDS; k++) {
        const int32_t c = centroid(params, k);
        if (c > NI_GOBO3_MAX_VALUE || c < -NI_GOBO3_MAX_VALUE) return 0;
    }
    for (uint32_t r = 0; r < rows; r++) {
        int32_t bias = ni_enc_rd32(params + NI_GOBO3_HEADER_BYTES + (size_t)r * NI_GOBO3_ROW_BYTES);
        if (bias > NI_MAX_ABS_BIAS || bias < -NI_MAX_ABS_BIAS) return 0;
    }
    return 1; /* the outlier count is checked against the data by validate_data */
}

/* The lengths: params exactly the header and rows, data exactly the indices and the outlier count's list
 * (NI_ERR_TENSOR_SIZE); each outlier inside the tensor,
 * after the one before it in (row, col) order, its value within +-4095, its index slot 0 (NI_ERR_TENSOR_PARAMS). */
static ni_status validate_data(const ni_tensor *t)
{
    const uint32_t row_bytes = ni_gobo3_row_bytes(t->cols), count = (uint32_t)ni_enc_rd32(t->params + OFF_COUNT);
    const uint64_t indices = (uint64_t)t->rows * row_bytes;
    if (t->params_len != NI_GOBO3_HEADER_BYTES + (uint64_t)t->rows * NI_GOBO3_ROW_BYTES) return NI_ERR_TENSOR_SIZE;
    if ((uint64_t)t->data_len != indices + (uint64_t)count * NI_GOBO3_OUTLIER_BYTES) return NI_ERR_TENSOR_SIZE;
    const uint8_t *o = t->data + indices;
    uint32_t prev = 0;
    for (uint32_t i = 0; i < count; i++, o += NI_GOBO3_OUTLIER_BYTES) {
        const uint32_t r = ni_enc_rd16(o), c = ni_enc_rd16(o + 2), key = r << 16 | c;
        const int32_t v = (int32_t)(int16_t)ni_enc_rd16(o + 4);
        if (r >= t->rows || c >= t->cols || (i > 0 && key <= prev)) return NI_ERR_TENSOR_PARAMS;
        if (v > NI_GOBO3_MAX_VALUE || v < -NI_GOBO3_MAX_VALUE) return NI_ERR_TENSOR_PARAMS;
        const uint8_t *g = t->data + (size_t)r * row_bytes + 3u * (c / 8u);
        const uint32_t slot = ((uint32_t)g[0] | (uint32_t)g[1] << 8 | (uint32_t)g[2] << 16) >> (3u * (c % 8u)) & 7u;
        if (slot != 0) return NI_ERR_TENSOR_PARAMS;
        prev = key;
    }
    return NI_OK;
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row)
{
    return ni_enc_tensor_rq_row_params(t, NI_GOBO3_HEADER_BYTES, row);
}

static void gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    ni_gobo3_weights w;
    w.indices = t->data;
    w.outliers = t->data + (size_t)t->rows * ni_gobo3_row_bytes(t->cols);
    w.outlier_count = (uint32_t)ni_enc_rd32(t->params + OFF_COUNT);
    w.cols = t->cols;
    for (uint32_t k = 0; k < NI_GOBO3_CENTROIDS; k++) w.centroids[k] = (int16_t)centroid(t->params, k);
    ni_gobo3_gemm(&w, (const int8_t *)(const void *)in, in_stride, n, r0, r1, acc, acc_stride);
}

static uint32_t acc_bound(uint32_t cols) { return (uint32_t)NI_GOBO3_MAX_VALUE * 128u * cols; } /* < 2^29 */

/* No embed_add: the scheme keeps the embedding tables in INT8_ROW (docs/numerics.md section 3h). */
const ni_encoding_traits ni_enc_gobo3 = {
    NI_ENC_GOBO3, "GOBO3", sizes, validate, row_params, ni_enc_s8_input_bytes, NULL, gemm, NULL, acc_bound,
    ni_enc_s8_input_threshold, validate_data,
};
