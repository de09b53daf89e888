/* Instructions per binary multiply-accumulate of the 1-bit kernels on the target (bench/mcu/binary-kernels.sh), at
 * the SNIPS model's shapes (H 128, E 96, I 384) for 16 and 32 tokens:
 *   b1 gemm <variant> <rows>x<cols> n <n> macs <m> instructions <i> per_mac <x.xxx>
 *   b1 attention n <n> hidden <h> heads <k> macs <m> instructions <i> per_mac <x.xxx>
 *   b1 pack n <n> cols <c> elements <e> instructions <i> per_element <x.xxx>
 * One binary MAC is one +-1 x +-1 product (one bit); attention counts its scores and its context (2 n^2 hidden).
 * Variants: swar = ni_b1_gemm_swar (portable C), dsp = ni_b1_gemm_dsp (Armv7E-M asm; ni_b1_gemm where built, else
 * ni_b1_gemm is swar), and two carry-save (Harley-Seal) alternatives kept here only to measure whether they pay:
 * csa4 reduces each 4-word chunk with full/half adders before counting, hsrow runs Harley-Seal along a whole row
 * per token (re-reading the row for every token). Exits non-zero when a variant's output differs from swar's.
 * Counter overhead subtracted; exact where ni_mcu_counter_resolution is 1. Weights are in RAM here (filled at
 * run time); reading them from flash executes the same instructions. */
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include "nano_intent/ni_kernels_b1.h"
#include "ni_mcu_counter.h"

#define MAX_ROWS 384u
#define MAX_WORDS 12u
#define MAX_N 32u

static uint32_t w[MAX_ROWS * MAX_WORDS];
static uint32_t x[MAX_N * MAX_WORDS];
static int32_t acc[MAX_N * MAX_ROWS];
static int8_t xs8[MAX_N * MAX_WORDS * 32];
static uint32_t qkv[3][MAX_N * 4];
static uint32_t scratch[512];
static int8_t ctx[MAX_N * 128];

static uint32_t rng = 0x9E3779B9u;
static uint32_t rnd(void) { rng = rng * 1664525u + 1013904223u; return rng; }
static uint32_t rnd_word(void) { return (rnd() >> 16) | (rnd() & 0xFFFF0000u); }

/* Plain SWAR popcount, for the carry-save experiments. */
static inline uint32_t pop(uint32_t v)
{
    v -= (v >> 1) & 0x55555555u;
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    v = (v + (v >> 4)) & 0x0F0F0F0Fu;
    return (v * 0x01010101u) >> 24;
}

/* Bytes of v's bit counts (each <= 8). */
static inline uint32_t pop_bytes(uint32_t v)
{
    v -= (v >> 1) & 0x55555555u;
    v = (v & 0x33333333u) + ((v >> 2) & 0x33333333u);
    return (v + (v >> 4)) & 0x0F0F0F0Fu;
}

#define CSA(h, l, a, b, c) do { uint32_t u_ = (a) ^ (b); h = ((a) & (b)) | (u_ & (c)); l = u_ ^ (c); } while (0)

/* Token-batched like ni_b1_gemm_swar; per 4-word chunk: a full adder and two half adders turn the 4 words into
 * ones + 2 twos + 4 fours, counted in bytes and weighted (cols % 128 == 0 here). */
static void gemm_csa4(const uint32_t *wm, uint32_t words, const uint32_t *xb, uint32_t xstride, uint32_t n,
                      uint32_t r0, uint32_t r1, int32_t *a, uint32_t as)
{
    for (uint32_t r = r0; r < r1; r++) {
        const uint32_t *wr = wm + (size_t)r * words;
        int32_t *ar = a + (r - r0);
        for (uint32_t k = 0; k < words; k += 4) {
            uint32_t w0 = wr[k], w1 = wr[k + 1], w2 = wr[k + 2], w3 = wr[k + 3];
            const uint32_t *xt = xb + k;
            for (uint32_t t = 0; t < n; t++, xt += xstride) {
                uint32_t v0 = xt[0] ^ w0, v1 = xt[1] ^ w1, v2 = xt[2] ^ w2, v3 = xt[3] ^ w3;
                uint32_t c1, s1, c2, s2;
                CSA(c1, s1, v0, v1, v2);
                c2 = s1 & v3;
                s2 = s1 ^ v3;
                uint32_t twos = c1 ^ c2, fours = c1 & c2;
                uint32_t y = pop_bytes(s2) + (pop_bytes(twos) << 1) + (pop_bytes(fours) << 2); /* bytes <= 56 */
                int32_t count = (int32_t)((y * 0x01010101u) >> 24);
                int32_t v = 128 - 2 * count;
                ar[t * as] = k == 0 ? v : ar[t * as] + v;
            }
        }
    }
}

/* Harley-Seal along each row, per token: ones/twos carried across chunks, fours counted once per 4 words. */
static void gemm_hsrow(const uint32_t *wm, uint32_t words, const uint32_t *xb, uint32_t xstride, uint32_t n,
                       uint32_t r0, uint32_t r1, int32_t *a, uint32_t as)
{
    for (uint32_t r = r0; r < r1; r++) {
        const uint32_t *wr = wm + (size_t)r * words;
        for (uint32_t t = 0; t < n; t++) {
            const uint32_t *xt = xb + (size_t)t * xstride;
            uint32_t ones = 0, twos = 0, fours = 0, k = 0;
            for (; k + 4 <= words; k += 4) {
                uint32_t ta, tb, fa;
                CSA(ta, ones, ones, xt[k] ^ wr[k], xt[k + 1] ^ wr[k + 1]);
                CSA(tb, ones, ones, xt[k + 2] ^ wr[k + 2], xt[k + 3] ^ wr[k + 3]);
                CSA(fa, twos, twos, ta, tb);
                fours += pop(fa);
            }
            uint32_t count = 4 * fours + 2 * pop(twos) + pop(ones);
            for (; k < words; k++) count += pop(xt[k] ^ wr[k]);
            a[t * as + (r - r0)] = (int32_t)(32u * words) - 2 * (int32_t)count;
        }
    }
}

typedef void (*gemm_fn)(const uint32_t *, uint32_t, const uint32_t *, uint32_t, uint32_t, uint32_t, uint32_t,
                        int32_t *, uint32_t);

static uint64_t overhead;

static void print_ratio(const char *what, uint64_t count, uint64_t units, const char *unit)
{
    uint64_t milli = (count * 1000u + units / 2) / units; /* integer printf: picolibc's tiny printf has no float */
    printf("%s instructions %" PRIu64 " per_%s %" PRIu64 ".%03" PRIu64 "\n", what, count, unit, milli / 1000u,
           milli % 1000u);
}

static uint32_t checksum(uint32_t count)
{
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < count; i++) h = (h ^ (uint32_t)acc[i]) * 16777619u;
    return h;
}

static int gemm_one(const char *name, gemm_fn f, uint32_t rows, uint32_t words, uint32_t n, uint32_t want)
{
    for (uint32_t i = 0; i < n * rows; i++) acc[i] = 0x5A5A5A5A;
    uint64_t t0 = ni_mcu_count();
    f(w, words, x, words, n, 0, rows, acc, rows);
    uint64_t t1 = ni_mcu_count();
    char what[96];
    uint64_t macs = (uint64_t)rows * 32u * words * n;
    snprintf(what, sizeof what, "b1 gemm %s %" PRIu32 "x%" PRIu32 " n %" PRIu32 " macs %" PRIu64, name, rows,
             32u * words, n, macs);
    print_ratio(what, t1 - t0 - overhead, macs, "mac");
    uint32_t got = checksum(n * rows);
    if (got != want) printf("FAIL: %s %" PRIu32 "x%" PRIu32 " n %" PRIu32 " differs from swar\n", name, rows, 32u * words, n);
    return got != want;
}

int main(void)
{
    static const uint32_t shapes[][2] = {{128, 4}, {384, 4}, {128, 12}, {128, 3}}; /* rows, words */
    static const uint32_t ns[] = {16, 32};
    for (uint32_t i = 0; i < MAX_ROWS * MAX_WORDS; i++) w[i] = rnd_word();
    for (uint32_t i = 0; i < MAX_N * MAX_WORDS; i++) x[i] = rnd_word();
    for (uint32_t i = 0; i < MAX_N * MAX_WORDS * 32; i++) xs8[i] = (int8_t)(uint8_t)(rnd() >> 24);
    for (uint32_t m = 0; m < 3; m++)
        for (uint32_t i = 0; i < MAX_N * 4; i++) qkv[m][i] = rnd_word();

    ni_mcu_counter_init();
    uint64_t t0 = ni_mcu_count(), t1 = ni_mcu_count();
    overhead = t1 - t0;
    printf("counter resolution %" PRIu32 " overhead %" PRIu64 "\n", ni_mcu_counter_resolution, overhead);

    int failures = 0;
    for (uint32_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        for (uint32_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++) {
            uint32_t rows = shapes[s][0], words = shapes[s][1], n = ns[ni];
            ni_b1_gemm_swar(w, words, x, words, n, 0, rows, acc, rows);
            uint32_t want = checksum(n * rows);
            failures += gemm_one("swar", ni_b1_gemm_swar, rows, words, n, want);
#if defined(NI_HAVE_B1_GEMM_DSP)
            failures += gemm_one("dsp", ni_b1_gemm_dsp, rows, words, n, want);
#endif
            if (words % 4 == 0) failures += gemm_one("csa4", gemm_csa4, rows, words, n, want);
            failures += gemm_one("hsrow", gemm_hsrow, rows, words, n, want);
        }
    }
    for (uint32_t ni = 0; ni < sizeof ns / sizeof ns[0]; ni++) {
        uint32_t n = ns[ni], hidden = 128, heads = 4;
        if (ni_b1_attention_scratch_bytes(n, hidden, heads) > sizeof scratch) {
            printf("FAIL: attention scratch\n");
            return 1;
        }
        t0 = ni_mcu_count();
        ni_b1_attention(qkv[0], qkv[1], qkv[2], n, hidden, heads, 0, scratch, ctx);
        t1 = ni_mcu_count();
        char what[96];
        uint64_t macs = 2u * (uint64_t)n * n * hidden;
        snprintf(what, sizeof what, "b1 attention n %" PRIu32 " hidden %" PRIu32 " heads %" PRIu32 " macs %" PRIu64,
                 n, hidden, heads, macs);
        print_ratio(what, t1 - t0 - overhead, macs, "mac");
    }
    static const uint32_t pack_cols[] = {96, 128, 384};
    for (uint32_t c = 0; c < sizeof pack_cols / sizeof pack_cols[0]; c++) {
        uint32_t cols = pack_cols[c], n = 32;
        t0 = ni_mcu_count();
        for (uint32_t t = 0; t < n; t++) ni_b1_pack_s8(xs8 + t * cols, cols, 0, x + t * (cols / 32));
        t1 = ni_mcu_count();
        char what[96];
        snprintf(what, sizeof what, "b1 pack n %" PRIu32 " cols %" PRIu32 " elements %" PRIu32, n, cols, n * cols);
        print_ratio(what, t1 - t0 - overhead, (uint64_t)n * cols, "element");
    }
    if (failures) printf("FAIL: %d variant results differ from ni_b1_gemm_swar\n", failures);
    return failures ? 1 : 0;
}
