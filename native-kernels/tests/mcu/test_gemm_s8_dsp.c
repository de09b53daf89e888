/* The DSP-extension GEMM (src/arm/gemm_s8_dsp.c) is bit-exact with the portable ni_gemm_s8_ref: random and extreme
 * values, every row count 1..13 (the 4-row blocks and the 1-row tail) at row offsets 0..2, 1..5 tokens, column
 * counts that exercise the 16-column unrolled loop, the 4-column tail and the 64-column passes, token strides wider
 * than a row, and weights/activations starting at unaligned addresses. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels.h"

#if !defined(__ARM_FEATURE_DSP)
#error "test_gemm_s8_dsp needs a target with the Arm DSP extension"
#endif

#define MAX_ROWS 40
#define MAX_COLS 516
#define MAX_TOKENS 5
#define ACC_STRIDE 44

static int8_t w_buf[MAX_ROWS * MAX_COLS + 4];
static int8_t x_buf[MAX_TOKENS * (MAX_COLS + 8) + 4];
static int32_t y_ref[MAX_TOKENS * ACC_STRIDE];
static int32_t y_dsp[MAX_TOKENS * ACC_STRIDE];

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

/* rows [r0, r1) of a (r1 x cols) matrix against n tokens `x_stride` bytes apart */
static int run_case(uint32_t r0, uint32_t r1, uint32_t cols, uint32_t n, uint32_t x_pad, uint32_t w_off,
                    uint32_t x_off, enum fill fw, enum fill fx)
{
    const uint32_t x_stride = cols + x_pad;
    int8_t *w = w_buf + w_off, *x = x_buf + x_off;
    for (uint32_t i = 0; i < r1 * cols; i++) w[i] = value(fw, i);
    for (uint32_t i = 0; i < n * x_stride; i++) x[i] = value(fx, i);
    const int32_t canary = (int32_t)0x5A5A5A5A;
    for (uint32_t i = 0; i < MAX_TOKENS * ACC_STRIDE; i++) y_ref[i] = y_dsp[i] = canary;
    ni_gemm_s8_ref(w, cols, x, x_stride, n, r0, r1, y_ref, ACC_STRIDE);
    ni_gemm_s8_dsp(w, cols, x, x_stride, n, r0, r1, y_dsp, ACC_STRIDE);
    for (uint32_t i = 0; i < MAX_TOKENS * ACC_STRIDE; i++) {
        if (y_ref[i] != y_dsp[i]) {
            printf("FAIL rows [%lu,%lu) cols=%lu n=%lu stride %lu w+%lu x+%lu fill %d/%d: acc[%lu] dsp %ld ref %ld%s\n",
                   (unsigned long)r0, (unsigned long)r1, (unsigned long)cols, (unsigned long)n, (unsigned long)x_stride,
                   (unsigned long)w_off, (unsigned long)x_off, (int)fw, (int)fx, (unsigned long)i, (long)y_dsp[i],
                   (long)y_ref[i], y_ref[i] == canary ? " (written outside the tile)" : "");
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
                uint32_t cols = col_counts[ci], r0 = off % 3, n = 1 + (rows + off) % MAX_TOKENS;
                if ((r0 + rows) * cols > MAX_ROWS * MAX_COLS) continue;
                failures += run_case(r0, r0 + rows, cols, n, 4 * (off & 1), off, (off * 3) & 3, FILL_RANDOM, FILL_RANDOM);
                cases++;
            }
    static const enum fill fills[] = {FILL_MIN, FILL_MAX, FILL_ALTERNATE, FILL_RANDOM};
    for (uint32_t a = 0; a < 4; a++)
        for (uint32_t b = 0; b < 4; b++) {
            failures += run_case(0, MAX_ROWS, 516, MAX_TOKENS, 0, 0, 0, fills[a], fills[b]);
            failures += run_case(1, 8, 132, 3, 4, 1, 2, fills[a], fills[b]);
            cases += 2;
        }
    for (int i = 0; i < 200; i++) { /* random shapes */
        uint32_t rows = 1 + lcg_next() % MAX_ROWS, cols = 4 * (1 + lcg_next() % (MAX_COLS / 4));
        uint32_t r0 = lcg_next() % rows, n = 1 + lcg_next() % MAX_TOKENS;
        if (rows - r0 > ACC_STRIDE) r0 = rows - ACC_STRIDE;
        failures += run_case(r0, rows, cols, n, 4 * (lcg_next() % 3), lcg_next() & 3, lcg_next() & 3, FILL_RANDOM,
                             FILL_RANDOM);
        cases++;
    }
    printf("gemm dsp vs ref: %d cases, %d failed\n", cases, failures);
    return failures ? 1 : 0;
}
