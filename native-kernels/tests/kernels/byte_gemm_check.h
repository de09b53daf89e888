/* The check both byte-coded GEMM tests share (test_kernels_af8.c, test_kernels_int4.c): a GEMM against a naive sum of
 * the weights its test decodes, on random and extreme weight bytes and inputs, rows not a multiple of 4, columns not
 * a multiple of 64, partial row ranges and strides wider than the data; every write outside the tile is caught by
 * guard values. Define BYTE_GEMM_SEED before including it. */
#ifndef BYTE_GEMM_CHECK_H
#define BYTE_GEMM_CHECK_H

#include <stdio.h>
#include <stdint.h>

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = BYTE_GEMM_SEED;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8; }

#define GUARD_ACC ((int32_t)0x7EADBEEF)
#define MAX_ROWS 9
#define MAX_COLS 1024
#define MAX_TOK 5

typedef void (*gemm_fn)(const uint8_t *, uint32_t, const int8_t *, uint32_t, uint32_t, uint32_t, uint32_t, int32_t *, uint32_t);

/* How a test reads its encoding: the weight at (r, c) of rows of `cols` columns, the bytes of such a row, and the
 * weight byte of pattern 1..3 (0 is random) for the k-th byte. */
typedef struct byte_gemm_format {
    int32_t (*weight)(const uint8_t *w, uint32_t cols, uint32_t r, uint32_t c);
    uint32_t (*row_bytes)(uint32_t cols);
    uint8_t (*pattern_byte)(int pattern);
} byte_gemm_format;

static uint8_t w[MAX_ROWS * MAX_COLS];
static int8_t x[MAX_TOK * (MAX_COLS + 8)];
static int32_t acc[MAX_TOK * (MAX_ROWS + 2)];

static void check_gemm(gemm_fn fn, const byte_gemm_format *f, const char *name, uint32_t rows, uint32_t cols, uint32_t n,
                       uint32_t x_stride, uint32_t r0, uint32_t r1)
{
    const uint32_t acc_stride = r1 - r0 + 2;
    for (uint32_t k = 0; k < MAX_TOK * (MAX_ROWS + 2); k++) acc[k] = GUARD_ACC;
    fn(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
    int bad = 0;
    for (uint32_t t = 0; t < n; t++) {
        for (uint32_t r = r0; r < r1; r++) {
            int64_t want = 0;
            for (uint32_t c = 0; c < cols; c++) want += (int64_t)f->weight(w, cols, r, c) * x[t * x_stride + c];
            if (acc[t * acc_stride + (r - r0)] != want) bad++;
        }
        for (uint32_t k = r1 - r0; k < acc_stride; k++) if (acc[t * acc_stride + k] != GUARD_ACC) bad++;
    }
    if (bad) {
        printf("FAIL %s rows %u cols %u n %u [%u, %u): %d wrong\n", name, (unsigned)rows, (unsigned)cols, (unsigned)n,
               (unsigned)r0, (unsigned)r1, bad);
        failures++;
    }
}

/* Patterns: random weights and inputs; pattern 1 weights with -128 inputs, pattern 2 weights with 127 inputs,
 * pattern 3 weights with random inputs. */
static void test_gemm(gemm_fn fn, const byte_gemm_format *f, const char *name)
{
    static const uint32_t shapes[][3] = { { 1, 4, 1 }, { 4, 64, 3 }, { 5, 36, 2 }, { 9, 100, 5 }, { 8, 1024, 2 }, { 7, 128, 4 } };
    for (uint32_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const uint32_t rows = shapes[s][0], cols = shapes[s][1], n = shapes[s][2], x_stride = cols + 4 * (s % 3);
        for (int pattern = 0; pattern < 4; pattern++) {
            for (uint32_t k = 0; k < rows * f->row_bytes(cols); k++) w[k] = pattern == 0 ? (uint8_t)rnd() : f->pattern_byte(pattern);
            for (uint32_t k = 0; k < n * x_stride; k++)
                x[k] = pattern == 0 ? (int8_t)rnd() : pattern == 1 ? -128 : pattern == 2 ? 127 : (int8_t)rnd();
            check_gemm(fn, f, name, rows, cols, n, x_stride, 0, rows);
            const uint32_t r0 = rnd() % rows, r1 = r0 + 1 + rnd() % (rows - r0);
            check_gemm(fn, f, name, rows, cols, n, x_stride, r0, r1);
        }
    }
}

#endif
