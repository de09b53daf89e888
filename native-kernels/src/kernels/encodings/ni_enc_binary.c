/* NI_ENC_BINARY (docs/numerics.md section 3b): sign bits in little-endian words, a per-tensor header
 * {act_threshold, shift, 0, 0} and one {int16 bias, uint16 multiplier} per row. Its GEMM reads the input as sign
 * bits (x >= act_threshold), which pack_input writes. The 1-bit traits (ni_enc_b1_*) serve NI_ENC_BINARY_SIGN too,
 * whose params also start with act_threshold. */
#include <stddef.h>
#include "ni_encodings.h"
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_kernels_b1.h"

int ni_enc_b1_sizes(uint32_t rows, uint32_t cols, uint32_t header, uint32_t row_bytes, uint32_t *data_len,
                    uint32_t *params_len)
{
    uint64_t data = (uint64_t)rows * (((uint64_t)cols + 31u) / 32u) * 4u;
    uint64_t params = header + (uint64_t)rows * row_bytes;
    if (data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data;
    *params_len = (uint32_t)params;
    return 1;
}

int ni_enc_b1_shape_ok(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols, uint32_t header,
                       uint32_t row_bytes)
{
    uint32_t data_len, expected;
    if (!ni_enc_b1_sizes(rows, cols, header, row_bytes, &data_len, &expected) || params_len != expected || params == NULL)
        return 0;
    return cols != 0 && cols % 32u == 0 && cols <= NI_BINARY_MAX_COLS;
}

static int sizes(uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    return ni_enc_b1_sizes(rows, cols, NI_BINARY_HEADER_BYTES, NI_BINARY_ROW_BYTES, data_len, params_len);
}

static int validate(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    if (!ni_enc_b1_shape_ok(params, params_len, rows, cols, NI_BINARY_HEADER_BYTES, NI_BINARY_ROW_BYTES)) return 0;
    int32_t threshold = ni_enc_rd32(params), shift = ni_enc_rd32(params + 4);
    if (threshold < NI_BINARY_MIN_THRESHOLD || threshold > NI_BINARY_MAX_THRESHOLD) return 0;
    if (shift < 1 || shift > 62) return 0;
    if (ni_enc_rd32(params + 8) != 0 || ni_enc_rd32(params + 12) != 0) return 0;
    return 1; /* every int16 bias and uint16 multiplier is valid: |acc + bias| <= 1024 + 2^15 */
}

static ni_int8_row_params row_params(const ni_tensor *t, uint32_t row)
{
    const uint8_t *r = t->params + NI_BINARY_HEADER_BYTES + (size_t)row * NI_BINARY_ROW_BYTES;
    ni_int8_row_params p;
    p.bias = (int32_t)(int16_t)ni_enc_rd16(r);
    p.multiplier = (int32_t)ni_enc_rd16(r + 2);
    p.shift = ni_enc_rd32(t->params + 4);
    return p;
}

uint32_t ni_enc_b1_input_bytes(uint32_t cols) { return cols / 8u; } /* cols % 32 == 0: whole words */

void ni_enc_b1_pack_input(const ni_tensor *t, const int8_t *x, uint32_t c0, uint32_t count, uint8_t *in)
{
    const int32_t threshold = ni_enc_rd32(t->params);
    uint32_t *bits = (uint32_t *)(void *)in;
    if (c0 % 32u == 0 && count % 32u == 0) { /* whole words: the bit-packing kernel */
        ni_b1_pack_s8(x, count, threshold, bits + c0 / 32u);
        return;
    }
    for (uint32_t i = 0; i < count; i++) { /* a tile that covers part of a word */
        uint32_t c = c0 + i, m = 1u << (c % 32u);
        bits[c / 32u] = x[i] >= threshold ? bits[c / 32u] | m : bits[c / 32u] & ~m;
    }
}

void ni_enc_b1_gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                    int32_t *acc, uint32_t acc_stride)
{
    ni_b1_gemm((const uint32_t *)(const void *)t->data, t->cols / 32u, (const uint32_t *)(const void *)in,
               in_stride / 4u, n, r0, r1, acc, acc_stride);
}

static void embed_add(const ni_tensor *t, uint32_t row, int64_t *out)
{
    const ni_int8_row_params p = row_params(t, row);
    const int64_t v = ni_round_shift(p.multiplier, p.shift); /* round_shift(+-M, s) = +-round_shift(M, s) */
    const uint8_t *w = t->data + (size_t)row * (t->cols / 8u);
    for (uint32_t c = 0; c < t->cols; c++) out[c] += (w[c / 8u] >> (c % 8u) & 1u) ? v : -v;
}

uint32_t ni_enc_b1_acc_bound(uint32_t cols) { return cols; } /* acc = cols - 2 * popcount */

int ni_enc_b1_input_threshold(const ni_tensor *t, int32_t *threshold)
{
    *threshold = ni_enc_rd32(t->params);
    return 1;
}

const ni_encoding_traits ni_enc_binary = {
    NI_ENC_BINARY, "BINARY", sizes, validate, row_params, ni_enc_b1_input_bytes, ni_enc_b1_pack_input, ni_enc_b1_gemm,
    embed_add, ni_enc_b1_acc_bound, ni_enc_b1_input_threshold, NULL /* fixed length */,
};
