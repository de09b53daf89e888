/* The token-batched int8 GEMM on the target gives the values computed independently on the host: a fixed
 * pseudo-random 37 x 132 matrix against 3 tokens checked by FNV-1a hash plus two values, and element by element
 * against a naive int64 dot product in this file (a second implementation, sharing no code with the kernels); and
 * the extreme case -128 * -128 in every position (each output = 16384 * cols). Runs on every target (and on the
 * host), for both the reference and the dispatching kernel.
 *
 * The GOLDEN_* values come from gen_gemm_golden.py (python3, exact integers); the ctest gemm_golden_script
 * (tests/kernels) reruns it with --check on this file, so the script and these lines cannot drift apart. */
#include <stdint.h>
#include <stdio.h>
#include "nano_intent/ni_kernels.h"

#define GOLDEN_HASH 0x92277053u
#define GOLDEN_Y0 30248
#define GOLDEN_Y36 52854

#define ROWS 37
#define COLS 132
#define TOKENS 3

static int8_t w[ROWS * COLS];
static int8_t x[TOKENS * COLS];
static int32_t y[TOKENS * ROWS];

static uint32_t lcg_state;
static int8_t lcg_next(void)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (int8_t)(uint8_t)(lcg_state >> 24);
}

static uint32_t fnv1a(const int32_t *v, uint32_t n)
{
    uint32_t h = 0x811c9dc5u;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t u = (uint32_t)v[i];
        for (int k = 0; k < 4; k++) {
            h ^= (u >> (8 * k)) & 0xffu;
            h *= 0x01000193u;
        }
    }
    return h;
}

/* Row r of w x_t, one int64 product at a time: nothing in common with the kernels' int32 unrolled loops. */
static int64_t naive(uint32_t t, uint32_t r)
{
    int64_t acc = 0;
    for (uint32_t c = 0; c < COLS; c++) acc += (int64_t)w[r * COLS + c] * (int64_t)x[t * COLS + c];
    return acc;
}

typedef void (*gemm_fn)(const int8_t *, uint32_t, const int8_t *, uint32_t, uint32_t, uint32_t, uint32_t, int32_t *,
                        uint32_t);

static int check(const char *name, gemm_fn f)
{
    int failures = 0;
    lcg_state = 12345u;
    for (uint32_t i = 0; i < ROWS * COLS; i++) w[i] = lcg_next();
    for (uint32_t i = 0; i < TOKENS * COLS; i++) x[i] = lcg_next();
    f(w, COLS, x, COLS, TOKENS, 0, ROWS, y, ROWS);
    uint32_t h = fnv1a(y, TOKENS * ROWS);
    const int32_t y_last = y[(TOKENS - 1) * ROWS + 36];
    if (h != GOLDEN_HASH || y[0] != GOLDEN_Y0 || y_last != GOLDEN_Y36) {
        printf("FAIL %s random 37x132x3: hash 0x%08lx y[0][0]=%ld y[2][36]=%ld, expected 0x%08lx %ld %ld\n", name,
               (unsigned long)h, (long)y[0], (long)y_last, (unsigned long)GOLDEN_HASH, (long)GOLDEN_Y0, (long)GOLDEN_Y36);
        failures++;
    }
    for (uint32_t t = 0; t < TOKENS; t++)
        for (uint32_t r = 0; r < ROWS; r++) {
            if ((int64_t)y[t * ROWS + r] != naive(t, r)) {
                printf("FAIL %s random 37x132x3: y[%lu][%lu]=%ld, naive dot product %ld\n", name, (unsigned long)t,
                       (unsigned long)r, (long)y[t * ROWS + r], (long)naive(t, r));
                failures++;
                t = TOKENS;
                break;
            }
        }
    for (uint32_t i = 0; i < ROWS * COLS; i++) w[i] = -128;
    for (uint32_t i = 0; i < TOKENS * COLS; i++) x[i] = -128;
    f(w, COLS, x, COLS, TOKENS, 0, ROWS, y, ROWS);
    for (uint32_t i = 0; i < TOKENS * ROWS; i++) {
        if (y[i] != 16384 * COLS) {
            printf("FAIL %s -128*-128: y[%lu]=%ld, expected %ld\n", name, (unsigned long)i, (long)y[i],
                   (long)(16384 * COLS));
            failures++;
            break;
        }
    }
    return failures;
}

int main(void)
{
    int failures = check("ni_gemm_s8_ref", ni_gemm_s8_ref) + check("ni_gemm_s8", ni_gemm_s8);
    printf("gemm golden: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
