/* The 32-bit form of the requantization (ni_rq32, ni_requant_tile.c) and the tile epilogues that use it, against
 * the definition written here in 64 bits: round_shift((acc + bias) * M, s), sat8, and sat16 of that plus
 * round_shift(res * M_res, s_res). Which requant pairs take the 32-bit form is checked at its limits (shifts 1..62,
 * multipliers 0..2^31 - 1, results just under and at 2^30, magnitudes up to 2^31); accepted forms are compared on
 * every magnitude's ends, ties and random values; tiles mix rows on both sides of the limits (BINARY and INT8_ROW,
 * biases at their ends, the widest INT8_ROW rows) with residuals over all of int16. Runs on the host and, cross-
 * built, under QEMU (tests/mcu). Some tiles hold accumulators outside the encoding's range: the public entries
 * take the 64-bit form for them; the _gemm entries (accumulators from the GEMM) are tested on the others. */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { if (failures < 20) printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 20261130u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8 ^ rng_state << 13; }
static int32_t rnd_in(int32_t lo, int32_t hi) { return (int32_t)((int64_t)lo + rnd() % ((uint64_t)((int64_t)hi - lo) + 1u)); }

static int64_t rq(int64_t v, int32_t m, int32_t s) { return ni_round_shift(v * m, s); }

/* One magnitude bound's worth of v: the ends, 0, +-1, ties of M (v M = (2q + 1) 2^(s-1)) and random values. */
static int32_t pick_v(uint32_t maxmag, int32_t m, int32_t s, uint32_t i)
{
    const int64_t top = maxmag;
    switch (i % 8u) {
    case 0: return (int32_t)(i % 16u ? top > INT32_MAX ? INT32_MAX : top : -top);
    case 1: return (int32_t)((int64_t)(i % 3u) - 1);
    case 2: { /* a tie when M is a power of two below 2^(s-1): v = odd * 2^(s-1-log2 M) */
        int32_t lg = 0;
        while (lg < 31 && ((int64_t)1 << (lg + 1)) <= m) lg++;
        const int32_t e = s - 1 - lg;
        if (m <= 0 || e < 0 || e > 30) return 0;
        const int64_t v = ((int64_t)(rnd() % 64u) * 2 + 1) << e;
        return (int32_t)(v > top ? (i % 2u ? 1 : -1) : (i % 2u ? v : -v));
    }
    default: {
        const int64_t v = (int64_t)(((uint64_t)rnd() << 32 | rnd()) % ((uint64_t)top + 1u));
        return (int32_t)(i % 2u ? v : -v);
    }
    }
}

static void check_form(int32_t m, int32_t s, uint32_t maxmag, int expect_fits)
{
    ni_rq32 q;
    const int fits = ni_rq32_of(m, s, maxmag, &q);
    if (expect_fits >= 0 && fits != expect_fits) {
        if (failures < 20) printf("FAIL form M=%ld s=%ld maxmag=%lu: fits %d, expected %d\n", (long)m, (long)s, (unsigned long)maxmag, fits, expect_fits);
        failures++;
    }
    if (!fits) return;
    for (uint32_t i = 0; i < 64u; i++) {
        const int32_t v = pick_v(maxmag, m, s, i);
        const int64_t want = rq(v, m, s);
        CHECK(want < ((int64_t)1 << 30) && want > -((int64_t)1 << 30));
        if (ni_rq32_apply(v, &q) != want) {
            if (failures < 20) printf("FAIL form M=%ld s=%ld v=%ld: %ld, expected %lld\n", (long)m, (long)s, (long)v, (long)ni_rq32_apply(v, &q), (long long)want);
            failures++;
        }
    }
}

/* Which pairs the form takes, at the limits: results just under 2^30, at it, magnitudes at 2^31 and over. */
static void test_form_limits(void)
{
    for (int32_t s = 1; s <= 62; s++) {
        /* a ratio under one: M = 2^s - 1 where it fits int32, any magnitude below 2^30 */
        const int32_t m_under = s >= 31 ? 0x7FFFFFFF : (int32_t)((1u << s) - 1u);
        check_form(m_under, s, (1u << 30) - 1u, 1);
        check_form(0, s, 0x80000000u, 1);
        check_form(s % 2 ? 1 : 0x7FFFFFFF, s, 0x80000001u, 0); /* over 2^31 */
        if (s <= 30) {
            /* M = 2^s: ratio one; results reach maxmag, so maxmag 2^30 - 1 fits and 2^30 does not */
            check_form((int32_t)(1u << s), s, (1u << 30) - 1u, 1);
            check_form((int32_t)(1u << s), s, 1u << 30, 0);
            /* the widest ratio for a magnitude: M 2^-s = 2^14 over int16 magnitudes: results up to 2^29 */
            if (s + 14 <= 30) check_form((int32_t)(1u << (s + 14)), s, 32768u, 1);
            if (s + 15 <= 30) check_form((int32_t)(1u << (s + 15)), s, 32768u, 0); /* 2^30 at -32768 */
        }
        for (int i = 0; i < 40; i++) { /* random pairs and magnitudes, either outcome, compared when taken */
            const uint32_t maxmag = i % 4 == 0 ? 32768u : i % 4 == 1 ? 128u + rnd() % 65536u : rnd() % 0x80000001u;
            const int32_t m = i % 5 == 0 ? (int32_t)(1u << rnd_in(0, 30)) : (int32_t)(rnd() >> rnd_in(1, 31));
            check_form(m, s, maxmag, -1);
        }
    }
    ni_rq32 q;
    CHECK(!ni_rq32_of(-1, 20, 100, &q));
    CHECK(!ni_rq32_of(1, 0, 100, &q));
    CHECK(!ni_rq32_of(1, 63, 100, &q));
}

#define ROWS 40u
#define TOK 9u

static uint8_t params[16 + 12 * ROWS] __attribute__((aligned(4)));
static int32_t acc[TOK * ROWS];
static int16_t io[TOK * ROWS], io_in[TOK * ROWS];
static int8_t out[TOK * ROWS];

static void le32(uint8_t *p, int32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)((uint32_t)v >> (8 * i)); }
static void le16(uint8_t *p, int32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)((uint32_t)v >> 8); }

/* ROWS x cols with row params on both sides of the 32-bit form's limits */
static ni_tensor make_tensor(uint8_t encoding, uint32_t cols)
{
    ni_tensor t;
    memset(&t, 0, sizeof t);
    t.encoding = encoding;
    t.rows = ROWS;
    t.cols = cols;
    t.params = params;
    if (encoding == NI_ENC_BINARY) {
        const int32_t shift = rnd_in(1, 62);
        t.params_len = 16 + 4 * ROWS;
        le32(params, 0);
        le32(params + 4, shift);
        le32(params + 8, 0);
        le32(params + 12, 0);
        for (uint32_t r = 0; r < ROWS; r++) {
            const int32_t bias = r % 3 == 0 ? (r % 2 ? 32767 : -32768) : rnd_in(-300, 300);
            const int32_t m = r % 7 == 0 ? (r % 2 ? 0 : 65535) : (int32_t)(rnd() % 65536u) >> rnd_in(0, 15);
            le16(params + 16 + 4 * r, bias);
            le16(params + 18 + 4 * r, r % 5 == 1 && shift <= 16 ? 1 << (shift - 1) : m); /* ties */
        }
    } else {
        t.params_len = 12 * ROWS;
        for (uint32_t r = 0; r < ROWS; r++) {
            const int32_t s = rnd_in(1, 62);
            const int32_t bias = r % 3 == 0 ? (r % 2 ? (1 << 30) : -(1 << 30)) : rnd_in(-100000, 100000);
            int32_t m = r % 7 == 0 ? (r % 2 ? 0 : 0x7FFFFFFF) : (int32_t)(rnd() >> rnd_in(1, 31));
            if (r % 5 == 1 && s <= 31) m = (int32_t)(1u << (s - 1)); /* ties on every odd acc + bias */
            le32(params + 12 * r, bias);
            le32(params + 12 * r + 4, m);
            le32(params + 12 * r + 8, s);
        }
    }
    return t;
}

static void fill_acc(int32_t bound, uint32_t n, uint32_t w, int wild)
{
    for (uint32_t i = 0; i < n * w; i++) {
        const uint32_t pick = rnd() % 8u;
        acc[i] = pick == 0 ? bound : pick == 1 ? -bound : pick < 4 ? rnd_in(-200, 200) : rnd_in(-bound, bound);
        if (wild && rnd() % 16u == 0) /* outside the encoding's range (a caller's own values): the 64-bit form */
            acc[i] = rnd() % 2u ? (rnd() % 2u ? INT32_MAX : INT32_MIN) : (bound < INT32_MAX ? (int32_t)(rnd() % 2u ? bound + 1 : -bound - 1) : 0);
    }
}

static void test_tiles(void)
{
    const uint32_t int8_cols[] = { 128u, 4096u, 65536u }; /* acc bounds 2^21, 2^26, 2^30 */
    for (int c = 0; c < 600; c++) {
        const uint8_t enc = c % 2 ? NI_ENC_BINARY : NI_ENC_INT8_ROW;
        const uint32_t cols = enc == NI_ENC_BINARY ? 32u * (1u + rnd() % 32u) : int8_cols[rnd() % 3u];
        const ni_tensor t = make_tensor(enc, cols);
        const int32_t bound = (int32_t)ni_encoding_find(enc)->acc_bound(cols);
        const uint32_t n = 1u + rnd() % TOK, r0 = rnd() % (ROWS / 2u), r1 = r0 + 1u + rnd() % (ROWS / 2u), w = r1 - r0;
        /* a quarter of the tiles hold accumulators outside the GEMM's range (public entries only); half of the
         * others go through the _gemm entries the runtime calls */
        const int wild = c % 4 == 3, gemm = !wild && c % 8 < 4;
        fill_acc(bound, n, w, wild);

        /* int8 output */
        (gemm ? ni_requant_tile_s8_gemm : ni_requant_tile_s8)(&t, r0, r1, acc, w, n, out, w);
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t r = r0; r < r1; r++) {
                const ni_int8_row_params p = ni_encoding_find(enc)->row_params(&t, r);
                const int8_t want = ni_sat8(rq((int64_t)acc[k * w + (r - r0)] + p.bias, p.multiplier, p.shift));
                if (out[k * w + (r - r0)] != want) {
                    if (failures < 20) printf("FAIL s8 case %d token %u row %u\n", c, (unsigned)k, (unsigned)r);
                    failures++;
                }
            }

        /* int16 output plus the residual: requant pairs under, at and over ratio one, the residual at its ends */
        ni_requant res;
        switch (c % 6) {
        case 0: res.shift = rnd_in(1, 62); res.multiplier = res.shift >= 31 ? (int32_t)(rnd() >> 1) : (int32_t)(rnd() % (1u << res.shift)); break;
        case 1: res.shift = rnd_in(1, 16); res.multiplier = (int32_t)(1u << (res.shift + rnd_in(0, 14))); break;
        case 2: res.shift = rnd_in(17, 31); res.multiplier = (int32_t)((1u << 30) + rnd() % (1u << 30)); break; /* ratio 2^(31-s) */
        case 3: res.shift = rnd_in(1, 16); res.multiplier = 0x7FFFFFFF; break; /* over the form's limit */
        case 4: res.shift = rnd_in(2, 31); res.multiplier = (int32_t)(1u << (res.shift - 1)); break; /* ties */
        default: res.shift = rnd_in(1, 62); res.multiplier = (int32_t)(rnd() >> rnd_in(1, 31)); break;
        }
        for (uint32_t i = 0; i < TOK * ROWS; i++) {
            const uint32_t pick = rnd() % 6u;
            io_in[i] = (int16_t)(pick == 0 ? 32767 : pick == 1 ? -32768 : pick < 4 ? rnd_in(-128, 127) : rnd_in(-32768, 32767));
            io[i] = io_in[i];
        }
        (gemm ? ni_requant_tile_add_s16_gemm : ni_requant_tile_add_s16)(&t, r0, r1, acc, w, n, res, io, ROWS);
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t r = 0; r < ROWS; r++) {
                int16_t want = io_in[k * ROWS + r];
                if (r >= r0 && r < r1) {
                    const ni_int8_row_params p = ni_encoding_find(enc)->row_params(&t, r);
                    want = ni_sat16(rq((int64_t)acc[k * w + (r - r0)] + p.bias, p.multiplier, p.shift) +
                                    rq(io_in[k * ROWS + r], res.multiplier, res.shift));
                }
                if (io[k * ROWS + r] != want) {
                    if (failures < 20) printf("FAIL add_s16 case %d token %u row %u: %d, expected %d\n", c, (unsigned)k, (unsigned)r, io[k * ROWS + r], want);
                    failures++;
                }
            }

        /* int16 output plus a residual term already in io (any int16) */
        for (uint32_t i = 0; i < TOK * ROWS; i++) io[i] = io_in[i];
        (gemm ? ni_requant_tile_plus_s16_gemm : ni_requant_tile_plus_s16)(&t, r0, r1, acc, w, n, io, ROWS);
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t r = 0; r < ROWS; r++) {
                int16_t want = io_in[k * ROWS + r];
                if (r >= r0 && r < r1) {
                    const ni_int8_row_params p = ni_encoding_find(enc)->row_params(&t, r);
                    want = ni_sat16(rq((int64_t)acc[k * w + (r - r0)] + p.bias, p.multiplier, p.shift) + io_in[k * ROWS + r]);
                }
                if (io[k * ROWS + r] != want) {
                    if (failures < 20) printf("FAIL plus_s16 case %d token %u row %u: %d, expected %d\n", c, (unsigned)k, (unsigned)r, io[k * ROWS + r], want);
                    failures++;
                }
            }
    }
}

/* One residual requant: the table holds rq(i) for every int8 i exactly when all 256 fit int16 (else 0), and the
 * widening through it gives each value's entry. */
static int16_t lut[256];
static union { int8_t s8[2 * 300]; int16_t s16[300]; } wbuf;
static int lut_fits_seen, lut_declined_seen;
static void check_lut(int32_t m, int32_t s)
{
    const ni_requant rq_ = { m, s };
    int fits = 1;
    for (int32_t i = -128; i <= 127; i++) {
        const int64_t v = rq(i, m, s);
        if (v < -32768 || v > 32767) fits = 0;
    }
    for (int i = 0; i < 256; i++) lut[i] = 0x5A5A;
    const int got = ni_requant_lut16(rq_, lut);
    if (got != fits) {
        if (failures < 20) printf("FAIL lut16 M %d s %d: %d, expected %d\n", (int)m, (int)s, got, fits);
        failures++;
        return;
    }
    if (!got) { lut_declined_seen++; return; }
    lut_fits_seen++;
    for (int32_t i = -128; i <= 127; i++)
        if (lut[i + 128] != rq(i, m, s)) {
            if (failures < 20) printf("FAIL lut16 M %d s %d value %d: %d\n", (int)m, (int)s, (int)i, lut[i + 128]);
            failures++;
        }
    const uint32_t n = 256u + rnd() % 44u; /* every value, then random ones; in place from the last down */
    for (uint32_t i = 0; i < n; i++) wbuf.s8[i] = (int8_t)(i < 256u ? (int32_t)i - 128 : rnd_in(-128, 127));
    int8_t copy[300];
    memcpy(copy, wbuf.s8, n);
    ni_widen_s8_lut16_in_place(wbuf.s8, n, lut);
    for (uint32_t i = 0; i < n; i++) CHECK(wbuf.s16[i] == lut[copy[i] + 128]);
}

static void test_residual_lut(void)
{
    for (int32_t s = 1; s <= 22; s++) /* multipliers at the int16 limits of -128 (2^(s+8)) and 127 (32767 2^s / 127) */
        for (int32_t d = -3; d <= 3; d++) {
            const int64_t edges[2] = { ((int64_t)1 << (s + 8)) + d, (((int64_t)32767 << s) + 126) / 127 + d };
            for (int e = 0; e < 2; e++)
                if (edges[e] <= INT32_MAX) check_lut((int32_t)edges[e], s);
        }
    for (int c = 0; c < 2000; c++) { /* shifts 1..62, multipliers 0..2^31 - 1, ties */
        const int32_t s = rnd_in(1, 62);
        const int32_t m = c % 7 == 0 ? (c % 2 ? 0 : 0x7FFFFFFF) : c % 5 == 1 && s <= 31 ? (int32_t)(1u << (s - 1))
                        : (int32_t)(rnd() >> rnd_in(1, 31));
        check_lut(m, s);
    }
    CHECK(!ni_requant_lut16((ni_requant){ -1, 4 }, lut) && !ni_requant_lut16((ni_requant){ 1, 0 }, lut) &&
          !ni_requant_lut16((ni_requant){ 1, 63 }, lut));
    printf("residual tables: %d fit, %d declined\n", lut_fits_seen, lut_declined_seen);
    CHECK(lut_fits_seen > 100 && lut_declined_seen > 100);
}

int main(void)
{
    test_form_limits();
    test_tiles();
    test_residual_lut();
    printf("%s\n", failures ? "FAILED" : "PASSED");
    return failures ? 1 : 0;
}
