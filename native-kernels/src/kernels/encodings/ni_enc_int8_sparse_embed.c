/* NI_ENC_INT8_SPARSE_EMBED (docs/numerics.md section 3i): a magnitude-pruned int8 embedding table read in place from
 * flash. A row offset table gives each row's record (a bitmap of kept columns, then the kept int8 values), so a lookup
 * touches one row and copies nothing. Row params are NI_ENC_INT8_ROW's; a column not kept adds 0, exactly what an
 * INT8_ROW zero adds. Only looked up (embed_add), never a GEMM operand. */
#include <stddef.h>
#include <string.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels.h"

static uint32_t bitmap_bytes(uint32_t cols) { return (cols + 7u) / 8u; }

/* The least lengths: the offsets and every row's bitmap, no column kept. */
static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    uint64_t data = (uint64_t)rows * (NI_SPARSE_EMBED_OFFSET_BYTES + bitmap_bytes(cols));
    uint64_t params = (uint64_t)rows * NI_INT8_ROW_PARAMS_BYTES;
    if (data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data;
    *params_len = (uint32_t)params;
    return 1;
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    if (cols == 0 || cols > NI_INT8_ROW_MAX_COLS) return 0;
    return ni_enc_int8_row_params_ok(params, params_len, rows);
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row)
{
    ni_int8_row_params p;
    memcpy(&p, t->params + (size_t)row * NI_INT8_ROW_PARAMS_BYTES, sizeof p);
    return p;
}

static uint32_t popcount8(uint32_t b)
{
    b = b - ((b >> 1) & 0x55u);
    b = (b & 0x33u) + ((b >> 2) & 0x33u);
    return (b + (b >> 4)) & 0x0Fu;
}

/* Offsets exact and ascending, every record inside data, the last one ending at data_len (NI_ERR_TENSOR_SIZE); no
 * bitmap bit past cols (NI_ERR_TENSOR_PARAMS). Every int8 value is a valid weight. */
static ni_status validate_data(const ni_tensor *t)
{
    const uint32_t bb = bitmap_bytes(t->cols), pad = bb * 8u - t->cols;
    const uint64_t table = (uint64_t)t->rows * NI_SPARSE_EMBED_OFFSET_BYTES;
    if (table > t->data_len) return NI_ERR_TENSOR_SIZE;
    uint64_t next = table;
    for (uint32_t r = 0; r < t->rows; r++) {
        if ((uint32_t)ni_enc_rd32(t->data + (size_t)r * NI_SPARSE_EMBED_OFFSET_BYTES) != next) return NI_ERR_TENSOR_SIZE;
        if (next + bb > t->data_len) return NI_ERR_TENSOR_SIZE;
        const uint8_t *bitmap = t->data + (size_t)next;
        uint32_t kept = 0;
        for (uint32_t i = 0; i < bb; i++) kept += popcount8(bitmap[i]);
        if (pad != 0 && (bitmap[bb - 1u] >> (8u - pad)) != 0) return NI_ERR_TENSOR_PARAMS;
        next += bb + kept;
        if (next > t->data_len) return NI_ERR_TENSOR_SIZE;
    }
    return next == t->data_len ? NI_OK : NI_ERR_TENSOR_SIZE;
}

/* Walks the row's bitmap a byte at a time (a zero byte skips 8 columns) and adds each kept value at its column. */
static void embed_add(const ni_tensor *t, uint32_t row, int64_t *out)
{
    const uint8_t *bitmap = t->data + (uint32_t)ni_enc_rd32(t->data + (size_t)row * NI_SPARSE_EMBED_OFFSET_BYTES);
    const uint32_t bb = bitmap_bytes(t->cols);
    const int8_t *v = (const int8_t *)(const void *)(bitmap + bb);
    const ni_int8_row_params p = row_params(t, row);
    for (uint32_t i = 0; i < bb; i++) {
        for (uint32_t bits = bitmap[i], c = i * 8u; bits != 0; bits >>= 1, c++)
            if (bits & 1u) out[c] += ni_round_shift_inline((int64_t)*v++ * p.multiplier, p.shift);
    }
}

const ni_encoding_traits ni_enc_int8_sparse_embed = {
    NI_ENC_INT8_SPARSE_EMBED, "INT8_SPARSE_EMBED", sizes, validate, row_params, NULL, NULL, NULL, embed_add, NULL, NULL,
    validate_data,
};
