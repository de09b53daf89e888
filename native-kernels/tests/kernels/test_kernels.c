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

static void fill(int8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++) p[i] = (int8_t)(rnd() & 0xff);
}

/* The token-batched GEMM (ni_gemm_s8: the DSP kernel where it is built, and the portable reference) against a naive
 * triple loop, over row ranges, token counts, strides and every column count shape the kernels special-case. */
static void test_gemm(void)
{
    enum { R = 13, C = 200, N = 7, XS = 204, AS = 16 };
    static int8_t w[R * C], x[N * XS];
    static int32_t acc[N * AS], ref[N * AS];
    static const uint32_t cols[] = { 4, 8, 12, 16, 60, 64, 68, 132, 200 };
    fill(w, sizeof w);
    fill(x, sizeof x);
    w[0] = -128; x[0] = -128;
    for (uint32_t ci = 0; ci < sizeof cols / sizeof cols[0]; ci++)
        for (uint32_t n = 1; n <= N; n += 3)
            for (uint32_t r0 = 0; r0 < 3; r0++)
                for (uint32_t r1 = r0 + 1; r1 <= R && r1 - r0 <= AS; r1 += 4) {
                    uint32_t c = cols[ci];
                    for (uint32_t t = 0; t < n; t++)
                        for (uint32_t r = r0; r < r1; r++) {
                            int32_t e = 0;
                            for (uint32_t k = 0; k < c; k++) e += w[r * c + k] * x[t * XS + k];
                            ref[t * AS + (r - r0)] = e;
                        }
                    memset(acc, 0x55, sizeof acc);
                    ni_gemm_s8(w, c, x, XS, n, r0, r1, acc, AS);
                    for (uint32_t t = 0; t < n; t++)
                        for (uint32_t r = r0; r < r1; r++) CHECK(acc[t * AS + (r - r0)] == ref[t * AS + (r - r0)]);
                    memset(acc, 0x55, sizeof acc);
                    ni_gemm_s8_ref(w, c, x, XS, n, r0, r1, acc, AS);
                    for (uint32_t t = 0; t < n; t++)
                        for (uint32_t r = r0; r < r1; r++) CHECK(acc[t * AS + (r - r0)] == ref[t * AS + (r - r0)]);
                }
}

static void wr32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }
static void wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static void test_requant_tile(void)
{
    /* three INT8_ROW rows {bias, multiplier, shift}: 0.5, 0.5, 0.5 with bias 5 on row 2 */
    static uint32_t pw[9];
    uint8_t *p = (uint8_t *)pw;
    int8_t data[3 * 4] = { 0 };
    for (int r = 0; r < 3; r++) { wr32(p + 12 * r, r == 2 ? 5 : 0); wr32(p + 12 * r + 4, 1u << 30); wr32(p + 12 * r + 8, 31); }
    const ni_tensor t = { NI_ENC_INT8_ROW, (const uint8_t *)data, p, 12, 36, 3, 4 };
    int32_t acc[2 * 3] = { 1000000, -1000000, 10, 1, -3, -11 };
    int8_t out[2 * 4];
    memset(out, 0x77, sizeof out);
    ni_requant_tile_s8(&t, 0, 3, acc, 3, 2, out, 4);
    CHECK(out[0] == 127 && out[1] == -128 && out[2] == 8); /* (10+5)/2 = 7.5 -> 8 */
    CHECK(out[4] == 1 && out[5] == -2 && out[6] == -3);    /* 0.5 -> 1, -1.5 -> -2, (-11+5)/2 = -3 */
    CHECK(out[3] == 0x77 && out[7] == 0x77);               /* the stride's gap is untouched */
    /* rows 1..2 only, and the int16 residual variant in place: res 100 * 0.5 + acc/2 */
    int16_t io[2 * 3] = { 9, 100, -100, 9, 7, 8 };
    ni_requant_tile_add_s16(&t, 1, 3, acc, 3, 2, (ni_requant){ 1 << 30, 31 }, io, 3);
    CHECK(io[0] == 9 && io[3] == 9);                       /* row 0 not in the tile */
    /* the tile's acc rows are relative to r0 = 1: token 0 gets acc[0], acc[1], token 1 acc[3], acc[4] */
    CHECK(io[1] == 32767 && io[2] == -32768);              /* 500000 + 50, (-1e6+5)/2 - 50: saturated */
    CHECK(io[4] == 1 + 4 && io[5] == 1 + 4);               /* 0.5 -> 1, 3.5 -> 4; (-3+5)/2, 8/2 */
    int32_t logits[3];
    ni_requant_tile_logits(&t, 0, 3, acc, logits);
    CHECK(logits[0] == 500000 && logits[1] == -500000 && logits[2] == 8);
}

/* NI_ENC_BINARY through the encoding table: sizes, validate (shape limits and the params header), row params,
 * input packing (whole words and partial tiles), the GEMM against sum_c w*b and the embedding rows. */
static void test_binary_encoding(void)
{
    enum { ROWS = 5, COLS = 96, W = COLS / 32, N = 3 };
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_BINARY);
    CHECK(e != NULL && e->id == NI_ENC_BINARY && ni_encoding_find(NI_ENC_INT8_ROW)->id == NI_ENC_INT8_ROW);
    for (uint8_t id = 3; id < 255; id++)
        CHECK(ni_encoding_find(id) == NULL || id == NI_ENC_BINARY_EMBED || id == NI_ENC_BINARY_SIGN || id == NI_ENC_BINARY_S8 ||
              id == NI_ENC_ADAPTIVFLOAT || id == NI_ENC_GOBO3 || id == NI_ENC_INT8_SPARSE_EMBED || id == NI_ENC_INT4 || id == NI_ENC_IPQ ||
              id == NI_ENC_INT8_SPARSE || id == NI_ENC_INT8_2OF4);
    CHECK(ni_encoding_find(0) == NULL);
    uint32_t dl = 0, pl = 0;
    CHECK(e->sizes(ROWS, COLS, &dl, &pl) && dl == ROWS * COLS / 8 && pl == 16 + 4 * ROWS);
    CHECK(!e->sizes(0x40000000u, 1024, &dl, &pl)); /* overflows 32 bits */
    static uint32_t pw[(16 + 4 * ROWS) / 4], data[ROWS * W];
    uint8_t *p = (uint8_t *)pw;
    memset(p, 0, sizeof pw);
    wr32(p, (uint32_t)-3); wr32(p + 4, 10);
    for (int r = 0; r < ROWS; r++) { wr16(p + 16 + 4 * r, (uint32_t)(r * 7 - 20)); wr16(p + 18 + 4 * r, 1000u + 9000u * r); }
    CHECK(e->validate(p, pl, ROWS, COLS));
    CHECK(!e->validate(p, pl, ROWS, 48));         /* cols not a multiple of 32 */
    CHECK(!e->validate(p, pl, ROWS, 1056));       /* cols > 1024 */
    CHECK(!e->validate(p, pl - 4, ROWS, COLS));   /* params length */
    CHECK(!e->validate(NULL, pl, ROWS, COLS));
    wr32(p + 4, 63); CHECK(!e->validate(p, pl, ROWS, COLS)); wr32(p + 4, 10);
    wr32(p, 128); CHECK(!e->validate(p, pl, ROWS, COLS)); wr32(p, (uint32_t)-3);
    wr32(p + 12, 1); CHECK(!e->validate(p, pl, ROWS, COLS)); wr32(p + 12, 0);
    for (int i = 0; i < ROWS * W; i++) data[i] = rnd() ^ (rnd() << 16);
    const ni_tensor t = { NI_ENC_BINARY, (const uint8_t *)data, p, dl, pl, ROWS, COLS };
    CHECK(ni_tensor_check_params(&t) == NI_OK);
    ni_int8_row_params rp = e->row_params(&t, 4);
    CHECK(rp.bias == 8 && rp.multiplier == 37000 && rp.shift == 10);
    CHECK(e->row_params(&t, 0).bias == -20);
    /* packing: x >= -3 is +1 */
    static int8_t x[N * COLS];
    static uint32_t xb[N * W], xb2[N * W];
    fill(x, sizeof x);
    x[0] = -3; x[1] = -4;
    CHECK(e->input_bytes(COLS) == COLS / 8 && e->pack_input != NULL);
    for (int k = 0; k < N; k++) e->pack_input(&t, x + k * COLS, 0, COLS, (uint8_t *)(xb + k * W));
    CHECK((xb[0] & 3u) == 1u);
    memset(xb2, 0xA5, sizeof xb2);
    for (int k = 0; k < N; k++) /* tiles of 12 columns, each covering part of a word */
        for (uint32_t c0 = 0; c0 < COLS; c0 += 12) e->pack_input(&t, x + k * COLS + c0, c0, 12, (uint8_t *)(xb2 + k * W));
    CHECK(memcmp(xb, xb2, sizeof xb) == 0);
    /* the GEMM: acc = sum_c w*b with w, b in {-1, +1} */
    int32_t acc[N * 8];
    e->gemm(&t, (const uint8_t *)xb, COLS / 8, N, 1, 5, acc, 8);
    for (int k = 0; k < N; k++)
        for (int r = 1; r < 5; r++) {
            int32_t s = 0;
            for (int c = 0; c < COLS; c++) {
                int wv = (data[r * W + c / 32] >> (c % 32) & 1u) ? 1 : -1, bv = x[k * COLS + c] >= -3 ? 1 : -1;
                s += wv * bv;
            }
            CHECK(acc[k * 8 + (r - 1)] == s);
        }
    /* embedding rows: +-round_shift(M_r, s) */
    int64_t sum[COLS];
    memset(sum, 0, sizeof sum);
    e->embed_add(&t, 2, sum);
    e->embed_add(&t, 2, sum);
    int64_t v = ni_round_shift(1000 + 9000 * 2, 10); /* 19000 / 1024 = 18.55 -> 19 */
    CHECK(v == 19);
    for (int c = 0; c < COLS; c++) CHECK(sum[c] == ((data[2 * W + c / 32] >> (c % 32) & 1u) ? 2 * v : -2 * v));
}

/* NI_ENC_BINARY_EMBED through the encoding table: sizes, validate (shape, header), row params, the embedding rows
 * +-(m_r << k), and no GEMM traits (the model rules keep it off GEMM operands). */
static void test_binary_embed_encoding(void)
{
    enum { ROWS = 6, COLS = 64, W = COLS / 32 };
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_BINARY_EMBED);
    CHECK(e != NULL && e->id == NI_ENC_BINARY_EMBED && e->embed_add != NULL);
    CHECK(e->gemm == NULL && e->pack_input == NULL && e->input_bytes == NULL && e->acc_bound == NULL && e->input_threshold == NULL);
    uint32_t dl = 0, pl = 0;
    CHECK(e->sizes(ROWS, COLS, &dl, &pl) && dl == ROWS * COLS / 8 && pl == 8 + ROWS);
    CHECK(!e->sizes(0x40000000u, 1024, &dl, &pl)); /* overflows 32 bits */
    static uint32_t pw[4], data[ROWS * W];
    uint8_t *p = (uint8_t *)pw;
    memset(p, 0, sizeof pw);
    wr32(p, 5);
    static const uint8_t mag[ROWS] = { 0, 1, 128, 200, 255, 77 };
    memcpy(p + 8, mag, ROWS);
    CHECK(e->validate(p, pl, ROWS, COLS));
    CHECK(!e->validate(p, pl, ROWS, 48));         /* cols not a multiple of 32 */
    CHECK(!e->validate(p, pl, ROWS, 1056));       /* cols > 1024 */
    CHECK(!e->validate(p, pl + 1, ROWS, COLS));   /* params length */
    CHECK(!e->validate(p, pl - 1, ROWS, COLS));
    CHECK(!e->validate(NULL, pl, ROWS, COLS));
    wr32(p, 8); CHECK(!e->validate(p, pl, ROWS, COLS));
    wr32(p, (uint32_t)-1); CHECK(!e->validate(p, pl, ROWS, COLS));
    wr32(p, 7); CHECK(e->validate(p, pl, ROWS, COLS));
    wr32(p, 0); CHECK(e->validate(p, pl, ROWS, COLS));
    wr32(p, 5);
    p[6] = 1; CHECK(!e->validate(p, pl, ROWS, COLS)); p[6] = 0;
    for (int i = 0; i < ROWS * W; i++) data[i] = rnd() ^ (rnd() << 16);
    const ni_tensor t = { NI_ENC_BINARY_EMBED, (const uint8_t *)data, p, dl, pl, ROWS, COLS };
    CHECK(ni_tensor_check_params(&t) == NI_OK);
    for (int r = 0; r < ROWS; r++) {
        /* row params state the same value through the INT8_ROW formula: round_shift(+-M, s) = +-(m << 5) */
        ni_int8_row_params rp = e->row_params(&t, (uint32_t)r);
        CHECK(rp.bias == 0 && ni_round_shift(rp.multiplier, rp.shift) == (int64_t)mag[r] << 5);
        CHECK(ni_round_shift(-(int64_t)rp.multiplier, rp.shift) == -((int64_t)mag[r] << 5));
        int64_t sum[COLS];
        for (int c = 0; c < COLS; c++) sum[c] = 1000 * c;
        e->embed_add(&t, (uint32_t)r, sum);
        for (int c = 0; c < COLS; c++) {
            int64_t v = (int64_t)mag[r] * 32;
            CHECK(sum[c] == 1000 * c + ((data[r * W + c / 32] >> (c % 32) & 1u) ? v : -v));
        }
    }
}

/* NI_ENC_BINARY_S8 through the encoding table: sizes, validate, row params, the packed input (group tables, built
 * whole or tile by tile), the GEMM against sum_c w*x over int8 x, no embedding rows, not a bit input. */
static void test_binary_s8_encoding(void)
{
    enum { ROWS = 5, COLS = 64, W = COLS / 32, N = 2 };
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_BINARY_S8);
    CHECK(e != NULL && e->id == NI_ENC_BINARY_S8 && e->embed_add == NULL && e->pack_input != NULL && e->gemm != NULL);
    uint32_t dl = 0, pl = 0;
    CHECK(e->sizes(ROWS, COLS, &dl, &pl) && dl == ROWS * COLS / 8 && pl == 8 + 4 * ROWS);
    CHECK(!e->sizes(0x40000000u, 1024, &dl, &pl));
    static uint32_t pw[(8 + 4 * ROWS) / 4], data[ROWS * W];
    uint8_t *p = (uint8_t *)pw;
    memset(p, 0, sizeof pw);
    wr32(p, 17);
    for (int r = 0; r < ROWS; r++) { wr16(p + 8 + 4 * r, (uint32_t)(r * 1000 - 2000)); wr16(p + 10 + 4 * r, 40000u + r); }
    CHECK(e->validate(p, pl, ROWS, COLS));
    CHECK(!e->validate(p, pl, ROWS, 48));
    CHECK(!e->validate(p, pl, ROWS, 1056));
    CHECK(!e->validate(p, pl + 4, ROWS, COLS));
    CHECK(!e->validate(NULL, pl, ROWS, COLS));
    wr32(p, 0); CHECK(!e->validate(p, pl, ROWS, COLS));
    wr32(p, 63); CHECK(!e->validate(p, pl, ROWS, COLS));
    wr32(p, 62); CHECK(e->validate(p, pl, ROWS, COLS)); wr32(p, 17);
    wr32(p + 4, 1); CHECK(!e->validate(p, pl, ROWS, COLS)); wr32(p + 4, 0);
    for (int i = 0; i < ROWS * W; i++) data[i] = rnd() ^ (rnd() << 16);
    const ni_tensor t = { NI_ENC_BINARY_S8, (const uint8_t *)data, p, dl, pl, ROWS, COLS };
    CHECK(ni_tensor_check_params(&t) == NI_OK);
    ni_int8_row_params rp = e->row_params(&t, 4);
    CHECK(rp.bias == 2000 && rp.multiplier == 40004 && rp.shift == 17 && e->row_params(&t, 0).bias == -2000);
    int32_t thr;
    CHECK(e->input_threshold(&t, &thr) == 0 && e->acc_bound(COLS) == 128u * COLS);
    static int8_t x[N * COLS];
    static int16_t tab[N * COLS * 4], tab2[N * COLS * 4];
    fill(x, sizeof x);
    x[0] = -128; x[1] = 127;
    CHECK(e->input_bytes(COLS) == 8u * COLS);
    for (int k = 0; k < N; k++) e->pack_input(&t, x + k * COLS, 0, COLS, (uint8_t *)(tab + k * COLS * 4));
    memset(tab2, 0xA5, sizeof tab2);
    for (int k = 0; k < N; k++) /* tiles of 8 columns (two groups) */
        for (uint32_t c0 = 0; c0 < COLS; c0 += 8) e->pack_input(&t, x + k * COLS + c0, c0, 8, (uint8_t *)(tab2 + k * COLS * 4));
    CHECK(memcmp(tab, tab2, sizeof tab) == 0);
    int32_t acc[N * 8];
    e->gemm(&t, (const uint8_t *)tab, 8u * COLS, N, 1, 5, acc, 8);
    for (int k = 0; k < N; k++)
        for (int r = 1; r < 5; r++) {
            int32_t s = 0;
            for (int c = 0; c < COLS; c++) s += ((data[r * W + c / 32] >> (c % 32) & 1u) ? 1 : -1) * x[k * COLS + c];
            CHECK(acc[k * 8 + (r - 1)] == s);
        }
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
    /* the largest normalized element the bound allows (one outlier in 1024, d / std = 31.98, docs/numerics.md):
     * the products stay in range (the sanitizer build checks) and the rest of the row is -0.03 -> 0 */
    static int16_t wide[1024];
    static ni_ln_param unit[1024];
    static int8_t wout[1024];
    for (int i = 0; i < 1024; i++) { wide[i] = (int16_t)(i == 0 ? 32767 : -32768); unit[i].gain = 1 << 16; unit[i].bias = 0; }
    ni_layernorm_s16(wide, unit, 1024, wout);
    CHECK(wout[0] == 32);
    for (int i = 1; i < 1024; i++) CHECK(wout[i] == 0);
}

/* docs/numerics.md's LayerNorm written out with the variance in two passes (sum((x - mean)^2)), against the kernel's
 * one pass, on random rows, rows at the int16 ends and one-outlier rows of every length up to 1024 */
static int8_t ln_definition(const int16_t *x, uint32_t n, uint32_t i, ni_ln_param p)
{
    int64_t sum = 0, ss = 0;
    for (uint32_t j = 0; j < n; j++) sum += x[j];
    const int64_t mean = ni_div_round(sum, n);
    for (uint32_t j = 0; j < n; j++) ss += (x[j] - mean) * (x[j] - mean);
    uint32_t sigma = ni_isqrt64(((uint64_t)ss << 16) / n);
    if (sigma == 0) sigma = 1;
    int32_t e = 0;
    while ((sigma >> (e + 1)) != 0) e++;
    const int64_t inv = ni_div_round((int64_t)1 << (30 + e), sigma);
    const int64_t xn = ni_round_shift((x[i] - mean) * inv, e + 2);
    return ni_sat8(ni_round_shift(xn * p.gain + (int64_t)p.bias * ((int64_t)1 << 20), 36));
}

static void test_layernorm_variance(void)
{
    static int16_t x[1024];
    static ni_ln_param p[1024];
    static int8_t out[1024];
    uint32_t seed = 7u;
    for (int c = 0; c < 60; c++) {
        const uint32_t n = c % 3 == 0 ? 1024u : 1u + (uint32_t)(c * 37) % 1024u;
        for (uint32_t i = 0; i < n; i++) {
            seed = seed * 1664525u + 1013904223u;
            const int32_t r = (int32_t)(seed >> 16) - 32768;
            x[i] = (int16_t)(c % 4 == 0 ? (i == 0 ? 32767 : -32768) : c % 4 == 1 ? (i % 2 ? 32767 : -32768)
                             : c % 4 == 2 ? r : r / 256 + 3000);
            p[i].gain = (int32_t)(seed % 4000000u) - 2000000;
            p[i].bias = (int32_t)(seed >> 8) % 9000000 - 4500000;
        }
        ni_layernorm_s16(x, p, n, out);
        for (uint32_t i = 0; i < n; i++) CHECK(out[i] == ln_definition(x, n, i, p[i]));
    }
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
    test_gemm();
    test_requant_tile();
    test_binary_encoding();
    test_binary_embed_encoding();
    test_binary_s8_encoding();
    test_layernorm();
    test_layernorm_variance();
    test_entropy();
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("kernels: all passed\n");
    return 0;
}
