/* The int4 kernels (ni_kernels_int4.h) against a definition written here: the nibble order and sign (column 2k in the
 * low nibble of byte k, two's complement), and every GEMM built for this target (the portable reference, the
 * dispatch, on Cortex-M4/M7 the DSP variant) against a naive sum of unpacked weights times inputs, on random nibbles
 * and inputs, the extreme weights -8 and 7 with -128 and 127 inputs (|acc| up to 8 * 128 * cols = 2^20), zero
 * weights, rows not a multiple of 4, columns not a multiple of 64, partial row ranges and strides wider than the
 * data. Every write outside the tile is caught by guard values. Runs on the host and, cross-built, under QEMU. */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels_int4.h"
#include "nano_intent/ni_encoding.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 20261201u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8; }

#define GUARD_ACC ((int32_t)0x7EADBEEF)
#define MAX_ROWS 9
#define MAX_COLS 1024
#define MAX_TOK 5

static int32_t weight(const uint8_t *w, uint32_t cols, uint32_t r, uint32_t c) /* the format, independently */
{
    const uint8_t b = w[r * (cols / 2) + c / 2];
    const int32_t nib = (c % 2 == 0) ? (b & 15) : (b >> 4);
    return nib >= 8 ? nib - 16 : nib;
}

static void test_format(void)
{
    const uint8_t row[2] = { 0x8F, 0x70 }; /* columns: -1, -8, 0, 7 */
    CHECK(ni_int4_value(row, 0) == -1 && ni_int4_value(row, 1) == -8 && ni_int4_value(row, 2) == 0 && ni_int4_value(row, 3) == 7);
    for (uint32_t b = 0; b < 256; b++) {
        const uint8_t one = (uint8_t)b;
        CHECK(ni_int4_value(&one, 0) == weight(&one, 2, 0, 0) && ni_int4_value(&one, 1) == weight(&one, 2, 0, 1));
    }
}

typedef void (*gemm_fn)(const uint8_t *, uint32_t, const int8_t *, uint32_t, uint32_t, uint32_t, uint32_t, int32_t *, uint32_t);

static uint8_t w[MAX_ROWS * MAX_COLS / 2];
static int8_t x[MAX_TOK * (MAX_COLS + 8)];
static int32_t acc[MAX_TOK * (MAX_ROWS + 2)];

static void check_gemm(gemm_fn fn, const char *name, uint32_t rows, uint32_t cols, uint32_t n, uint32_t x_stride,
                       uint32_t r0, uint32_t r1)
{
    const uint32_t acc_stride = r1 - r0 + 2;
    for (uint32_t k = 0; k < MAX_TOK * (MAX_ROWS + 2); k++) acc[k] = GUARD_ACC;
    fn(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
    int bad = 0;
    for (uint32_t t = 0; t < n; t++) {
        for (uint32_t r = r0; r < r1; r++) {
            int64_t want = 0;
            for (uint32_t c = 0; c < cols; c++) want += (int64_t)weight(w, cols, r, c) * x[t * x_stride + c];
            if (acc[t * acc_stride + (r - r0)] != want) bad++;
        }
        for (uint32_t k = r1 - r0; k < acc_stride; k++) if (acc[t * acc_stride + k] != GUARD_ACC) bad++;
    }
    if (bad) { printf("FAIL %s rows %u cols %u n %u [%u, %u): %d wrong\n", name, (unsigned)rows, (unsigned)cols, (unsigned)n, (unsigned)r0, (unsigned)r1, bad); failures++; }
}

static void test_gemm(gemm_fn fn, const char *name)
{
    static const uint32_t shapes[][3] = { { 1, 4, 1 }, { 4, 64, 3 }, { 5, 36, 2 }, { 9, 100, 5 }, { 8, 1024, 2 }, { 7, 128, 4 } };
    for (uint32_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const uint32_t rows = shapes[s][0], cols = shapes[s][1], n = shapes[s][2], x_stride = cols + 4 * (s % 3);
        for (int pattern = 0; pattern < 4; pattern++) {
            /* random, all -8, all 7, zero or -1 */
            for (uint32_t k = 0; k < rows * cols / 2; k++)
                w[k] = pattern == 0 ? (uint8_t)rnd() : pattern == 1 ? 0x88u : pattern == 2 ? 0x77u : (uint8_t)((rnd() & 1u) ? 0xF0u : 0x0Fu);
            for (uint32_t k = 0; k < n * x_stride; k++)
                x[k] = pattern == 0 ? (int8_t)rnd() : pattern == 1 ? -128 : pattern == 2 ? 127 : (int8_t)rnd();
            check_gemm(fn, name, rows, cols, n, x_stride, 0, rows);
            const uint32_t r0 = rnd() % rows, r1 = r0 + 1 + rnd() % (rows - r0);
            check_gemm(fn, name, rows, cols, n, x_stride, r0, r1);
        }
    }
    /* the bound: every weight -8 and every input -128 over 1024 columns */
    memset(w, 0x88, MAX_COLS / 2);
    memset(x, 0x80, MAX_COLS);
    acc[0] = 0;
    fn(w, MAX_COLS, x, MAX_COLS, 1, 0, 1, acc, 1);
    CHECK(acc[0] == 8 * 128 * MAX_COLS && acc[0] == (1 << 20));
}

static void test_traits(void)
{
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_INT4);
    uint32_t dl = 0, pl = 0;
    CHECK(e != NULL && e->embed_add == NULL && e->pack_input == NULL && e->gemm != NULL && e->validate_data == NULL);
    if (e == NULL) return;
    CHECK(e->sizes(3, 8, &dl, &pl) && dl == 12 && pl == 3 * NI_INT8_ROW_PARAMS_BYTES);
    CHECK(e->acc_bound(NI_INT4_MAX_COLS) == 8u * 128u * NI_INT4_MAX_COLS);
    uint8_t p[2 * NI_INT8_ROW_PARAMS_BYTES] = { 0 };
    p[0] = 0xF9; p[1] = 0xFF; p[2] = 0xFF; p[3] = 0xFF;            /* row 0 bias -7 */
    p[4] = 5; p[8] = 40;                                          /* multiplier 5, shift 40 */
    p[15] = 0x40; p[16] = 3; p[20] = 1;                           /* row 1 bias 2^30, multiplier 3, shift 1 */
    CHECK(e->validate(p, sizeof p, 2, 8));
    ni_tensor t = { NI_ENC_INT4, w, p, 8, sizeof p, 2, 8 };
    ni_int8_row_params r0 = e->row_params(&t, 0), r1 = e->row_params(&t, 1);
    CHECK(r0.bias == -7 && r0.multiplier == 5 && r0.shift == 40 && r1.bias == (1 << 30) && r1.multiplier == 3 && r1.shift == 1);
    CHECK(!e->validate(p, sizeof p, 2, 6) && !e->validate(p, sizeof p, 2, 1028) && !e->validate(p, sizeof p - 4, 2, 8));
    CHECK(!e->validate(p, sizeof p, 2, 0));
    p[15] = 0x41; CHECK(!e->validate(p, sizeof p, 2, 8)); p[15] = 0x40;    /* bias 2^30 + 2^24 */
    p[8] = 0; CHECK(!e->validate(p, sizeof p, 2, 8)); p[8] = 63; CHECK(!e->validate(p, sizeof p, 2, 8)); p[8] = 40;
    p[7] = 0x80; CHECK(!e->validate(p, sizeof p, 2, 8));                  /* multiplier < 0 */
}

int main(void)
{
    test_format();
    test_gemm(ni_int4_gemm_ref, "ni_int4_gemm_ref");
    test_gemm(ni_int4_gemm, "ni_int4_gemm");
#ifdef NI_HAVE_INT4_GEMM_DSP
    test_gemm(ni_int4_gemm_dsp, "ni_int4_gemm_dsp");
#endif
    test_traits();
    printf("kernels_int4: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
