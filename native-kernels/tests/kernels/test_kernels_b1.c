/* The 1-bit kernels (ni_kernels_b1.h) against a naive definition written here element by element in +-1
 * arithmetic: bit-packing, every GEMM variant built for this target (portable SWAR, the dispatch, the Arm DSP asm,
 * x86 POPCNT) and Bi-Attention, on random and edge inputs (all ones, all zeros, w = x and w = ~x, threshold
 * extremes, n = 1 / 32 / 33 / 512, partial row ranges, strides wider than the data), and the GEMM of 1-bit weights
 * over int8 inputs (ni_b1s8_*: -128 / 127 / 0 inputs, all-ones and all-zeros rows). Every write outside the
 * documented outputs is caught by guard values. Runs on the host and, cross-built, under QEMU (tests/mcu). */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels_b1.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)
/* Reports the first few mismatches of a case in detail, then counts the rest. */
#define CHECK_EQ(got, want, what, a, b, c)                                                                    \
    do {                                                                                                        \
        long g_ = (long)(got), w_ = (long)(want);                                                               \
        if (g_ != w_) {                                                                                         \
            if (failures < 20) printf("FAIL %s (%ld, %ld, %ld): got %ld, want %ld\n", what, (long)(a), (long)(b), (long)(c), g_, w_); \
            failures++;                                                                                         \
        }                                                                                                       \
    } while (0)

static uint32_t rng_state = 20240611u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state; }
static uint32_t rnd_word(void) { return (rnd() >> 16) | (rnd() & 0xFFFF0000u); }

/* +1 when bit c of the vector is set, -1 when clear: the meaning the kernels must implement. */
static int pm1(const uint32_t *v, uint32_t c) { return (v[c / 32] >> (c % 32)) & 1u ? 1 : -1; }

enum pattern { P_RANDOM, P_ZEROS, P_ONES, P_EQUAL, P_OPPOSITE, P_SPARSE, P_COUNT };

#define GUARD_WORD 0x5A5A5A5Au
#define GUARD_ACC ((int32_t)0x7EADBEEF)

/* ---- packing ---- */

static void test_pack(void)
{
    static int8_t x[1024 + 8];
    static uint32_t bits[32 + 2];
    static const int32_t thresholds[] = { -128, 127, 0, 1, -1, 55, -77, 128, -129 };
    static const uint32_t cols_list[] = { 32, 64, 96, 128, 384, 1024 };
    for (uint32_t ci = 0; ci < sizeof cols_list / sizeof cols_list[0]; ci++) {
        uint32_t cols = cols_list[ci];
        for (int pat = 0; pat < 4; pat++) {
            for (uint32_t c = 0; c < cols; c++) {
                int v = (int)(rnd() >> 24) - 128;
                x[c] = (int8_t)(pat == 0 ? v : pat == 1 ? -128 : pat == 2 ? 127 : (c % 3 == 0 ? 127 : -128));
            }
            for (uint32_t ti = 0; ti < sizeof thresholds / sizeof thresholds[0]; ti++) {
                int32_t thr = thresholds[ti];
                for (uint32_t k = 0; k < 34; k++) bits[k] = GUARD_WORD;
                ni_b1_pack_s8(x, cols, thr, bits);
                for (uint32_t c = 0; c < cols; c++)
                    CHECK_EQ(pm1(bits, c), x[c] >= thr ? 1 : -1, "pack", cols, thr, c);
                CHECK(bits[cols / 32] == GUARD_WORD);
            }
        }
    }
    /* activations at any byte offset (the word loads must not assume alignment) */
    for (uint32_t off = 1; off < 4; off++) {
        for (uint32_t c = 0; c < 96 + off; c++) x[c] = (int8_t)((int)(rnd() >> 24) - 128);
        for (uint32_t ti = 0; ti < sizeof thresholds / sizeof thresholds[0]; ti++) {
            ni_b1_pack_s8(x + off, 96, thresholds[ti], bits);
            for (uint32_t c = 0; c < 96; c++)
                CHECK_EQ(pm1(bits, c), x[off + c] >= thresholds[ti] ? 1 : -1, "pack unaligned", off, thresholds[ti], c);
        }
    }
    /* the extremes decide all or nothing */
    for (uint32_t c = 0; c < 64; c++) x[c] = (int8_t)(c % 2 ? 127 : -128);
    ni_b1_pack_s8(x, 64, -128, bits);
    CHECK(bits[0] == 0xFFFFFFFFu && bits[1] == 0xFFFFFFFFu);
    ni_b1_pack_s8(x, 64, 127, bits);
    CHECK(bits[0] == 0xAAAAAAAAu && bits[1] == 0xAAAAAAAAu);
}

/* ---- GEMM ---- */

typedef void (*gemm_fn)(const uint32_t *, uint32_t, const uint32_t *, uint32_t, uint32_t, uint32_t, uint32_t,
                        int32_t *, uint32_t);
typedef struct { const char *name; gemm_fn fn; } gemm_variant;

static gemm_variant variants[4];
static uint32_t n_variants;

static void init_variants(void)
{
    variants[n_variants++] = (gemm_variant){ "swar", ni_b1_gemm_swar };
    variants[n_variants++] = (gemm_variant){ "dispatch", ni_b1_gemm };
#ifdef NI_HAVE_B1_GEMM_DSP
    variants[n_variants++] = (gemm_variant){ "dsp", ni_b1_gemm_dsp };
#endif
#ifdef NI_HAVE_B1_POPCNT_X86
    if (ni_b1_have_popcnt_x86()) variants[n_variants++] = (gemm_variant){ "popcnt", ni_b1_gemm_popcnt };
#endif
    printf("gemm variants:");
    for (uint32_t i = 0; i < n_variants; i++) printf(" %s", variants[i].name);
    printf("\n");
}

#define W_MAX 2048u
#define X_MAX 4096u
#define ACC_MAX 4096u
static uint32_t gw[W_MAX], gx[X_MAX];
static int32_t gacc[ACC_MAX];

static void fill_gemm(uint32_t rows, uint32_t words, uint32_t n, uint32_t xs, int pat)
{
    for (uint32_t i = 0; i < rows * words; i++) gw[i] = pat == P_ZEROS ? 0u : pat == P_ONES ? 0xFFFFFFFFu : rnd_word();
    for (uint32_t t = 0; t < n; t++) {
        for (uint32_t k = 0; k < xs; k++) {
            uint32_t v;
            if (k >= words) v = GUARD_WORD; /* stride padding: must not be read into any result */
            else if (pat == P_ZEROS) v = 0u;
            else if (pat == P_ONES) v = 0xFFFFFFFFu;
            else if (pat == P_EQUAL) v = gw[(t % rows) * words + k];
            else if (pat == P_OPPOSITE) v = ~gw[(t % rows) * words + k];
            else if (pat == P_SPARSE) v = rnd_word() & rnd_word() & rnd_word();
            else v = rnd_word();
            gx[t * xs + k] = v;
        }
    }
}

static int32_t naive_dot(const uint32_t *wr, const uint32_t *xt, uint32_t cols)
{
    int32_t s = 0;
    for (uint32_t c = 0; c < cols; c++) s += pm1(wr, c) * pm1(xt, c);
    return s;
}

static void gemm_case(uint32_t rows, uint32_t words, uint32_t n, uint32_t r0, uint32_t r1, uint32_t xs, uint32_t as,
                      int pat)
{
    if (rows * words > W_MAX || n * xs > X_MAX || n * as > ACC_MAX || xs < words || as < r1 - r0) {
        printf("FAIL gemm case rows %u words %u n %u does not fit the test buffers\n", (unsigned)rows,
               (unsigned)words, (unsigned)n);
        failures++;
        return;
    }
    fill_gemm(rows, words, n, xs, pat);
    for (uint32_t v = 0; v < n_variants; v++) {
        uint32_t span = n * as;
        for (uint32_t i = 0; i < span + 1 && i < ACC_MAX; i++) gacc[i] = GUARD_ACC;
        variants[v].fn(gw, words, gx, xs, n, r0, r1, gacc, as);
        for (uint32_t t = 0; t < n; t++) {
            for (uint32_t j = 0; j < as; j++) {
                int32_t got = gacc[t * as + j];
                if (j < r1 - r0) {
                    int32_t want = naive_dot(gw + (r0 + j) * words, gx + t * xs, 32u * words);
                    CHECK_EQ(got, want, variants[v].name, r0 + j, t, words);
                    if (pat == P_EQUAL && (t % rows) == r0 + j) CHECK(got == (int32_t)(32u * words));
                    if (pat == P_OPPOSITE && (t % rows) == r0 + j) CHECK(got == -(int32_t)(32u * words));
                } else {
                    CHECK_EQ(got, GUARD_ACC, "gemm wrote outside its rows", v, t, j);
                }
            }
        }
        if (span < ACC_MAX) CHECK_EQ(gacc[span], GUARD_ACC, "gemm wrote past the last token", v, n, as);
    }
}

static void test_gemm(void)
{
    static const uint32_t words_list[] = { 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 16, 32 };
    static const uint32_t n_list[] = { 1, 2, 16, 31, 32, 33 };
    for (uint32_t wi = 0; wi < sizeof words_list / sizeof words_list[0]; wi++) {
        uint32_t words = words_list[wi];
        for (uint32_t ni = 0; ni < sizeof n_list / sizeof n_list[0]; ni++) {
            uint32_t n = n_list[ni];
            for (int pat = 0; pat < P_COUNT; pat++) {
                uint32_t rows = 7;
                gemm_case(rows, words, n, 0, rows, words, rows, pat);              /* every row, dense */
                gemm_case(rows, words, n, 2, 5, words + 1, 4, pat);                /* partial tile, wider strides */
                gemm_case(rows, words, n, 6, 7, words + 3, 1, pat);                /* the last row alone */
            }
        }
    }
    /* 512 tokens (the longest utterance), row tiles of the SNIPS shapes */
    gemm_case(6, 4, 512, 1, 5, 4, 4, P_RANDOM);
    gemm_case(5, 3, 512, 0, 5, 3, 8, P_RANDOM);
    gemm_case(3, 12, 320, 0, 3, 12, 3, P_RANDOM);
    gemm_case(2, 32, 64, 0, 2, 33, 2, P_OPPOSITE);
    gemm_case(2, 4, 512, 0, 2, 4, 2, P_OPPOSITE);
    gemm_case(40, 4, 32, 3, 40, 4, 37, P_RANDOM);                                  /* 128 x 128 tile of 37 rows */
    for (uint32_t n = 1; n <= 5; n++) /* 4-word rows, tokens back to back (the Arm tile kernel): odd and even n */
        for (int pat = 0; pat < P_COUNT; pat++) gemm_case(9, 4, n, 2, 7, 4, 6, pat);
    gemm_case(3, 0, 4, 0, 3, 0, 3, P_RANDOM);                                      /* no columns: all zero */
    for (uint32_t v = 0; v < n_variants; v++) {                                   /* n = 0 writes nothing */
        gacc[0] = GUARD_ACC;
        variants[v].fn(gw, 4, gx, 4, 0, 0, 3, gacc, 3);
        CHECK(gacc[0] == GUARD_ACC);
    }
}

/* ---- attention ---- */

#define QKV_MAX 1024u
#define CTX_MAX 16384u
#define SCRATCH_MAX 1024u
static uint32_t aq[QKV_MAX], ak[QKV_MAX], av[QKV_MAX], aout[QKV_MAX], ascratch[SCRATCH_MAX + 4];
static int8_t actx[CTX_MAX + 4];
static uint8_t arow[512];

static void fill_bits(uint32_t *v, uint32_t words, int pat)
{
    for (uint32_t i = 0; i < words; i++)
        v[i] = pat == P_ZEROS ? 0u : pat == P_ONES ? 0xFFFFFFFFu : pat == P_SPARSE ? rnd_word() & rnd_word() : rnd_word();
}

static void attention_case(uint32_t n, uint32_t hidden, uint32_t heads, int32_t threshold, int qk_pat, int v_pat)
{
    uint32_t words = hidden / 32, dh = hidden / heads, nw = (n + 31) / 32;
    uint32_t bytes = ni_b1_attention_scratch_bytes(n, hidden, heads);
    CHECK_EQ(bytes, 4u * (dh * nw + nw + 32u), "scratch bytes", n, hidden, heads);
    if (n * words > QKV_MAX || n * hidden > CTX_MAX || bytes > 4u * SCRATCH_MAX) {
        printf("FAIL attention case n %u hidden %u does not fit the test buffers\n", (unsigned)n, (unsigned)hidden);
        failures++;
        return;
    }
    fill_bits(aq, n * words, qk_pat);
    fill_bits(ak, n * words, qk_pat);
    fill_bits(av, n * words, v_pat);
    for (uint32_t i = 0; i < SCRATCH_MAX + 4; i++) ascratch[i] = GUARD_WORD;
    memset(actx, 0x5A, sizeof actx);
    ni_b1_attention(aq, ak, av, n, hidden, heads, threshold, ascratch, actx);
    CHECK_EQ(ascratch[bytes / 4], GUARD_WORD, "attention wrote past its scratch", n, hidden, heads);
    CHECK_EQ(actx[n * hidden], 0x5A, "attention wrote past ctx", n, hidden, heads);
    for (uint32_t h = 0; h < heads; h++) {
        for (uint32_t i = 0; i < n; i++) {
            const uint32_t *q = aq + i * words;
            for (uint32_t j = 0; j < n; j++) { /* a_ij = [q_i . k_j >= threshold] over the head's dimensions */
                const uint32_t *k = ak + j * words;
                int32_t s = 0;
                for (uint32_t d = h * dh; d < (h + 1) * dh; d++) s += pm1(q, d) * pm1(k, d);
                arow[j] = (uint8_t)(s >= threshold);
            }
            for (uint32_t d = h * dh; d < (h + 1) * dh; d++) {
                int32_t c = 0;
                for (uint32_t j = 0; j < n; j++) c += arow[j] * pm1(av + j * words, d);
                int32_t want = c > 127 ? 127 : c < -128 ? -128 : c;
                CHECK_EQ(actx[i * hidden + d], want, "attention", n, i, d);
            }
        }
    }
    /* the context as the next layer's input bits: [sat8(c) >= t] for thresholds across the whole range */
    const int32_t ctx_thresholds[] = { -128, -127, -5, -1, 0, 1, 2, 7, 126, 127, (int32_t)(rnd() % 41u) - 20 };
    for (uint32_t ti = 0; ti < sizeof ctx_thresholds / sizeof ctx_thresholds[0]; ti++) {
        const int32_t t = ctx_thresholds[ti];
        for (uint32_t i = 0; i < SCRATCH_MAX + 4; i++) ascratch[i] = GUARD_WORD;
        for (uint32_t i = 0; i < QKV_MAX; i++) aout[i] = GUARD_WORD;
        ni_b1_attention_bits(aq, ak, av, n, hidden, heads, threshold, t, ascratch, aout);
        CHECK_EQ(ascratch[bytes / 4], GUARD_WORD, "attention bits wrote past its scratch", n, hidden, heads);
        if (n * words < QKV_MAX) CHECK_EQ(aout[n * words], GUARD_WORD, "attention bits wrote past out", n, hidden, t);
        for (uint32_t i = 0; i < n; i++)
            for (uint32_t d = 0; d < hidden; d++)
                CHECK_EQ(aout[i * words + d / 32] >> (d % 32) & 1u, actx[i * hidden + d] >= t, "attention bits", n, d, t);
    }
}

static void test_attention(void)
{
    static const uint32_t shapes[][3] = { /* n, hidden, heads */
        { 1, 32, 1 }, { 2, 64, 2 }, { 5, 64, 1 }, { 31, 128, 4 }, { 32, 128, 4 }, { 33, 128, 4 }, { 33, 128, 2 },
        { 64, 64, 1 }, { 65, 192, 3 }, { 100, 96, 3 }, { 255, 64, 2 }, { 256, 32, 1 }, { 257, 32, 1 }, /* 32-dim heads */
    };
    for (uint32_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
        uint32_t n = shapes[si][0], hidden = shapes[si][1], heads = shapes[si][2];
        int32_t dh = (int32_t)(hidden / heads);
        const int32_t thresholds[] = { -dh - 1, -dh, -2, 0, 1, 4, dh - 2, dh, dh + 1 };
        for (uint32_t ti = 0; ti < sizeof thresholds / sizeof thresholds[0]; ti++)
            attention_case(n, hidden, heads, thresholds[ti], P_RANDOM, P_RANDOM);
        attention_case(n, hidden, heads, 0, P_ONES, P_RANDOM);   /* every score dh: a = 1 everywhere */
        attention_case(n, hidden, heads, 0, P_RANDOM, P_ONES);   /* v = +1: c = number of attended keys */
        attention_case(n, hidden, heads, 0, P_RANDOM, P_ZEROS);  /* v = -1: c = -number of attended keys */
        attention_case(n, hidden, heads, 2, P_SPARSE, P_SPARSE);
    }
    /* 512 positions: 16 words per bit plane, context saturating at both ends */
    attention_case(512, 32, 1, 0, P_RANDOM, P_RANDOM);
    attention_case(512, 32, 1, -33, P_RANDOM, P_ONES);   /* all 512 keys attended, v = +1: 512 -> 127 */
    attention_case(512, 32, 1, -33, P_RANDOM, P_ZEROS);  /* -512 -> -128 */
    attention_case(200, 64, 2, 2, P_RANDOM, P_RANDOM);
    CHECK(ni_b1_attention_scratch_bytes(32, 128, 3) == 0);  /* head size not a whole number of words */
    CHECK(ni_b1_attention_scratch_bytes(32, 96, 2) == 0);   /* head size 48 */
    CHECK(ni_b1_attention_scratch_bytes(32, 128, 0) == 0);
}

/* ---- 1-bit weights over int8 inputs (NI_ENC_BINARY_S8) ---- */

enum { S8_MAX_WORDS = 32, S8_MAX_ROWS = 9, S8_MAX_N = 3 };

static void s8_case(uint32_t rows, uint32_t words, uint32_t n, uint32_t r0, uint32_t r1, int wpat, int xpat)
{
    static uint32_t w[S8_MAX_ROWS * S8_MAX_WORDS];
    static int8_t x[S8_MAX_N][32 * S8_MAX_WORDS];
    static int16_t tab[S8_MAX_N * (128 * S8_MAX_WORDS + 16)];
    static int32_t acc[S8_MAX_N * 12];
    const uint32_t cols = 32u * words, tstride = 128u * words + 16u; /* 16 guard entries between tokens */
    for (uint32_t i = 0; i < rows * words; i++)
        w[i] = wpat == P_ONES ? 0xFFFFFFFFu : wpat == P_ZEROS ? 0u : wpat == P_SPARSE ? (rnd() & rnd() & rnd()) : rnd_word();
    for (uint32_t t = 0; t < n; t++)
        for (uint32_t c = 0; c < cols; c++)
            x[t][c] = (int8_t)(xpat == 0 ? (int)(rnd() % 256u) - 128 : xpat == 1 ? -128 : xpat == 2 ? 127 : xpat == 3 ? 0
                                          : (c & 1u) ? 127 : -128);
    for (uint32_t i = 0; i < sizeof tab / sizeof tab[0]; i++) tab[i] = 0x5A5A;
    for (uint32_t t = 0; t < n; t++) ni_b1s8_tables(x[t], cols, tab + t * tstride);
    for (uint32_t t = 0; t < n; t++) {
        for (uint32_t g = 0; g < cols / 4u; g++)
            for (uint32_t m = 0; m < 16u; m++) {
                int32_t want = 0;
                for (uint32_t i = 0; i < 4u; i++) want += (m >> i & 1u) ? x[t][4u * g + i] : -x[t][4u * g + i];
                CHECK_EQ(tab[t * tstride + 16u * g + m], want, "b1s8 table", t, g, m);
            }
        for (uint32_t i = 128u * words; i < tstride; i++) CHECK_EQ(tab[t * tstride + i], 0x5A5A, "b1s8 table guard", t, i, 0);
    }
    for (uint32_t i = 0; i < sizeof acc / sizeof acc[0]; i++) acc[i] = GUARD_ACC;
    ni_b1s8_gemm(w, words, tab, tstride, n, r0, r1, acc, 12);
    for (uint32_t t = 0; t < n; t++)
        for (uint32_t k = 0; k < 12u; k++) {
            const uint32_t r = r0 + k;
            if (r >= r1) { CHECK_EQ(acc[t * 12u + k], GUARD_ACC, "b1s8 gemm guard", t, k, 0); continue; }
            int32_t want = 0;
            for (uint32_t c = 0; c < cols; c++) want += pm1(w + r * words, c) * x[t][c];
            CHECK_EQ(acc[t * 12u + k], want, "b1s8 gemm", t, r, words);
        }
}

static void test_b1s8(void)
{
    static const uint32_t shapes[][5] = { /* rows, words, n, r0, r1 */
        { 1, 1, 1, 0, 1 }, { 4, 4, 1, 0, 4 }, { 9, 4, 3, 2, 9 }, { 5, 32, 2, 1, 4 }, { 3, 3, 1, 0, 3 },
    };
    for (uint32_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int wp = P_RANDOM; wp < P_COUNT; wp++)
            for (int xp = 0; xp < 5; xp++)
                if (wp != P_EQUAL && wp != P_OPPOSITE)
                    s8_case(shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], shapes[s][4], wp, xp);
    /* the extremes by value: a row of +1 over 1024 inputs of -128 is -131072, of 127 is 130048 */
    static uint32_t ones[32];
    static int8_t lo[1024], hi[1024];
    static int16_t tl[128 * 32], th[128 * 32];
    int32_t a = 0;
    memset(ones, 0xFF, sizeof ones);
    memset(lo, -128, sizeof lo);
    memset(hi, 127, sizeof hi);
    ni_b1s8_tables(lo, 1024, tl);
    ni_b1s8_tables(hi, 1024, th);
    CHECK(tl[15] == -512 && tl[0] == 512 && th[15] == 508 && th[0] == -508);
    ni_b1s8_gemm(ones, 32, tl, 0, 1, 0, 1, &a, 1);
    CHECK(a == -131072);
    ni_b1s8_gemm(ones, 32, th, 0, 1, 0, 1, &a, 1);
    CHECK(a == 130048);
    memset(ones, 0, sizeof ones);
    ni_b1s8_gemm(ones, 32, th, 0, 1, 0, 1, &a, 1);
    CHECK(a == -130048);
}

int main(void)
{
    init_variants();
    test_pack();
    test_gemm();
    test_attention();
    test_b1s8();
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("kernels_b1: all passed\n");
    return 0;
}
