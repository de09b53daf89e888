/* The epilogues that write a binary consumer's input bits straight from a GEMM tile (ni_bits_tile.c) against their
 * definition written here element by element: sign bits (acc + bias >= 0) and the requantized int8 value through a
 * table tested against a threshold (table[sat8(round_shift((acc + bias) * M, s)) + 128] >= t). Tensors of both
 * encodings built in memory with random and extreme params (shifts 1..62, multipliers 0..max, biases at their
 * limits), accumulators over the whole range the encoding allows (and its ends), monotone, dipping (GELU-like) and
 * random tables, every threshold, row ranges that cross words; the bits around the written ones are guarded. Runs on
 * the host and, cross-built, under QEMU (tests/mcu). */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 20251130u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8 ^ rng_state << 13; }
static int32_t rnd_in(int32_t lo, int32_t hi) { return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1)); }

#define ROWS 80u
#define COLS 128u
#define TOKENS 257u /* 2 * COLS + 1: every BINARY accumulator value once */
#define WORDS 4u /* bits per token: 128 */

static uint8_t params[16 + 12 * ROWS] __attribute__((aligned(4)));
static int32_t acc[TOKENS * ROWS];
static uint32_t bits[TOKENS * WORDS], guard[TOKENS * WORDS], want[TOKENS * WORDS];
static int8_t table[256];

static void le32(uint8_t *p, int32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)((uint32_t)v >> (8 * i)); }
static void le16(uint8_t *p, int32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)((uint32_t)v >> 8); }

/* A tensor of ROWS x COLS with random row params: BINARY (int16 bias, uint16 multiplier, one shift) or INT8_ROW. */
static ni_tensor make_tensor(uint8_t encoding, int extreme)
{
    ni_tensor t;
    memset(&t, 0, sizeof t);
    t.encoding = encoding;
    t.rows = ROWS;
    t.cols = COLS;
    t.params = params;
    const int32_t shift = extreme ? rnd_in(1, 62) : rnd_in(1, 22);
    if (encoding == NI_ENC_BINARY) {
        t.params_len = 16 + 4 * ROWS;
        le32(params, 0);
        le32(params + 4, shift);
        le32(params + 8, 0);
        le32(params + 12, 0);
        for (uint32_t r = 0; r < ROWS; r++) {
            int32_t bias = extreme && r % 3 == 0 ? (r % 2 ? 32767 : -32768) : rnd_in(-300, 300);
            const int32_t m = rnd_in(1, 65535), down = rnd_in(0, 8); /* in this order on every compiler */
            int32_t mult = r % 7 == 0 ? (r % 2 ? 0 : 65535) : m >> down;
            const int32_t tie = shift - 1 - (int32_t)(r % 2); /* ties: x * M = (2q - 1) 2^(s-1) */
            if (r % 5 == 1 && tie >= 0 && tie <= 15) mult = 1 << tie;
            le16(params + 16 + 4 * r, bias);
            le16(params + 18 + 4 * r, mult);
        }
    } else {
        t.params_len = 12 * ROWS;
        for (uint32_t r = 0; r < ROWS; r++) {
            int32_t bias = extreme && r % 3 == 0 ? (r % 2 ? (1 << 30) : -(1 << 30)) : rnd_in(-100000, 100000);
            const int32_t m = rnd_in(1, 1 << 14), down = rnd_in(0, 8);
            int32_t mult = r % 7 == 0 ? (r % 2 ? 0 : 0x7FFFFFFF) : m >> down;
            le32(params + 12 * r, bias);
            le32(params + 12 * r + 4, mult);
            const int32_t s_r = extreme ? rnd_in(1, 62) : shift;
            const int32_t tie = s_r - 1 - (int32_t)(r % 2);
            if (r % 5 == 1 && tie >= 0 && tie <= 30) le32(params + 12 * r + 4, 1 << tie); /* ties */
            le32(params + 12 * r + 8, s_r);
        }
    }
    return t;
}

/* Token k's accumulators: for BINARY every value -bound + k (all of them when n = 2 * bound + 1), for INT8_ROW
 * random ones, small ones and the ends. */
static void fill_acc(int32_t bound, uint32_t n, uint32_t w)
{
    for (uint32_t k = 0; k < n; k++)
        for (uint32_t j = 0; j < w; j++) {
            uint32_t pick = rnd() % 8u;
            acc[k * w + j] = bound == (int32_t)COLS ? -bound + (int32_t)k
                           : pick == 0 ? bound : pick == 1 ? -bound : pick < 4 ? rnd_in(-2000, 2000) : rnd_in(-bound, bound);
        }
}

static uint32_t tokens_for(uint8_t enc) { return enc == NI_ENC_BINARY ? TOKENS : 1 + rnd() % TOKENS; }

static void fill_table(int kind)
{
    for (int i = 0; i < 256; i++) {
        int x = i - 128, v;
        switch (kind) {
        case 0: v = x; break;                                   /* identity (as a table) */
        case 1: v = x < 0 ? (x < -40 ? 0 : -(x * (x + 40)) / -60) : x; break; /* GELU-like: dips below 0, back to 0 */
        case 2: v = 127 - i / 2; break;                         /* decreasing */
        default: v = rnd_in(-128, 127); break;                  /* random */
        }
        table[i] = (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
    }
}

static int bit_of(const uint32_t *b, uint32_t k, uint32_t r) { return (int)(b[k * WORDS + r / 32] >> (r % 32) & 1u); }

/* Checks tokens' bits [r0, r1) against want(k, r) and every other bit against the guard. */
static void check_bits(uint32_t n, uint32_t r0, uint32_t r1, const char *what, int c)
{
    for (uint32_t k = 0; k < TOKENS; k++)
        for (uint32_t r = 0; r < COLS; r++) {
            int inside = k < n && r >= r0 && r < r1;
            int expect = inside ? bit_of(want, k, r) : bit_of(guard, k, r);
            if (bit_of(bits, k, r) != expect) {
                if (failures < 20) printf("FAIL %s case %d token %u row %u (tile %u..%u)\n", what, c, (unsigned)k, (unsigned)r, (unsigned)r0, (unsigned)r1);
                failures++;
            }
        }
}

static void test_sign(void)
{
    for (int c = 0; c < 400; c++) {
        const uint8_t enc = c % 2 ? NI_ENC_BINARY : NI_ENC_INT8_ROW;
        const ni_tensor t = make_tensor(enc, c % 4 >= 2);
        const int32_t bound = (int32_t)ni_encoding_find(enc)->acc_bound(COLS);
        const uint32_t n = tokens_for(enc), r0 = rnd() % 64u, r1 = r0 + 1 + rnd() % 16u;
        fill_acc(bound, n, r1 - r0);
        if (c % 3 == 0) /* sign bits are exact for any int32 accumulator, not only the encoding's range */
            for (uint32_t k = 0; k < n * (r1 - r0); k += 3)
                acc[k] = k % 2 ? (int32_t)(rnd() ^ rnd() << 7) : (k % 4 ? INT32_MIN : INT32_MAX);
        memset(want, 0, sizeof want);
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t r = r0; r < r1; r++)
                if ((int64_t)acc[k * (r1 - r0) + (r - r0)] + ni_encoding_find(enc)->row_params(&t, r).bias >= 0)
                    want[k * WORDS + r / 32] |= 1u << (r % 32);
        for (uint32_t i = 0; i < TOKENS * WORDS; i++) bits[i] = guard[i] = rnd();
        ni_sign_tile_bits(&t, r0, r1, acc, r1 - r0, n, bits, WORDS);
        check_bits(n, r0, r1, "sign", c);
    }
}

static void test_interval_of(void)
{
    ni_bit_interval iv;
    for (int kind = 0; kind < 4; kind++)
        for (int c = 0; c < 20; c++) {
            fill_table(kind);
            for (int32_t thr = -128; thr <= 127; thr++) {
                const int8_t *lut = kind == 0 && c % 2 ? NULL : table;
                if (!ni_bit_interval_of(lut, thr, &iv)) {
                    CHECK(kind == 3); /* only random tables may have more than one run each way */
                    continue;
                }
                for (int32_t i = -128; i <= 127; i++) {
                    int in = (lut ? lut[i + 128] : i) >= thr, got = (i >= iv.lo && i <= iv.hi) ^ (iv.invert != 0);
                    if (in != got) {
                        if (failures < 20) printf("FAIL interval kind %d thr %d i %d\n", kind, (int)thr, (int)i);
                        failures++;
                    }
                }
            }
        }
}

static void test_requant_bits(void)
{
    int handled = 0, total = 0;
    for (int c = 0; c < 1500; c++) {
        const uint8_t enc = c % 3 ? NI_ENC_BINARY : NI_ENC_INT8_ROW;
        const ni_tensor t = make_tensor(enc, c % 5 == 4);
        const ni_encoding_traits *e = ni_encoding_find(enc);
        const int32_t bound = (int32_t)e->acc_bound(COLS);
        fill_table(c % 4);
        const int8_t *lut = (c / 3) % 4 == 0 ? NULL : table;
        const int32_t thr = c % 11 == 0 ? (c % 2 ? -128 : 127) : (c / 7) % 2 ? rnd_in(-2, 2) : rnd_in(-40, 40);
        ni_bit_interval iv;
        if (!ni_bit_interval_of(lut, thr, &iv)) continue;
        const uint32_t n = tokens_for(enc), r0 = rnd() % 64u, r1 = r0 + 1 + rnd() % 16u;
        fill_acc(bound, n, r1 - r0);
        memset(want, 0, sizeof want);
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t r = r0; r < r1; r++) {
                const ni_int8_row_params p = e->row_params(&t, r);
                int64_t v = ni_round_shift(((int64_t)acc[k * (r1 - r0) + (r - r0)] + p.bias) * p.multiplier, p.shift);
                int32_t q = ni_sat8(v);
                if ((lut ? lut[q + 128] : q) >= thr) want[k * WORDS + r / 32] |= 1u << (r % 32);
            }
        for (uint32_t i = 0; i < TOKENS * WORDS; i++) bits[i] = guard[i] = rnd();
        total++;
        if (!ni_requant_tile_bits(&t, r0, r1, acc, r1 - r0, n, &iv, bits, WORDS)) continue; /* the caller's int8 path */
        handled++;
        check_bits(n, r0, r1, "requant bits", c);
    }
    /* every BINARY tensor with a shift up to 48 must take the bit path: that is the case it exists for */
    printf("requant bits: %d of %d tiles handled\n", handled, total);
    CHECK(handled * 2 > total);
}

/* The BINARY shapes the runtime uses always take the bit path (none falls back to the int8 row). */
static void test_binary_always_handled(void)
{
    for (int c = 0; c < 300; c++) {
        const ni_tensor t = make_tensor(NI_ENC_BINARY, 0);
        ni_bit_interval iv;
        fill_table(c % 3);
        if (!ni_bit_interval_of(table, rnd_in(-128, 127), &iv)) continue;
        fill_acc((int32_t)COLS, 16, 8);
        CHECK(ni_requant_tile_bits(&t, 8, 16, acc, 8, 16, &iv, bits, WORDS) == 1);
    }
}

/* An INT8_ROW tensor of 65,536 columns (acc_bound 2^30: an interval up to 2^31 + 1 wide) at acc = 2^30, the
 * threshold -128 true for every value: the bits are all set, or the kernel declines (the caller's int8 path). */
static void test_widest_int8_rows(void)
{
    ni_tensor t = make_tensor(NI_ENC_INT8_ROW, 0);
    t.cols = 65536u;
    ni_bit_interval iv;
    CHECK(ni_bit_interval_of(NULL, -128, &iv));
    for (uint32_t i = 0; i < 8u; i++) acc[i] = 1 << 30;
    bits[0] = 0;
    if (ni_requant_tile_bits(&t, 0, 8, acc, 8, 1, &iv, bits, WORDS)) CHECK((bits[0] & 0xFFu) == 0xFFu);
}

/* The runtime's usual tile, 8 rows at a byte of the word (r0 a multiple of 8: the lane kernel on Armv7E-M), against
 * the definition: sign bits from ni_sign_tile_bits_gemm and requantized bits (plain, and inverted through a
 * decreasing table), BINARY rows of 128 and 1024 columns with biases at and just past +-acc_bound (the clamps),
 * at their int16 ends and small, every accumulator in -128..128 or +-1024, +-1023 and random ones. */
static void test_byte_tiles(void)
{
    for (int c = 0; c < 400; c++) {
        ni_tensor t = make_tensor(NI_ENC_BINARY, c % 4 == 3);
        t.cols = c % 2 ? 1024u : COLS;
        const ni_encoding_traits *e = ni_encoding_find(NI_ENC_BINARY);
        const int32_t bound = (int32_t)e->acc_bound(t.cols);
        for (uint32_t r = 0; r < ROWS; r++) { /* biases around the clamps */
            static const int32_t pick[] = { 0, 1, -1, 2, -2 };
            const int32_t b = r % 4 == 0 ? bound + pick[r / 4 % 5] : r % 4 == 1 ? -bound + pick[r / 4 % 5]
                            : r % 8 == 2 ? (r % 16 == 2 ? 32767 : -32768) : rnd_in(-300, 300);
            le16(params + 16 + 4 * r, b);
        }
        const uint32_t n = c % 2 ? 1 + rnd() % TOKENS : TOKENS, r0 = 8u * (rnd() % (COLS / 8u)), r1 = r0 + 8u;
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t j = 0; j < 8u; j++) {
                const uint32_t pick = rnd() % 6u;
                acc[k * 8u + j] = t.cols == COLS ? -bound + (int32_t)k
                                : pick == 0 ? bound : pick == 1 ? -bound : pick == 2 ? bound - 1 : pick == 3 ? -bound + 1
                                : rnd_in(-bound, bound);
            }
        const int sign = c % 3 == 0;
        ni_bit_interval iv = { 0, 0, 0 };
        const int8_t *lut = NULL;
        int32_t thr = rnd_in(-20, 20);
        if (!sign) {
            fill_table(c % 3 == 1 ? 0 : 2); /* identity: acc >= a; decreasing: the inverted test */
            lut = c % 6 == 1 ? NULL : table;
            if (c % 11 == 5) thr = c % 2 ? -128 : 127;
            CHECK(ni_bit_interval_of(lut, thr, &iv));
        }
        memset(want, 0, sizeof want);
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t r = r0; r < r1; r++) {
                const ni_int8_row_params p = e->row_params(&t, r);
                const int32_t a = acc[k * 8u + (r - r0)];
                int bit;
                if (sign) {
                    bit = (int64_t)a + p.bias >= 0;
                } else {
                    const int32_t q = ni_sat8(ni_round_shift(((int64_t)a + p.bias) * p.multiplier, p.shift));
                    bit = (lut ? lut[q + 128] : q) >= thr;
                }
                if (bit) want[k * WORDS + r / 32] |= 1u << (r % 32);
            }
        for (uint32_t i = 0; i < TOKENS * WORDS; i++) bits[i] = guard[i] = rnd();
        if (sign) {
            ni_sign_tile_bits_gemm(&t, r0, r1, acc, 8u, n, bits, WORDS);
        } else if (!ni_requant_tile_bits(&t, r0, r1, acc, 8u, n, &iv, bits, WORDS)) {
            CHECK(e->row_params(&t, r0).shift > 48); /* declined only for the shifts it leaves to the int8 path */
            continue;
        }
        check_bits(n, r0, r1, sign ? "byte tile sign" : "byte tile requant", c);
    }
}

/* ni_sign_tile_bits_gemm of an encoding whose bound is too wide for the lanes (INT8_ROW), or 0 (no columns): the
 * same bits as the definition. */
static void test_sign_gemm_wide(void)
{
    for (int c = 0; c < 100; c++) {
        ni_tensor t = make_tensor(NI_ENC_INT8_ROW, c % 2);
        const ni_encoding_traits *e = ni_encoding_find(NI_ENC_INT8_ROW);
        const uint32_t n = 1 + rnd() % TOKENS, r0 = 8u * (rnd() % 8u), r1 = r0 + (c % 3 ? 8u : 1 + rnd() % 16u);
        fill_acc((int32_t)e->acc_bound(COLS), n, r1 - r0);
        if (c % 10 == 0) { /* no columns: acc_bound 0, every accumulator 0, the bit is bias >= 0 */
            t.cols = 0;
            memset(acc, 0, sizeof acc);
        }
        memset(want, 0, sizeof want);
        for (uint32_t k = 0; k < n; k++)
            for (uint32_t r = r0; r < r1; r++)
                if ((int64_t)acc[k * (r1 - r0) + (r - r0)] + e->row_params(&t, r).bias >= 0)
                    want[k * WORDS + r / 32] |= 1u << (r % 32);
        for (uint32_t i = 0; i < TOKENS * WORDS; i++) bits[i] = guard[i] = rnd();
        ni_sign_tile_bits_gemm(&t, r0, r1, acc, r1 - r0, n, bits, WORDS);
        check_bits(n, r0, r1, "sign gemm int8", c);
    }
}

int main(void)
{
    test_sign();
    test_byte_tiles();
    test_sign_gemm_wide();
    test_interval_of();
    test_requant_bits();
    test_binary_always_handled();
    test_widest_int8_rows();
    printf("%s\n", failures ? "FAILED" : "PASSED");
    return failures ? 1 : 0;
}
