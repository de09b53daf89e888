/* Known-answer tests of the integer primitives and kernels (bit-exactness against the C# reference is tested
 * from xunit through the shared library, and model-level through the embedded test vectors). */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 12345u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8; }

static void test_rounding(void)
{
    CHECK(ni_round_shift(5, 1) == 3);    /* 2.5 -> 3 */
    CHECK(ni_round_shift(-5, 1) == -3);  /* -2.5 -> -3 (ties away from zero) */
    CHECK(ni_round_shift(-4, 1) == -2);
    CHECK(ni_round_shift(-7, 2) == -2);  /* -1.75 */
    CHECK(ni_round_shift(-6, 2) == -2);  /* -1.5 */
    CHECK(ni_round_shift(-5, 2) == -1);  /* -1.25 */
    CHECK(ni_round_shift(((int64_t)1 << 62) - 1, 62) == 1);
    CHECK(ni_div_round(7, 2) == 4);
    CHECK(ni_div_round(-7, 2) == -4);
    CHECK(ni_div_round(-5, 3) == -2);
    CHECK(ni_div_round(0, 9) == 0);
    ni_requant rq = { 1 << 30, 31 }; /* 0.5 */
    CHECK(ni_requant_s32(3, rq) == 2);
    CHECK(ni_requant_s32(-3, rq) == -2);
    ni_requant big = { 0x7fffffff, 1 };
    CHECK(ni_requant_s32(0x7fffffff, big) == INT32_MAX);
    CHECK(ni_requant_s32(-0x7fffffff - 1, big) == INT32_MIN);
}

static void test_isqrt(void)
{
    CHECK(ni_isqrt64(0) == 0);
    CHECK(ni_isqrt64(1) == 1);
    CHECK(ni_isqrt64(3) == 1);
    CHECK(ni_isqrt64(4) == 2);
    CHECK(ni_isqrt64(UINT64_MAX) == 0xffffffffu);
    for (int i = 0; i < 10000; i++) {
        uint64_t v = ((uint64_t)rnd() << 34) ^ ((uint64_t)rnd() << 10) ^ rnd();
        uint64_t r = ni_isqrt64(v);
        CHECK(r * r <= v && (r + 1) * (r + 1) > v);
    }
}

static void test_gemv(void)
{
    enum { R = 7, C = 36 };
    int8_t w[R * C], x[C];
    int32_t y[R];
    for (int i = 0; i < R * C; i++) w[i] = (int8_t)(rnd() & 0xff);
    for (int i = 0; i < C; i++) x[i] = (int8_t)(rnd() & 0xff);
    w[0] = -128; x[0] = -128;
    ni_gemv_s8(w, x, y, R, C);
    for (int r = 0; r < R; r++) {
        int32_t e = 0;
        for (int c = 0; c < C; c++) e += w[r * C + c] * x[c];
        CHECK(y[r] == e);
    }
}

static void test_requant_rows(void)
{
    int32_t acc[3] = { 1000000, -1000000, 10 };
    ni_int8_row_params p[3] = { { 0, 1 << 30, 31 }, { 0, 1 << 30, 31 }, { 5, 1 << 30, 31 } };
    int8_t out[3];
    ni_requant_rows_s8(acc, p, out, 3);
    CHECK(out[0] == 127 && out[1] == -128 && out[2] == 8); /* (10+5)/2 = 7.5 -> 8 */
}

static void test_layernorm(void)
{
    enum { N = 16 };
    int16_t x[N];
    ni_ln_param p[N];
    int8_t out[N];
    for (int i = 0; i < N; i++) { x[i] = 1234; p[i].gain = 40 << 16; p[i].bias = (i - 8) * 65536; }
    ni_layernorm_s16(x, p, N, out);
    for (int i = 0; i < N; i++) CHECK(out[i] == i - 8); /* all-equal row: output is beta */
    /* +-1 alternating: mean 0, std 1, so out = gain */
    for (int i = 0; i < N; i++) { x[i] = (int16_t)(i % 2 ? -1000 : 1000); p[i].bias = 0; p[i].gain = 40 << 16; }
    ni_layernorm_s16(x, p, N, out);
    for (int i = 0; i < N; i++) CHECK(out[i] == (i % 2 ? -40 : 40));
    for (int i = 0; i < N; i++) { x[i] = (int16_t)(i % 2 ? -32768 : 32767); p[i].gain = 1000 << 16; }
    ni_layernorm_s16(x, p, N, out);
    for (int i = 0; i < N; i++) CHECK(out[i] == (i % 2 ? -128 : 127)); /* saturation */
}

static void test_entropy(void)
{
    int32_t exp2_frac[256], log2_frac[256];
    /* Integer-only construction of the tables for the test: 2^(-k/256) and log2(1+k/256) by bisection-free
     * repeated squaring is overkill here; use the two entries the uniform cases touch. */
    memset(exp2_frac, 0, sizeof exp2_frac);
    memset(log2_frac, 0, sizeof log2_frac);
    exp2_frac[0] = 1 << 30;
    log2_frac[0] = 0;
    /* four equal logits: entropy = ln 4 = 2 ln 2 exactly representable as 2 * 45426 */
    int32_t logits[4] = { 5 << 16, 5 << 16, 5 << 16, 5 << 16 };
    CHECK(ni_entropy_q16(logits, 4, exp2_frac, log2_frac) == 2 * NI_LN2_Q16);
    /* one dominant logit (others 100 nats lower): entropy 0 */
    int32_t peaked[3] = { 50 << 16, -(50 << 16), -(50 << 16) };
    CHECK(ni_entropy_q16(peaked, 3, exp2_frac, log2_frac) == 0);
}

int main(void)
{
    test_rounding();
    test_isqrt();
    test_gemv();
    test_requant_rows();
    test_layernorm();
    test_entropy();
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("kernels: all passed\n");
    return 0;
}
