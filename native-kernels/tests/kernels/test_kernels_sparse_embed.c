/* NI_ENC_INT8_SPARSE_EMBED through the encoding table: each row's embed_add against NI_ENC_INT8_ROW's on the same
 * int8 table with its pruned columns zero (random values, empty and full rows, -128 and 127, the largest multipliers,
 * shifts 1..62, column counts that are and are not multiples of 8), the least sizes, and validate_data's rejections
 * (an offset off by one, past the end, data one byte short or long, a bitmap bit flipped, a bit past cols). Runs on
 * the host and, cross-built, under QEMU (tests/mcu). */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_encoding.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 20261201u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8; }

#define ROWS 9
#define MAX_COLS 136

static int8_t dense[ROWS * MAX_COLS];
static uint8_t params[ROWS * NI_INT8_ROW_PARAMS_BYTES];
static uint8_t sparse[ROWS * (4 + MAX_COLS / 8 + 1 + MAX_COLS) + 4];

static void wr32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }

/* The layout of docs/numerics.md section 3i, written independently of the library: offsets, then per row the bitmap
 * of non-zero columns and their values. Returns data_len. */
static uint32_t encode(uint32_t cols)
{
    const uint32_t bb = (cols + 7) / 8;
    uint32_t at = ROWS * 4;
    for (uint32_t r = 0; r < ROWS; r++) {
        wr32(sparse + 4 * r, at);
        uint8_t *bitmap = sparse + at;
        memset(bitmap, 0, bb);
        at += bb;
        for (uint32_t c = 0; c < cols; c++) {
            const int8_t v = dense[r * cols + c];
            if (v == 0) continue;
            bitmap[c / 8] |= (uint8_t)(1u << (c % 8));
            sparse[at++] = (uint8_t)v;
        }
    }
    return at;
}

static void fill(uint32_t cols)
{
    for (uint32_t r = 0; r < ROWS; r++) {
        const uint32_t keep_per_256 = r == 0 ? 0 : r == 1 ? 256 : rnd() % 256; /* an empty row, a full row */
        for (uint32_t c = 0; c < cols; c++) {
            int8_t v = (int8_t)(rnd() & 0xFF);
            if (r == 2) v = (c % 2) ? 127 : -128;
            dense[r * cols + c] = (rnd() % 256 < keep_per_256 && v != 0) ? v : (r == 1 ? 1 : 0);
        }
        uint8_t *p = params + r * NI_INT8_ROW_PARAMS_BYTES;
        wr32(p, 0);
        wr32(p + 4, r == 2 ? 0x7FFFFFFFu : rnd() & 0x7FFFFFFFu);
        wr32(p + 8, r == 3 ? 1u : r == 4 ? 62u : 1u + rnd() % 62u);
    }
}

static void check_rows(uint32_t cols, uint32_t data_len)
{
    const ni_encoding_traits *s = ni_encoding_find(NI_ENC_INT8_SPARSE_EMBED), *d = ni_encoding_find(NI_ENC_INT8_ROW);
    ni_tensor ts = { NI_ENC_INT8_SPARSE_EMBED, sparse, params, data_len, sizeof params, ROWS, cols };
    ni_tensor td = { NI_ENC_INT8_ROW, (const uint8_t *)dense, params, ROWS * cols, sizeof params, ROWS, cols };
    CHECK(s->validate(params, sizeof params, ROWS, cols) && s->validate_data(&ts) == NI_OK);
    for (uint32_t r = 0; r < ROWS; r++) {
        int64_t want[MAX_COLS], got[MAX_COLS];
        for (uint32_t c = 0; c < cols; c++) want[c] = got[c] = (int64_t)c * 1000 - 7; /* embed_add adds */
        d->embed_add(&td, r, want);
        s->embed_add(&ts, r, got);
        CHECK(memcmp(want, got, cols * sizeof want[0]) == 0);
        ni_int8_row_params ps = s->row_params(&ts, r), pd = d->row_params(&td, r);
        CHECK(ps.bias == pd.bias && ps.multiplier == pd.multiplier && ps.shift == pd.shift);
    }
}

static void check_rejections(uint32_t cols, uint32_t data_len)
{
    const ni_encoding_traits *s = ni_encoding_find(NI_ENC_INT8_SPARSE_EMBED);
    ni_tensor t = { NI_ENC_INT8_SPARSE_EMBED, sparse, params, data_len, sizeof params, ROWS, cols };
    const uint32_t off5 = (uint32_t)sparse[20] | (uint32_t)sparse[21] << 8 | (uint32_t)sparse[22] << 16;
    wr32(sparse + 20, off5 + 1); CHECK(s->validate_data(&t) == NI_ERR_TENSOR_SIZE);
    wr32(sparse + 20, off5 - 1); CHECK(s->validate_data(&t) == NI_ERR_TENSOR_SIZE);
    wr32(sparse + 20, 0xFFFFFFF0u); CHECK(s->validate_data(&t) == NI_ERR_TENSOR_SIZE);
    wr32(sparse + 20, off5); CHECK(s->validate_data(&t) == NI_OK);
    t.data_len = data_len - 1; CHECK(s->validate_data(&t) == NI_ERR_TENSOR_SIZE);
    t.data_len = data_len + 1; CHECK(s->validate_data(&t) == NI_ERR_TENSOR_SIZE);
    t.data_len = ROWS * 4 - 1; CHECK(s->validate_data(&t) == NI_ERR_TENSOR_SIZE);
    t.data_len = data_len;
    sparse[off5] ^= 1u; CHECK(s->validate_data(&t) == NI_ERR_TENSOR_SIZE); /* kept count != what the offsets say */
    sparse[off5] ^= 1u; CHECK(s->validate_data(&t) == NI_OK);
    if (cols % 8 != 0) { /* a bit past cols in the last row's bitmap, the row's length kept consistent */
        const uint32_t last = (uint32_t)sparse[32] | (uint32_t)sparse[33] << 8 | (uint32_t)sparse[34] << 16;
        const uint32_t bb = (cols + 7) / 8;
        uint8_t saved[MAX_COLS + 1];
        memcpy(saved, sparse + last + bb, data_len - last - bb);
        sparse[last + bb - 1] |= 0x80u;
        sparse[data_len] = 5; /* one more kept value */
        t.data_len = data_len + 1;
        CHECK(s->validate_data(&t) == NI_ERR_TENSOR_PARAMS);
        sparse[last + bb - 1] &= 0x7Fu;
        memcpy(sparse + last + bb, saved, data_len - last - bb);
        t.data_len = data_len;
    }
    CHECK(s->validate_data(&t) == NI_OK);
}

static void test_traits(void)
{
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_INT8_SPARSE_EMBED);
    CHECK(e != NULL && e->gemm == NULL && e->pack_input == NULL && e->embed_add != NULL && e->validate_data != NULL);
    uint32_t dl = 0, pl = 0;
    CHECK(e->sizes(5, 128, &dl, &pl) && dl == 5 * (4 + 16) && pl == 5 * NI_INT8_ROW_PARAMS_BYTES);
    CHECK(e->sizes(3, 12, &dl, &pl) && dl == 3 * (4 + 2));
    CHECK(!e->sizes(0x20000000u, 1024, &dl, &pl)); /* overflows 32 bits */
    fill(128);
    CHECK(!e->validate(params, sizeof params - 4, ROWS, 128) && !e->validate(params, sizeof params, ROWS, 0));
    CHECK(!e->validate(params, sizeof params, ROWS, NI_INT8_ROW_MAX_COLS + 1) && !e->validate(NULL, sizeof params, ROWS, 128));
    wr32(params + 8, 0); CHECK(!e->validate(params, sizeof params, ROWS, 128));
    wr32(params + 8, 63); CHECK(!e->validate(params, sizeof params, ROWS, 128));
    wr32(params + 8, 9); wr32(params + 4, 0x80000000u); CHECK(!e->validate(params, sizeof params, ROWS, 128));
}

int main(void)
{
    test_traits();
    static const uint32_t cols_list[] = { 4, 12, 36, 128, 136 };
    for (uint32_t i = 0; i < sizeof cols_list / sizeof cols_list[0]; i++) {
        for (int round = 0; round < 4; round++) {
            fill(cols_list[i]);
            const uint32_t len = encode(cols_list[i]);
            check_rows(cols_list[i], len);
            check_rejections(cols_list[i], len);
        }
    }
    printf("kernels_sparse_embed: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
