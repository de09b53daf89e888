/* The 2:4 kernel (ni_kernels_2of4.h) against a definition written here: the row layout (values, then one position
 * nibble per group, low nibble first), the 6 valid nibbles, and the GEMM against a naive dense sum over the rows
 * expanded to all cols (pruned columns 0) on random values, positions and inputs, the extremes -128 with -128 inputs
 * over 1024 columns (|acc| = 2^23), odd group counts (an unused last nibble), rows and columns not multiples of the
 * kernel's chunk, partial row ranges, strides wider than the data; guard values catch every write outside the tile.
 * Runs on the host and, cross-built, under QEMU. */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels_2of4.h"
#include "nano_intent/ni_encoding.h"
#include "nano_intent/ni_image.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 20261224u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8; }

#define GUARD_ACC ((int32_t)0x7EADBEEF)
#define MAX_ROWS 9
#define MAX_COLS 1024
#define MAX_TOK 5

static const uint8_t valid_nibbles[6] = { 0x4, 0x8, 0xC, 0x9, 0xD, 0xE }; /* (0,1) (0,2) (0,3) (1,2) (1,3) (2,3) */

static uint8_t w[MAX_ROWS * (MAX_COLS / 2 + MAX_COLS / 8)];
static int32_t dense[MAX_ROWS * MAX_COLS];
static int8_t x[MAX_TOK * (MAX_COLS + 8)];
static int32_t acc[MAX_TOK * (MAX_ROWS + 2)];

/* Writes random rows (value pattern p) and the same weights expanded to dense. */
static void make_rows(uint32_t rows, uint32_t cols, int pattern)
{
    const uint32_t rb = cols / 2 + (cols / 4 + 1) / 2;
    memset(dense, 0, sizeof dense);
    for (uint32_t r = 0; r < rows; r++) {
        uint8_t *row = w + r * rb;
        memset(row + cols / 2, 0, rb - cols / 2);
        for (uint32_t g = 0; g < cols / 4; g++) {
            const uint8_t nib = valid_nibbles[rnd() % 6];
            const uint32_t p0 = nib & 3u, p1 = nib >> 2;
            const int8_t v0 = pattern == 0 ? (int8_t)rnd() : pattern == 1 ? -128 : 127;
            const int8_t v1 = pattern == 0 ? (int8_t)rnd() : pattern == 1 ? -128 : (int8_t)(rnd() % 3) - 1;
            row[2 * g] = (uint8_t)v0;
            row[2 * g + 1] = (uint8_t)v1;
            row[cols / 2 + g / 2] |= (uint8_t)(nib << (4 * (g % 2)));
            dense[r * cols + 4 * g + p0] = v0;
            dense[r * cols + 4 * g + p1] = v1;
        }
    }
}

static void check_gemm(uint32_t rows, uint32_t cols, uint32_t n, uint32_t x_stride, uint32_t r0, uint32_t r1)
{
    const uint32_t acc_stride = r1 - r0 + 2;
    for (uint32_t k = 0; k < MAX_TOK * (MAX_ROWS + 2); k++) acc[k] = GUARD_ACC;
    ni_2of4_gemm(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
    int bad = 0;
    for (uint32_t t = 0; t < n; t++) {
        for (uint32_t r = r0; r < r1; r++) {
            int64_t want = 0;
            for (uint32_t c = 0; c < cols; c++) want += (int64_t)dense[r * cols + c] * x[t * x_stride + c];
            if (acc[t * acc_stride + (r - r0)] != want) bad++;
        }
        for (uint32_t k = r1 - r0; k < acc_stride; k++) if (acc[t * acc_stride + k] != GUARD_ACC) bad++;
    }
    if (bad) { printf("FAIL ni_2of4_gemm rows %u cols %u n %u [%u, %u): %d wrong\n", rows, cols, n, r0, r1, bad); failures++; }
}

static void test_gemm(void)
{
    static const uint32_t shapes[][3] = { { 1, 4, 1 }, { 4, 64, 3 }, { 5, 36, 2 }, { 9, 100, 5 }, { 8, 1024, 2 }, { 7, 132, 4 }, { 3, 12, 3 } };
    for (uint32_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const uint32_t rows = shapes[s][0], cols = shapes[s][1], n = shapes[s][2], x_stride = cols + 4 * (s % 3);
        for (int pattern = 0; pattern < 3; pattern++) {
            make_rows(rows, cols, pattern);
            for (uint32_t k = 0; k < n * x_stride; k++) x[k] = pattern == 0 ? (int8_t)rnd() : pattern == 1 ? -128 : 127;
            check_gemm(rows, cols, n, x_stride, 0, rows);
            const uint32_t r0 = rnd() % rows, r1 = r0 + 1 + rnd() % (rows - r0);
            check_gemm(rows, cols, n, x_stride, r0, r1);
        }
    }
    /* the bound: every kept weight -128 and every input -128 over 1024 columns */
    make_rows(1, MAX_COLS, 1);
    memset(x, 0x80, MAX_COLS);
    acc[0] = 0;
    ni_2of4_gemm(w, MAX_COLS, x, MAX_COLS, 1, 0, 1, acc, 1);
    CHECK(acc[0] == 128 * 128 * MAX_COLS / 2 && acc[0] == (1 << 23));
}

static void test_format(void)
{
    int ok = 0;
    for (uint32_t nib = 0; nib < 16; nib++) {
        const int want = (nib & 3u) < (nib >> 2);
        CHECK(ni_2of4_nibble_ok(nib) == want);
        ok += want;
    }
    CHECK(ok == 6);
    for (uint32_t k = 0; k < 6; k++) CHECK(ni_2of4_nibble_ok(valid_nibbles[k]));
    const uint8_t pos[2] = { 0xE4, 0x09 };
    CHECK(ni_2of4_nibble(pos, 0) == 4 && ni_2of4_nibble(pos, 1) == 14 && ni_2of4_nibble(pos, 2) == 9 && ni_2of4_nibble(pos, 3) == 0);
    CHECK(ni_2of4_row_bytes(8) == 5 && ni_2of4_row_bytes(12) == 8 && ni_2of4_row_bytes(128) == 80);
}

static void test_traits(void)
{
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_INT8_2OF4);
    uint32_t dl = 0, pl = 0;
    CHECK(e != NULL && e->embed_add == NULL && e->pack_input == NULL && e->gemm != NULL && e->validate_data != NULL);
    if (e == NULL) return;
    CHECK(e->sizes(3, 12, &dl, &pl) && dl == 3 * 8 && pl == 3 * NI_INT8_ROW_PARAMS_BYTES);
    CHECK(!e->sizes(3, 10, &dl, &pl));
    CHECK(e->acc_bound(NI_INT8_2OF4_MAX_COLS) == 1u << 23);
    uint8_t p[2 * NI_INT8_ROW_PARAMS_BYTES] = { 0 };
    p[4] = 5; p[8] = 40; p[16] = 3; p[20] = 1;
    CHECK(e->validate(p, sizeof p, 2, 8) && !e->validate(p, sizeof p, 2, 1028) && !e->validate(p, sizeof p, 2, 0));
    CHECK(!e->validate(p, sizeof p - 4, 2, 8) && e->validate(p, sizeof p, 1, 8)); /* longer params: validate_data */
    p[8] = 0; CHECK(!e->validate(p, sizeof p, 2, 8)); p[8] = 40;
    /* validate_data: 2 rows x 12 columns (8 bytes a row), the lengths exact, every nibble valid, the unused one 0 */
    uint8_t d[16] = { 0 };
    d[6] = 0xE4; d[7] = 0x08; d[14] = 0xC9; d[15] = 0x0D;
    ni_tensor t = { NI_ENC_INT8_2OF4, d, p, 16, sizeof p, 2, 12 };
    CHECK(e->validate_data(&t) == NI_OK);
    t.data_len = 15; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_SIZE);
    t.data_len = 17; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_SIZE); t.data_len = 16;
    t.params_len = sizeof p + 12; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_SIZE); t.params_len = sizeof p;
    d[15] = 0x1D; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_PARAMS); d[15] = 0x0D;
    d[14] = 0xC5; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_PARAMS); d[14] = 0xC9;
    d[7] = 0x02; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_PARAMS); d[7] = 0x08;
    CHECK(e->validate_data(&t) == NI_OK);
}

int main(void)
{
    test_format();
    test_gemm();
    test_traits();
    printf("kernels_2of4: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
