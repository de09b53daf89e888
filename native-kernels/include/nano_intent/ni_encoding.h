/* Tensor encodings, the model rules (dims, which tensor carries which encoding) and the QUANT_PARAMS section of the
 * flash image (docs/numerics.md).
 *
 * One table maps an encoding id to everything encoding-specific (ni_encoding_find): its sizes, the check of its
 * params, the per-row requantization params, the token-batched GEMM, the input packing and the embedding lookup.
 * Each encoding is one row of that table and its own file under src/kernels/encodings/; the loader, the model, the
 * steps and the kernels reach an encoding only through the table. Params are plain little-endian structs read in
 * place from flash; the loader validates them once so every kernel can rely on the bounds in docs/numerics.md. */
#ifndef NANO_INTENT_NI_ENCODING_H
#define NANO_INTENT_NI_ENCODING_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ni_model_dims, the scheme and encoding ids and the limits NI_MAX_DIM, NI_MAX_POSITIONS, NI_MAX_LAYERS,
 * NI_MAX_VOCAB come from the image format. */
#include "ni_image.h"

/* Params are read in place as little-endian integers: every supported target (x86, Cortex-M, RV32) is. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nano_intent reads image params as little-endian integers"
#endif

/* A real multiplier m = multiplier * 2^-shift with 0 <= multiplier < 2^31 and 1 <= shift <= 62. */
typedef struct ni_requant {
    int32_t multiplier;
    int32_t shift;
} ni_requant;

/* What every encoding gives for one output row: out = round_shift((acc + bias) * multiplier, shift). */
typedef struct ni_int8_row_params {
    int32_t bias;
    int32_t multiplier;
    int32_t shift;
} ni_int8_row_params;

/* ---- NI_ENC_INT8_ROW (src/kernels/encodings/ni_enc_int8_row.c) ----
 * data = rows*cols int8, row-major; params = one ni_int8_row_params per row (12 bytes, 4-aligned). The multiplier
 * folds the row's weight scale, the input scale and the output scale; bias is in accumulator units (|bias| <= 2^30). */
#define NI_INT8_ROW_PARAMS_BYTES 12u
#define NI_MAX_ABS_BIAS (1L << 30)
#define NI_INT8_ROW_MAX_COLS 65536u

/* ---- NI_ENC_BINARY (src/kernels/encodings/ni_enc_binary.c) ----
 * data = rows * cols/32 little-endian uint32 words (bit set = +1); params = a 16-byte header
 * {int32 act_threshold, int32 shift, int32 0, int32 0} then one {int16 bias, uint16 multiplier} per row. */
#define NI_BINARY_HEADER_BYTES 16u
#define NI_BINARY_ROW_BYTES 4u
#define NI_BINARY_MAX_COLS 1024u
#define NI_BINARY_MIN_THRESHOLD (-128)
#define NI_BINARY_MAX_THRESHOLD 127

/* ---- NI_ENC_BINARY_EMBED (src/kernels/encodings/ni_enc_binary_embed.c) ----
 * data = the rows of NI_ENC_BINARY; params = an 8-byte header {int32 shift 0..7, int32 0} then one uint8 magnitude
 * per row (params_len = 8 + rows): element = +-(magnitude << shift). Embedding tables only (no gemm). */
#define NI_BINARY_EMBED_HEADER_BYTES 8u
#define NI_BINARY_EMBED_MAX_SHIFT 7

/* ---- NI_ENC_BINARY_SIGN (src/kernels/encodings/ni_enc_binary_sign.c) ----
 * data = the rows of NI_ENC_BINARY; params = an 8-byte header {int32 act_threshold, int32 0} then one int16 bias per
 * row (params_len = 8 + 2 rows); row_params = {bias, 1, 1}: only the sign of acc + bias is meant. Never an embedding
 * table (no embed_add). */
#define NI_BINARY_SIGN_HEADER_BYTES 8u
#define NI_BINARY_SIGN_ROW_BYTES 2u

/* ---- NI_ENC_BINARY_S8 (src/kernels/encodings/ni_enc_binary_s8.c) ----
 * data = the rows of NI_ENC_BINARY; params = an 8-byte header {int32 shift 1..62, int32 0} then one {int16 bias,
 * uint16 multiplier} per row (params_len = 8 + 4 rows). The GEMM multiplies the int8 input as it is (acc = sum of +-x);
 * its packed input is one 16-entry int16 table per 4 columns (ni_b1s8_tables), 8 bytes a column. Pooler tensors of a
 * scheme whose pooler_alternative it is only (no embed_add). */
#define NI_BINARY_S8_HEADER_BYTES 8u
#define NI_BINARY_S8_ROW_BYTES 4u
#define NI_BINARY_S8_TABLE_BYTES_PER_COL 8u

/* ---- NI_ENC_ADAPTIVFLOAT (src/kernels/encodings/ni_enc_adaptivfloat.c) ----
 * data = rows*cols AdaptivFloat bytes (sign | 3-bit exponent | 4-bit mantissa, ni_kernels_af8.h), row-major; params =
 * an 8-byte header {int32 multiplier >= 0, int32 shift 1..62}, one for the tensor (it folds in the tensor's
 * power-of-two unit), then one int32 bias per row (|bias| <= 2^30): params_len = 8 + 4 rows. cols % 4 == 0 and cols
 * <= 1024, so |acc| <= 3968 * 128 * 1024 < 2^29. */
#define NI_AF8_HEADER_BYTES 8u
#define NI_AF8_ROW_BYTES 4u
#define NI_AF8_MAX_COLS 1024u

/* ---- NI_ENC_GOBO3 (src/kernels/encodings/ni_enc_gobo3.c, docs/numerics.md section 3h) ----
 * data = rows x 3 * ceil(cols / 8) bytes of 3-bit centroid indices (8 indices per 3 bytes: index j of a group is bits
 * 3j..3j+2 of b0 | b1 << 8 | b2 << 16; a row whose cols is not a multiple of 8 ends with 4 padding indices the kernels
 * ignore), then outlier_count outliers of 6 bytes {u16 row, u16 col, i16 value}, sorted by (row, col) with no two
 * equal, whose index slot holds 0 (the kernels add (value - centroid[0]) * x). params = a 28-byte header {int32
 * multiplier >= 0, int32 shift 1..62, u32 outlier_count, int16 centroid[8]}, then one int32 bias per row (|bias| <=
 * 2^30): params_len = 28 + 4 rows. |centroid|, |value| <= 4095, cols % 4 == 0, cols <= 1024, so |acc| <= 4095 * 128 *
 * 1024 < 2^29 and every partial sum < 2^31 (docs/numerics.md section 3h). Variable length: sizes gives data_len for
 * no outliers; validate_data checks data_len = that + 6 outlier_count and every outlier. */
#define NI_GOBO3_HEADER_BYTES 28u
#define NI_GOBO3_ROW_BYTES 4u
#define NI_GOBO3_OUTLIER_BYTES 6u
#define NI_GOBO3_MAX_COLS 1024u
/* ---- NI_ENC_INT8_SPARSE_EMBED (src/kernels/encodings/ni_enc_int8_sparse_embed.c) ----
 * A pruned int8 embedding table, read in place one row at a time. data = rows little-endian uint32 row offsets (from
 * the start of data), then the rows back to back: row r = a bitmap of ceil(cols/8) bytes (bit c % 8 of byte c / 8 set:
 * column c is kept; bits past cols are 0) and then the kept int8 values in column order, popcount(bitmap) bytes.
 * Offsets are exact: offset[0] = 4 rows, offset[r+1] = offset[r] + ceil(cols/8) + kept(r), data_len = the end of the
 * last row (the least data_len, every row empty, is 4 rows + rows * ceil(cols/8)). params = one ni_int8_row_params per
 * row as NI_ENC_INT8_ROW (bias 0 in embedding tables). A column not kept adds 0. Embedding tables only (no gemm). */
#define NI_SPARSE_EMBED_OFFSET_BYTES 4u
/* ---- NI_ENC_INT4 (src/kernels/encodings/ni_enc_int4.c) ----
 * data = rows * cols/2 bytes: 4-bit two's-complement weights, two per byte, column 2k in the low nibble of byte k of
 * its row (ni_kernels_int4.h); params = one ni_int8_row_params per row, as INT8_ROW. cols % 4 == 0 (rows need no
 * padding) and cols <= 1024, so |acc| <= 8 * 128 * 1024 = 2^20. */
#define NI_INT4_MAX_COLS 1024u
/* ---- NI_ENC_IPQ (src/kernels/encodings/ni_enc_ipq.c, docs/numerics.md section 3k) ----
 * Product quantization: each row is cut into cols/d sub-vectors of d consecutive weights, each stored as the index of
 * one of the tensor's K codewords. data = the codebook, K x d int8 (codeword k at k*d), then rows x cols/d uint8
 * indices (sub-vector j of row r at K*d + r*(cols/d) + j), every index < K. params = an 8-byte header {int32 K 1..256,
 * int32 d 1..16} then one ni_int8_row_params per row as INT8_ROW (the codebook's scale folds into each multiplier):
 * params_len = 8 + 12 rows. cols % 4 == 0, cols % d == 0, cols <= 1024, so |acc| <= 128 * 128 * 1024 = 2^24.
 * Variable length: sizes gives data_len 0 (the least); validate_data checks data_len = K*d + rows*cols/d and every
 * index. */
#define NI_IPQ_HEADER_BYTES 8u
#define NI_IPQ_MAX_CODES 256u
#define NI_IPQ_MAX_BLOCK 16u
#define NI_IPQ_MAX_COLS 1024u
/* ---- NI_ENC_INT8_SPARSE (src/kernels/encodings/ni_enc_int8_sparse.c, docs/numerics.md section 3l) ----
 * Pruned int8 GEMM rows: only kept blocks of b int8 weights (b = 1 unstructured, b = 4 blocks of 4 adjacent columns,
 * b = 16 blocks of 4 rows x 4 columns, rows % 4 == 0). A unit is a row (b = 1, 4) or a group of 4 rows (b = 16).
 * data = u32 b, u32 row_start[units + 1] (in blocks: unit u's blocks are [row_start[u], row_start[u + 1]),
 * row_start[0] = 0, non-decreasing), u16 block_col[nb] (nb = row_start[units]; the block's first column / its width,
 * strictly ascending within a unit, < cols / width), zero bytes up to a multiple of 4, then int8 values[nb * b] (block
 * k at k * b, its columns in order; a 4x4 block row by row). data_len = exactly that end (least: no block, 8 + 4
 * (rows / 4)). params = one ni_int8_row_params per row, as INT8_ROW. cols % 4 == 0, cols <= 65536, |acc| <= 128 *
 * 128 * cols as INT8_ROW. */
#define NI_SPARSE_HEADER_BYTES 4u
#define NI_SPARSE_MAX_COLS 65536u
/* ---- NI_ENC_INT8_2OF4 (src/kernels/encodings/ni_enc_int8_2of4.c, docs/numerics.md section 3m) ----
 * data = rows * (cols/2 + ceil(cols/8)) bytes: per row the 2 kept int8 weights of every group of 4 columns, then one
 * position nibble per group (ni_kernels_2of4.h); params = one ni_int8_row_params per row, as INT8_ROW. cols % 4 == 0
 * and cols <= 1024, so |acc| <= 128 * 128 * 512 = 2^23. Fixed lengths, but validate_data checks them exactly and every
 * nibble (two distinct ascending positions). */
#define NI_INT8_2OF4_MAX_COLS 1024u

/* One weight tensor: pointers into the image (or into memory for models built in RAM), untyped. */
typedef struct ni_tensor {
    uint8_t encoding;                   /* ni_encoding */
    const uint8_t *data, *params;       /* params NULL when params_len is 0 */
    uint32_t data_len, params_len, rows, cols;
} ni_tensor;

/* Everything encoding-specific. Activations are int8 everywhere; an encoding whose GEMM wants its input in another
 * form (bits) packs it with pack_input, and producers that know their consumer write that form directly. */
typedef struct ni_encoding_traits {
    uint8_t id;
    const char *name;
    /* Byte lengths of data and params for rows x cols (for a variable-length encoding, the least lengths: see
     * validate_data); 0 when the sizes overflow 32 bits. */
    int (*sizes)(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len);
    /* 1 when params (params_len bytes, 4-aligned offset) are valid for rows x cols, including the shape limits the
     * kernels need (e.g. cols % 32 for BINARY). */
    int (*validate)(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols);
    /* bias, multiplier, shift of output row `row`. */
    ni_int8_row_params (*row_params)(const ni_tensor *t, uint32_t row);
    /* The rest is NULL for an encoding that is never a GEMM operand (BINARY_EMBED): the model rules give such an
     * encoding to the embedding tables only, whose one use is embed_add. */
    /* Bytes of one token's input row as gemm reads it (4-aligned). */
    uint32_t (*input_bytes)(uint32_t cols);
    /* Writes int8 values x[0..count) as input columns [c0, c0 + count) of one token's packed input row `in`; NULL
     * when the packed row is the int8 row itself (then callers pass int8 rows straight to gemm). */
    void (*pack_input)(const ni_tensor *t, const int8_t *x, uint32_t c0, uint32_t count, uint8_t *in);
    /* acc[tok * acc_stride + (r - r0)] = sum_c w[r][c] * xval_tok[c] for tokens tok < n and rows r0 <= r < r1,
     * where token tok's packed input row is at in + tok * in_stride. Each weight row is read once for all n tokens. */
    void (*gemm)(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                 int32_t *acc, uint32_t acc_stride);
    /* out[c] += round_shift(w[row][c] * M_row, s_row) for c < cols: an embedding row at the embedding-sum scale; NULL
     * for an encoding that is never an embedding table (BINARY_SIGN). */
    void (*embed_add)(const ni_tensor *t, uint32_t row, int64_t *out);
    /* The largest |acc| gemm can give for rows of `cols` columns (<= 2^30): lets an epilogue turn a monotone test of
     * the requantized output into a test of acc (ni_bits_tile.c). */
    uint32_t (*acc_bound)(uint32_t cols);
    /* 1 when each input element is one bit, set when the int8 value x >= *threshold (then pack_input writes those
     * bits and a producer may write them straight from its accumulators); 0 when the input is not a threshold. */
    int (*input_threshold)(const ni_tensor *t, int32_t *threshold);
    /* NULL for a fixed-length encoding: data_len and params_len are exactly what sizes gives. Non-NULL for an encoding
     * whose lengths depend on its content (outlier lists, kept weights): sizes gives the least lengths, and after
     * validate passed the loader calls this on the whole tensor; it returns NI_OK only when every byte a kernel will
     * read lies inside data/params and the lengths are exactly what the content declares (NI_ERR_TENSOR_SIZE), and
     * the content is within the kernels' bounds (NI_ERR_TENSOR_PARAMS). */
    ni_status (*validate_data)(const ni_tensor *t);
} ni_encoding_traits;

/* The table's row for an encoding id; NULL for an id without one (0, the reserved id 7, 13..255). */
const ni_encoding_traits *ni_encoding_find(uint8_t id);

/* ---- model rules: one dims validator, one tensor validator (the loader and ni_model_bind both call them) ---- */

/* 1 when dims are within the limits of docs/flash-image.md, including the scheme's multiples (4, or 32 for W1A1). */
int ni_dims_validate(const ni_model_dims *dims);

/* The shape the dims demand for tensor `id` (NI_TENSOR_*, NI_TENSOR_EXIT(l, part)); 0 for an id the model has not. */
int ni_tensor_shape(const ni_model_dims *dims, uint32_t id, uint32_t *rows, uint32_t *cols);

/* The encoding the dims' scheme gives tensor `id` (NI_ENC_*), 0 for an unknown scheme. */
uint8_t ni_tensor_encoding(const ni_model_dims *dims, uint32_t id);

/* Checks a tensor entry against the model, in the loader's order: NI_ERR_TENSOR_SHAPE, NI_ERR_TENSOR_ENCODING
 * (unknown, or neither the scheme's nor, for a pooler, its pooler_alternative, nor, for the word embeddings,
 * its embedding_alternative), NI_ERR_TENSOR_SIZE (data_len /
 * params_len: as sizes gives, or at least that for a variable-length encoding). dims must be valid and id known. */
ni_status ni_tensor_check_format(const ni_model_dims *dims, uint32_t id, uint8_t encoding, uint32_t rows, uint32_t cols,
                                 uint32_t data_len, uint32_t params_len);
/* The encoding's validate on the params (NI_ERR_TENSOR_PARAMS), then for a variable-length encoding its validate_data
 * on the whole tensor (NI_ERR_TENSOR_SIZE or NI_ERR_TENSOR_PARAMS); NI_OK when both pass. */
ni_status ni_tensor_check_params(const ni_tensor *t);

/* ---- QUANT_PARAMS (docs/numerics.md, section 6) ---- */

/* LayerNorm element: xn = round_shift(d * inv, e + 2) = (d / std) * 2^NI_LN_XN_FRAC_BITS (inv: the row's reciprocal),
 * y = round_shift(xn * gain + bias * 2^NI_LN_XN_FRAC_BITS, NI_LN_GAIN_SHIFT + NI_LN_XN_FRAC_BITS). */
typedef struct ni_ln_param {
    int32_t gain; /* gamma / s_out * 2^16 */
    int32_t bias; /* beta  / s_out * 2^16 */
} ni_ln_param;

#define NI_LN_GAIN_SHIFT 16
#define NI_LN_XN_FRAC_BITS 20    /* fraction bits of the normalized element d / std */
#define NI_EXP_TABLE_LEN 512      /* exp(-k/32), k = 0..511, Q16 */
#define NI_EXP_INDEX_FRAC_BITS 5  /* softmax table step: 1/32 */
#define NI_LUT8_LEN 256           /* int8 -> int8 activation tables, indexed by x + 128 */
#define NI_FRAC_TABLE_LEN 256     /* entropy tables */
#define NI_QPARAMS_VERSION 3u
/* QUANT_PARAMS `tables` bits: the optional blocks the section carries, exactly those the scheme reads. */
#define NI_QP_TABLE_SOFTMAX 1u    /* ni_qparams_softmax: the INT8 scheme's softmax attention */

/* QUANT_PARAMS section, fixed part. Followed immediately by
 *   ni_qparams_softmax          (only when tables has NI_QP_TABLE_SOFTMAX)
 *   ni_ln_param emb_ln[E], attn_ln[H], full_ln[H];
 *   int8_t tanh[L][256]        (one pooler tanh table per exit, output scale 1/127)
 * and nothing else: total length = sizeof(ni_qparams_fixed) [+ sizeof(ni_qparams_softmax)] + 8*(E+2H) + 256*L. */
typedef struct ni_qparams_fixed {
    uint32_t version;            /* NI_QPARAMS_VERSION */
    uint32_t tables;             /* NI_QP_TABLE_* bits: the scheme's (ni_scheme_traits.qparams_tables), no other */
    int32_t attn_threshold;      /* W1A1: Bi-Attention threshold, |t| <= head size; INT8: 0 */
    ni_requant attn_residual;    /* layer input h (int8, s_h) -> attention LayerNorm input (int16, s_la) */
    ni_requant full_residual;    /* attention LN output a (int8, s_a) -> full LayerNorm input (int16, s_lf) */
    int32_t exp2_frac[NI_FRAC_TABLE_LEN];  /* round(2^(-k/256) * 2^30) */
    int32_t log2_frac[NI_FRAC_TABLE_LEN];  /* round(log2(1 + k/256) * 2^16) */
    int8_t gelu[NI_LUT8_LEN];              /* gelu(q * s_g) / s_gout, q = index - 128 */
} ni_qparams_fixed;

/* The softmax attention's block (NI_QP_TABLE_SOFTMAX), right after ni_qparams_fixed. */
typedef struct ni_qparams_softmax {
    ni_requant softmax_index;    /* (max score - score) -> exp table index in 1/32 nat (s_q*s_k/sqrt(d)*32) */
    ni_requant context;          /* sum_j P_q15[j]*v[j] -> context (int8, s_c): s_v / 2^15 / s_c */
    int32_t exp_table[NI_EXP_TABLE_LEN];   /* round(exp(-k/32) * 2^16), non-increasing, [0] = 65536 */
} ni_qparams_softmax;

/* Expected length of the QUANT_PARAMS section for these dims and their scheme's tables (0 when dims are out of range). */
uint32_t ni_qparams_size(const ni_model_dims *dims);

/* NI_OK when the section is version 3, carries exactly the tables the dims' scheme reads, is as long as
 * ni_qparams_size says and every field is within its documented range; NI_ERR_QUANT_TABLES when its tables bits are
 * not the scheme's (a W1A1 model with a softmax block, an INT8 model without one, an unknown bit); else
 * NI_ERR_QUANT_PARAMS. */
ni_status ni_qparams_check(const uint8_t *p, uint32_t len, const ni_model_dims *dims);

/* 1 when ni_qparams_check gives NI_OK. */
int ni_qparams_validate(const uint8_t *p, uint32_t len, const ni_model_dims *dims);

#ifdef __cplusplus
}
#endif

#endif
