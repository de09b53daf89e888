/* NI_ENC_INT8_SPARSE (docs/numerics.md section 3l): every GEMM built for this target (the portable reference, the
 * dispatch, on Cortex-M4/M7 the DSP variant) against ni_gemm_s8_ref on the same int8 rows with the pruned weights
 * zero, for blocks of 1, 4 and 4x4 (b = 16): random and all-pruned and all-kept rows, -128 weights with -128 inputs (the bound
 * 128 * 128 * cols), rows with more than one chunk of kept weights, partial row ranges, strides wider than the data,
 * one and several tokens; guard values catch writes outside the tile. Then the traits (sizes, params, row params)
 * and validate_data's rejections: a block size of 2, a row start not 0, decreasing or past cols / width, data one
 * byte short or long, a column out of order, repeated or >= cols / width, a padding byte set; for 4x4 blocks also
 * rows not a multiple of 4 and data shorter than the group starts. Host and QEMU (tests/mcu). */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_encoding.h"
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_kernels_sparse.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 20261214u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8; }

#define ROWS 12 /* 3 groups of 4 rows for 4x4 blocks */
#define MAX_COLS 384
#define MAX_TOK 11 /* every remainder of the DSP kernel's groups of 4 tokens, twice */
#define GUARD ((int32_t)0x7EADBEEF)

static int8_t dense[ROWS * MAX_COLS];
static uint8_t data[8 + 4 * ROWS + 3 * ROWS * MAX_COLS + 8];
static int8_t x[MAX_TOK * (MAX_COLS + 8)];
static int32_t acc[MAX_TOK * (ROWS + 2)], want[MAX_TOK * (ROWS + 2)];

static void wr32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static void wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static uint32_t height(uint32_t b) { return b == 16 ? 4 : 1; }
static uint32_t width(uint32_t b) { return b / height(b); }

/* Whether the block of b at row r, column c (its top left) holds a non-zero weight. */
static int any_weight(uint32_t cols, uint32_t b, uint32_t r, uint32_t c)
{
    int any = 0;
    for (uint32_t i = 0; i < height(b); i++)
        for (uint32_t j = 0; j < width(b); j++) any |= dense[(r + i) * cols + c + j] != 0;
    return any;
}

/* The layout of section 3l, written independently of the library: a block is kept when any of its weights is not 0.
 * Returns data_len. */
static uint32_t encode(uint32_t cols, uint32_t b)
{
    const uint32_t h = height(b), w = width(b), units = ROWS / h;
    uint32_t nb = 0;
    wr32(data, b);
    for (uint32_t u = 0; u < units; u++) {
        wr32(data + 4 + 4 * u, nb);
        for (uint32_t c = 0; c < cols; c += w)
            if (any_weight(cols, b, u * h, c)) wr16(data + 8 + 4 * units + 2 * nb++, c / w);
    }
    wr32(data + 4 + 4 * units, nb);
    uint32_t at = 8 + 4 * units + 2 * nb;
    while (at % 4) data[at++] = 0;
    for (uint32_t u = 0; u < units; u++)
        for (uint32_t c = 0; c < cols; c += w)
            if (any_weight(cols, b, u * h, c))
                for (uint32_t i = 0; i < h; i++)
                    for (uint32_t j = 0; j < w; j++) data[at++] = (uint8_t)dense[(u * h + i) * cols + c + j];
    return at;
}

/* Row (4x4: group) r keeps about keep/256 of its blocks; the first none, the second all; pattern 1: kept weights
 * -128 and inputs -128. */
static void fill(uint32_t cols, uint32_t b, int pattern)
{
    const uint32_t h = height(b), w = width(b);
    for (uint32_t u = 0; u < ROWS / h; u++) {
        const uint32_t keep = u == 0 ? 0 : u == 1 ? 256 : rnd() % 256;
        for (uint32_t c = 0; c < cols; c += w) {
            const int kept = rnd() % 256 < keep;
            for (uint32_t i = 0; i < h; i++)
                for (uint32_t j = 0; j < w; j++) {
                    const int v = (int)(rnd() % 255) - 127; /* a kept block's first weight is not 0: the block is kept */
                    dense[(u * h + i) * cols + c + j] =
                        (int8_t)(!kept ? 0 : pattern == 1 ? -128 : v == 0 && i == 0 && j == 0 ? 1 : v);
                }
        }
    }
    for (uint32_t i = 0; i < sizeof x; i++) x[i] = pattern == 1 ? -128 : (int8_t)(rnd() & 0xFF);
}

typedef void (*sparse_fn)(const uint8_t *, uint32_t, const int8_t *, uint32_t, uint32_t, uint32_t, uint32_t, int32_t *, uint32_t);

static void check(sparse_fn fn, const char *name, uint32_t cols, uint32_t b, int pattern)
{
    fill(cols, b, pattern);
    encode(cols, b);
    static const uint32_t ranges[][2] = { { 0, ROWS }, { 1, 2 }, { 3, 8 }, { 0, 0 }, { 4, 12 }, { 2, 11 } };
    for (uint32_t n = 1; n <= MAX_TOK; n++)
        for (uint32_t q = 0; q < 6; q++) {
            const uint32_t r0 = ranges[q][0], r1 = ranges[q][1], acc_stride = r1 - r0 + 2, x_stride = cols + 8 * (n % 2);
            for (uint32_t i = 0; i < MAX_TOK * (ROWS + 2); i++) acc[i] = want[i] = GUARD;
            fn(data, ROWS, x, x_stride, n, r0, r1, acc, acc_stride);
            ni_gemm_s8_ref(dense, cols, x, x_stride, n, r0, r1, want, acc_stride);
            int bad = 0;
            for (uint32_t i = 0; i < MAX_TOK * (ROWS + 2); i++) bad += acc[i] != want[i];
            if (bad) {
                printf("FAIL %s cols %u b %u pattern %d n %u [%u, %u): %d wrong\n", name, (unsigned)cols, (unsigned)b,
                       pattern, (unsigned)n, (unsigned)r0, (unsigned)r1, bad);
                failures++;
            }
        }
}

static void test_gemm(sparse_fn fn, const char *name)
{
    static const uint32_t cols[] = { 4, 64, 132, 384 }, blocks[] = { 1, 4, 16 };
    for (uint32_t q = 0; q < 3; q++)
        for (uint32_t i = 0; i < 4; i++)
            for (int pattern = 0; pattern < 2; pattern++) check(fn, name, cols[i], blocks[q], pattern);
    /* the bound: a full row of -128 weights against -128 inputs */
    fill(MAX_COLS, 4, 1);
    memset(dense + MAX_COLS, -128, MAX_COLS);
    encode(MAX_COLS, 4);
    acc[0] = 0;
    fn(data, ROWS, x, MAX_COLS, 1, 1, 2, acc, 1);
    CHECK(acc[0] == 128 * 128 * MAX_COLS);
    fill(MAX_COLS, 16, 1); /* and a whole group of 4 such rows in 4x4 blocks */
    memset(dense + 4 * MAX_COLS, -128, 4 * MAX_COLS);
    encode(MAX_COLS, 16);
    for (uint32_t i = 0; i < 4; i++) acc[i] = 0;
    fn(data, ROWS, x, MAX_COLS, 1, 4, 8, acc, 4);
    CHECK(acc[0] == 128 * 128 * MAX_COLS && acc[3] == 128 * 128 * MAX_COLS);
}

static ni_status check_rows(uint32_t rows, uint32_t cols, uint32_t len)
{
    ni_tensor t = { NI_ENC_INT8_SPARSE, data, NULL, len, 0, rows, cols };
    return ni_encoding_find(NI_ENC_INT8_SPARSE)->validate_data(&t);
}

static ni_status check_data(uint32_t cols, uint32_t len)
{
    ni_tensor t = { NI_ENC_INT8_SPARSE, data, NULL, len, 0, ROWS, cols };
    return ni_encoding_find(NI_ENC_INT8_SPARSE)->validate_data(&t);
}

static void test_validate_data(void)
{
    const uint32_t cols = 64;
    for (uint32_t b = 1; b <= 4; b += 3) {
        fill(cols, b, 0);
        const uint32_t len = encode(cols, b), nb = ni_sparse_row_start(data, ROWS), at = 8 + 4 * ROWS;
        CHECK(check_data(cols, len) == NI_OK);
        CHECK(check_data(cols, len - 1) == NI_ERR_TENSOR_SIZE && check_data(cols, len + 1) == NI_ERR_TENSOR_SIZE);
        wr32(data, 2); CHECK(check_data(cols, len) == NI_ERR_TENSOR_PARAMS); wr32(data, b);
        wr32(data + 4, 1); CHECK(check_data(cols, len) == NI_ERR_TENSOR_SIZE); wr32(data + 4, 0);
        const uint32_t s2 = ni_sparse_row_start(data, 2), s3 = ni_sparse_row_start(data, 3);
        wr32(data + 12, s3 + 1); CHECK(check_data(cols, len) == NI_ERR_TENSOR_SIZE);        /* row 2 starts past row 3 */
        wr32(data + 12, s2);
        const uint32_t first = ni_sparse_row_start(data, 1); /* row 1 keeps every block: columns 0, 1, 2 .. */
        wr32(data + 8, cols / b + 1); CHECK(check_data(cols, len) == NI_ERR_TENSOR_SIZE);  /* row 0 past cols / b */
        wr32(data + 8, first);
        wr16(data + at + 2 * (first + 1), 0); CHECK(check_data(cols, len) == NI_ERR_TENSOR_PARAMS);       /* repeated */
        wr16(data + at + 2 * (first + 1), 3); CHECK(check_data(cols, len) == NI_ERR_TENSOR_PARAMS);       /* out of order */
        wr16(data + at + 2 * (first + 1), 1);
        wr16(data + at + 2 * (s2 - 1), cols / b); CHECK(check_data(cols, len) == NI_ERR_TENSOR_PARAMS);   /* >= cols / b */
        wr16(data + at + 2 * (s2 - 1), cols / b - 1);
        CHECK(check_data(cols, len) == NI_OK);
        if ((at + 2 * nb) % 4 != 0) {
            data[at + 2 * nb] = 1; CHECK(check_data(cols, len) == NI_ERR_TENSOR_PARAMS); data[at + 2 * nb] = 0;
        } else {
            CHECK(b == 4 || nb % 2 == 0);
        }
    }
}

/* 4x4 blocks: group starts (3 groups of 4 rows), columns in units of 4, 16 values a block. */
static void test_validate_data_4x4(void)
{
    const uint32_t cols = 64, units = ROWS / 4, at = 8 + 4 * units;
    fill(cols, 16, 0);
    const uint32_t len = encode(cols, 16), nb = ni_sparse_row_start(data, units);
    const uint32_t first = ni_sparse_row_start(data, 1), s2 = ni_sparse_row_start(data, 2); /* group 1 keeps all 16 */
    CHECK(first == 0 && s2 == 16 && len == ((at + 2 * nb + 3) & ~3u) + 16 * nb);
    CHECK(check_data(cols, len) == NI_OK);
    CHECK(check_data(cols, len - 1) == NI_ERR_TENSOR_SIZE && check_data(cols, len + 16) == NI_ERR_TENSOR_SIZE);
    CHECK(check_rows(ROWS - 2, cols, len) == NI_ERR_TENSOR_PARAMS);                     /* rows not a multiple of 4 */
    CHECK(check_rows(ROWS, cols, 8 + 4 * units - 1) == NI_ERR_TENSOR_SIZE);              /* the group starts cut */
    wr32(data + 4, 1); CHECK(check_data(cols, len) == NI_ERR_TENSOR_SIZE); wr32(data + 4, 0);
    wr32(data + 12, s2 + 1); CHECK(check_data(cols, len) == NI_ERR_TENSOR_SIZE); wr32(data + 12, s2); /* past group 2 */
    wr32(data + 8, 17); CHECK(check_data(cols, len) == NI_ERR_TENSOR_SIZE); wr32(data + 8, first);   /* > cols / 4 */
    wr16(data + at + 2 * 1, 0); CHECK(check_data(cols, len) == NI_ERR_TENSOR_PARAMS);           /* repeated */
    wr16(data + at + 2 * 1, 1);
    wr16(data + at + 2 * 15, 16); CHECK(check_data(cols, len) == NI_ERR_TENSOR_PARAMS);         /* >= cols / 4 */
    wr16(data + at + 2 * 15, 15);
    CHECK(check_data(cols, len) == NI_OK);
    if ((at + 2 * nb) % 4 != 0) {
        data[at + 2 * nb] = 1; CHECK(check_data(cols, len) == NI_ERR_TENSOR_PARAMS); data[at + 2 * nb] = 0;
    }
}

static void test_traits(void)
{
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_INT8_SPARSE);
    uint32_t dl = 0, pl = 0;
    CHECK(e != NULL && e->embed_add == NULL && e->pack_input == NULL && e->gemm != NULL && e->validate_data != NULL);
    if (e == NULL) return;
    CHECK(e->sizes(3, 8, &dl, &pl) && dl == 8 && pl == 3 * NI_INT8_ROW_PARAMS_BYTES); /* least: 4x4, no block */
    CHECK(e->sizes(12, 8, &dl, &pl) && dl == 8 + 4 * 3 && pl == 12 * NI_INT8_ROW_PARAMS_BYTES);
    CHECK(e->acc_bound(1024) == 128u * 128u * 1024u && e->input_bytes(64) == 64);
    uint8_t p[2 * NI_INT8_ROW_PARAMS_BYTES] = { 0 };
    p[0] = 0xF9; p[1] = 0xFF; p[2] = 0xFF; p[3] = 0xFF; p[4] = 5; p[8] = 40; /* row 0: bias -7, multiplier 5, shift 40 */
    p[16] = 3; p[20] = 1;
    CHECK(e->validate(p, sizeof p, 2, 8));
    ni_tensor t = { NI_ENC_INT8_SPARSE, data, p, 16, sizeof p, 2, 8 };
    ni_int8_row_params r0 = e->row_params(&t, 0);
    CHECK(r0.bias == -7 && r0.multiplier == 5 && r0.shift == 40);
    CHECK(!e->validate(p, sizeof p, 2, 6) && !e->validate(p, sizeof p, 2, 0) && !e->validate(p, sizeof p - 4, 2, 8));
    p[8] = 0; CHECK(!e->validate(p, sizeof p, 2, 8));
}

int main(void)
{
    test_gemm(ni_sparse_gemm_ref, "ni_sparse_gemm_ref");
    test_gemm(ni_sparse_gemm, "ni_sparse_gemm");
#ifdef NI_HAVE_SPARSE_GEMM_DSP
    test_gemm(ni_sparse_gemm_dsp, "ni_sparse_gemm_dsp");
#endif
    test_validate_data();
    test_validate_data_4x4();
    test_traits();
    printf("kernels_sparse: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
