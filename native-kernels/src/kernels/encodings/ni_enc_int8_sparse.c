/* NI_ENC_INT8_SPARSE (docs/numerics.md section 3l): pruned int8 GEMM rows, only the kept blocks of b = 1, 4 or 16
 * (4 rows x 4 columns) weights with their block column (layout in ni_encoding.h), and INT8_ROW's per-row params, so the epilogue is INT8_ROW's.
 * Variable length: validate_data checks the row starts, the block columns, the padding and the exact length. */
#include <stddef.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels_sparse.h"

/* The least lengths: the header and the row starts of the fewest units (groups of 4 rows), no kept block;
 * validate_data checks the rest once b is known. */
static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    (void)cols;
    uint64_t data = 8u + 4u * (uint64_t)(rows / 4u), params = (uint64_t)rows * NI_INT8_ROW_PARAMS_BYTES;
    if (data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data;
    *params_len = (uint32_t)params;
    return 1;
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    if (cols == 0 || cols % 4 != 0 || cols > NI_SPARSE_MAX_COLS) return 0;
    return ni_enc_int8_row_params_ok(params, params_len, rows);
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row) { return ni_enc_row_params_at(t, row); }

/* b is 1, 4 or 16 with rows % 4 == 0 (NI_ERR_TENSOR_PARAMS); the row starts fit the data, start from 0, do not
 * decrease, give no unit more blocks than cols / width and data exactly as long as the blocks they count
 * (NI_ERR_TENSOR_SIZE); each unit's block columns strictly ascending and < cols / width, the padding zero
 * (NI_ERR_TENSOR_PARAMS). Every int8 value is a valid weight. */
static ni_status validate_data(const ni_tensor *t)
{
    const uint8_t *d = t->data;
    const uint32_t b = ni_sparse_block(d);
    if (b != 1u && b != 4u && b != NI_SPARSE_BLOCK_4X4) return NI_ERR_TENSOR_PARAMS;
    if (t->rows % ni_sparse_height(b) != 0) return NI_ERR_TENSOR_PARAMS;
    const uint32_t units = ni_sparse_units(d, t->rows), per_row = t->cols / ni_sparse_width(b);
    if (t->data_len < ni_sparse_cols_offset(units)) return NI_ERR_TENSOR_SIZE;
    if (ni_sparse_row_start(d, 0) != 0) return NI_ERR_TENSOR_SIZE;
    for (uint32_t u = 0; u < units; u++) {
        const uint32_t k0 = ni_sparse_row_start(d, u), k1 = ni_sparse_row_start(d, u + 1);
        if (k1 < k0 || k1 - k0 > per_row) return NI_ERR_TENSOR_SIZE;
    }
    const uint64_t nb = ni_sparse_row_start(d, units); /* <= rows * cols / b < 2^32 */
    const uint64_t cols_end = ni_sparse_cols_offset(units) + 2u * nb, values = (cols_end + 3u) & ~(uint64_t)3u;
    if (values + nb * b != t->data_len) return NI_ERR_TENSOR_SIZE;
    for (uint64_t i = cols_end; i < values; i++)
        if (d[i] != 0) return NI_ERR_TENSOR_PARAMS;
    for (uint32_t u = 0; u < units; u++) {
        const uint32_t k1 = ni_sparse_row_start(d, u + 1);
        uint32_t next = 0; /* the least block column the next block may have */
        for (uint32_t k = ni_sparse_row_start(d, u); k < k1; k++) {
            const uint32_t c = ni_enc_rd16(d + ni_sparse_cols_offset(units) + 2u * k);
            if (c < next || c >= per_row) return NI_ERR_TENSOR_PARAMS;
            next = c + 1u;
        }
    }
    return NI_OK;
}

static uint32_t input_bytes(uint32_t cols) { return cols; } /* the int8 row as it is; cols % 4 == 0 */

static void gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride)
{
    ni_sparse_gemm(t->data, t->rows, (const int8_t *)(const void *)in, in_stride, n, r0, r1, acc, acc_stride);
}

static uint32_t acc_bound(uint32_t cols) { return 128u * 128u * cols; } /* as INT8_ROW: a pruned weight adds 0 */

static int input_threshold(const ni_tensor *t, int32_t *threshold)
{
    (void)t;
    (void)threshold;
    return 0; /* the input is the int8 row itself */
}

/* No embed_add: the scheme keeps the embedding tables in INT8_ROW or INT8_SPARSE_EMBED (docs/numerics.md 3l). */
const ni_encoding_traits ni_enc_int8_sparse = {
    NI_ENC_INT8_SPARSE, "INT8_SPARSE", sizes, validate, row_params, input_bytes, NULL, gemm, NULL, acc_bound,
    input_threshold, validate_data,
};
