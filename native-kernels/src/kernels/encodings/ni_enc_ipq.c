/* NI_ENC_IPQ (docs/numerics.md section 3k): a codebook of K int8 codewords of d weights, then an 8-bit index per
 * sub-vector of d weights of a row; params a header {K, d} and one INT8_ROW {bias, multiplier, shift} per row, so the
 * epilogue is int8's. Variable length: K and d are in params, and validate_data checks the data's length and every
 * index before any kernel reads them. */
#include <stddef.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels_ipq.h"

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    const uint64_t params = NI_IPQ_HEADER_BYTES + (uint64_t)rows * NI_INT8_ROW_PARAMS_BYTES;
    (void)cols;
    if (params > UINT32_MAX) return 0;
    *data_len = 0; /* the least: the codebook's and indices' length follow from K and d (validate_data) */
    *params_len = (uint32_t)params;
    return 1;
}

static uint32_t codes(const uint8_t *params) { return (uint32_t)ni_enc_rd32(params); }
static uint32_t block(const uint8_t *params) { return (uint32_t)ni_enc_rd32(params + 4); }

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    uint32_t data_len, expected;
    if (!sizes(rows, cols, &data_len, &expected) || params_len != expected || params == NULL) return 0;
    if (cols == 0 || cols % 4 != 0 || cols > NI_IPQ_MAX_COLS) return 0;
    const uint32_t k = codes(params), d = block(params);
    if (k < 1 || k > NI_IPQ_MAX_CODES || d < 1 || d > NI_IPQ_MAX_BLOCK || cols % d != 0) return 0;
    /* |acc| <= 2^24, so |acc + bias| < 2^31 */
    return ni_enc_int8_row_params_ok(params + NI_IPQ_HEADER_BYTES, params_len - NI_IPQ_HEADER_BYTES, rows);
}

/* data_len exactly K*d + rows*cols/d (NI_ERR_TENSOR_SIZE); every index < K (NI_ERR_TENSOR_PARAMS). */
static ni_status validate_data(const ni_tensor *t)
{
    const uint32_t k = codes(t->params), d = block(t->params);
    const uint64_t book = (uint64_t)k * d, indices = (uint64_t)t->rows * (t->cols / d);
    if ((uint64_t)t->data_len != book + indices) return NI_ERR_TENSOR_SIZE;
    for (uint64_t i = 0; i < indices; i++)
        if (t->data[book + i] >= k) return NI_ERR_TENSOR_PARAMS;
    return NI_OK;
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row)
{
    ni_tensor rows = *t;
    rows.params = t->params + NI_IPQ_HEADER_BYTES;
    return ni_enc_row_params_at(&rows, row);
}

static void gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    ni_ipq_weights w;
    w.codes = codes(t->params);
    w.block = block(t->params);
    w.cols = t->cols;
    w.codebook = (const int8_t *)(const void *)t->data;
    w.indices = t->data + (size_t)w.codes * w.block;
    ni_ipq_gemm(&w, (const int8_t *)(const void *)in, in_stride, n, r0, r1, acc, acc_stride);
}

static uint32_t acc_bound(uint32_t cols) { return 128u * 128u * cols; } /* |codeword|, |x| <= 128: <= 2^24 */

/* No embed_add: the scheme keeps the embedding tables in INT8_ROW (docs/numerics.md section 3k). */
const ni_encoding_traits ni_enc_ipq = {
    NI_ENC_IPQ, "IPQ", sizes, validate, row_params, ni_enc_s8_input_bytes, NULL, gemm, NULL, acc_bound,
    ni_enc_s8_input_threshold, validate_data,
};
