/* The DSP-extension GEMV (src/arm/gemv_s8_dsp.c) is bit-exact with the portable ni_gemv_s8_ref: random and extreme
 * values, every row count 1..13 (the 4-row blocks and the 1-row tail), column counts that exercise the 16-column
 * unrolled loop and the 4-column tail, and rows/vectors starting at unaligned addresses. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels.h"

#if !defined(__ARM_FEATURE_DSP)
#error "test_gemv_s8_dsp needs a target with the Arm DSP extension"
#endif

#define MAX_ROWS 40
#define MAX_COLS 516

static int8_t w_buf[MAX_ROWS * MAX_COLS + 4];
static int8_t x_buf[MAX_COLS + 4];
static int32_t y_ref[MAX_ROWS + 1];
static int32_t y_dsp[MAX_ROWS + 1];

static uint32_t lcg_state = 0x2545F491u;
static uint32_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return lcg_state;
}

enum fill { FILL_RANDOM, FILL_MIN, FILL_MAX, FILL_ALTERNATE };

static int8_t value(enum fill f, uint32_t i)
{
    switch (f) {
    case FILL_MIN: return -128;
    case FILL_MAX: return 127;
    case FILL_ALTERNATE: return (i & 1) ? 127 : -128;
    default: return (int8_t)(uint8_t)(lcg_next() >> 24);
    }
}

static int run_case(uint32_t rows, uint32_t cols, uint32_t w_off, uint32_t x_off, enum fill fw, enum fill fx)
{
    int8_t *w = w_buf + w_off, *x = x_buf + x_off;
    for (uint32_t i = 0; i < rows * cols; i++) w[i] = value(fw, i);
    for (uint32_t i = 0; i < cols; i++) x[i] = value(fx, i);
    const int32_t canary = (int32_t)0x5A5A5A5A;
    for (uint32_t r = 0; r <= rows; r++) y_ref[r] = y_dsp[r] = canary;
    ni_gemv_s8_ref(w, x, y_ref, rows, cols);
    ni_gemv_s8_dsp(w, x, y_dsp, rows, cols);
    if (y_dsp[rows] != canary) {
        printf("FAIL rows=%lu cols=%lu: wrote past y[rows-1]\n", (unsigned long)rows, (unsigned long)cols);
        return 1;
    }
    for (uint32_t r = 0; r < rows; r++) {
        if (y_ref[r] != y_dsp[r]) {
            printf("FAIL rows=%lu cols=%lu w+%lu x+%lu fill %d/%d: y[%lu] dsp %ld ref %ld\n", (unsigned long)rows,
                   (unsigned long)cols, (unsigned long)w_off, (unsigned long)x_off, (int)fw, (int)fx,
                   (unsigned long)r, (long)y_dsp[r], (long)y_ref[r]);
            return 1;
        }
    }
    return 0;
}

int main(void)
{
    static const uint32_t col_counts[] = {4, 8, 12, 16, 20, 28, 32, 36, 44, 60, 64, 68, 128, 132, 512, 516};
    int failures = 0, cases = 0;
    for (uint32_t rows = 1; rows <= 13; rows++)
        for (uint32_t ci = 0; ci < sizeof col_counts / sizeof col_counts[0]; ci++)
            for (uint32_t off = 0; off < 4; off++) {
                uint32_t cols = col_counts[ci];
                if (rows * cols > MAX_ROWS * MAX_COLS) continue;
                failures += run_case(rows, cols, off, (off * 3) & 3, FILL_RANDOM, FILL_RANDOM);
                cases++;
            }
    static const enum fill fills[] = {FILL_MIN, FILL_MAX, FILL_ALTERNATE, FILL_RANDOM};
    for (uint32_t a = 0; a < 4; a++)
        for (uint32_t b = 0; b < 4; b++) {
            failures += run_case(MAX_ROWS, MAX_COLS, 0, 0, fills[a], fills[b]);
            failures += run_case(7, 132, 1, 2, fills[a], fills[b]);
            cases += 2;
        }
    for (int i = 0; i < 200; i++) { /* random shapes */
        uint32_t rows = 1 + lcg_next() % MAX_ROWS, cols = 4 * (1 + lcg_next() % (MAX_COLS / 4));
        failures += run_case(rows, cols, lcg_next() & 3, lcg_next() & 3, FILL_RANDOM, FILL_RANDOM);
        cases++;
    }
    printf("gemv dsp vs ref: %d cases, %d failed\n", cases, failures);
    return failures ? 1 : 0;
}
