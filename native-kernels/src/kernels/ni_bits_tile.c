/* Epilogues that write a binary consumer's input bits straight from a GEMM tile, without the int8 row in between
 * (docs/numerics.md "Linear layers over tokens"). Each output bit is a test of a monotone function of acc, so per
 * row it becomes an interval test of acc itself: the row's bounds are found once and every token's bit costs a
 * subtraction and an unsigned compare.
 *   sign bits (W1A1 Q, K, V):   bit = acc + bias >= 0                       <=>  acc >= -bias
 *   requantized and tested:     bit = [lo <= sat8(rq(acc + bias)) <= hi] ^ invert
 * The second is what an int8 output does when it passes through a table whose test against the consumer's
 * threshold holds on an interval of the table's index (or off one): ni_bit_interval_of finds out. */
#include <stddef.h>
#include "nano_intent/ni_kernels.h"

#if defined(__GNUC__)
#define NI_BITS_INLINE static inline __attribute__((always_inline))
#else
#define NI_BITS_INLINE static inline
#endif

int ni_bit_interval_of(const int8_t *lut, int32_t threshold, ni_bit_interval *iv)
{
    /* the set {i : lut(i) >= threshold} over i = -128..127; lut NULL = identity */
    int32_t first = 128, last = -129, runs = 0, prev = 0;
    for (int32_t i = -128; i <= 127; i++) {
        int32_t v = lut != NULL ? lut[i + 128] : i, in = v >= threshold;
        if (in && !prev) runs++;
        if (in) {
            if (first == 128) first = i;
            last = i;
        }
        prev = in;
    }
    if (runs <= 1) { /* empty, or one interval */
        iv->lo = runs ? first : 0;
        iv->hi = runs ? last : -1;
        iv->invert = 0;
        return 1;
    }
    if (runs == 2 && lut != NULL && (lut[0] >= threshold) && (lut[255] >= threshold)) {
        /* two runs touching both ends: the complement is the one interval between them */
        int32_t lo = 128, hi = -129;
        for (int32_t i = -128; i <= 127; i++)
            if (lut[i + 128] < threshold) {
                if (lo == 128) lo = i;
                hi = i;
            }
        iv->lo = lo;
        iv->hi = hi;
        iv->invert = 1;
        return 1;
    }
    return 0;
}

/* The smallest acc in [-bound, bound + 1] (bound + 1: none) with round_shift((acc + bias) * M, s) >= q, for
 * q in -127..127 and M >= 0: round_shift(v, s) >= q  <=>  v >= vq = q * 2^s - 2^(s-1) + [q <= 0] (ties away from
 * zero; threshold_of), and (x0 + k) * M >= vq  <=>  k >= ceil((vq - x0 * M) / M) with x0 = bias - bound: one 32-bit
 * division when the difference fits. Returns 0 (caller falls back) for differences over 32 bits. */
typedef struct ni_at_least {
    int64_t vq;     /* the threshold on v */
    int32_t never;  /* q >= 128 */
    int32_t always; /* q <= -128 */
    int32_t fits;   /* |vq| <= 2^30: at_least32 may take it */
} ni_at_least;

#define NI_VQ32_LIMIT ((int64_t)1 << 30)

static int threshold_of(int32_t q, int32_t shift, ni_at_least *t)
{
    t->always = q <= -128;
    t->never = q >= 128;
    t->vq = 0;
    t->fits = 1;
    if (t->always || t->never) return 1;
    if (shift > 48) return 0; /* |q| * 2^s must fit int64 with room */
    t->vq = (int64_t)q * ((int64_t)1 << shift) - ((int64_t)1 << (shift - 1)) + (q <= 0);
    t->fits = t->vq >= -NI_VQ32_LIMIT && t->vq <= NI_VQ32_LIMIT;
    return 1;
}

/* at_least for M > 0 and a threshold that fits (shifts up to 23, every BINARY row of the models so far): the
 * smallest v with v * M >= vq is ceil(vq / M), one 32-bit division whatever the bias, and a = that v - bias
 * clamped to [-bound, bound + 1]. */
static int32_t at_least32(const ni_at_least *t, int32_t bias, int32_t multiplier, int32_t bound)
{
    if (t->always) return -bound;
    if (t->never) return bound + 1;
    const int32_t vq = (int32_t)t->vq;
    const uint32_t m = (uint32_t)multiplier;
    const int32_t v = vq > 0 ? (int32_t)(((uint32_t)vq - 1u) / m + 1u) : -(int32_t)((uint32_t)-vq / m);
    const int64_t a = (int64_t)v - bias;
    return a < -bound ? -bound : a > bound + 1 ? bound + 1 : (int32_t)a;
}

static int at_least(const ni_at_least *t, int32_t bias, int32_t multiplier, int32_t bound, int32_t *a)
{
    if (t->always) { *a = -bound; return 1; }
    if (t->never) { *a = bound + 1; return 1; }
    const int64_t d = t->vq - ((int64_t)bias - bound) * multiplier; /* |.| < 2^55 + 2^62 */
    if (d <= 0) { *a = -bound; return 1; }
    if (d > (int64_t)2 * bound * multiplier) { *a = bound + 1; return 1; } /* also every M = 0 case left */
    if (d > (int64_t)UINT32_MAX) return 0;
    *a = -bound + (int32_t)(((uint32_t)d - 1u) / (uint32_t)multiplier + 1u);
    return 1;
}

/* One row's test: bit = (uint32)(acc - a) < w. */
typedef struct ni_row_test {
    int32_t a;
    uint32_t w;
} ni_row_test;

/* Writes bits [r0, r1) of every token from the rows' tests, xor `flip` (all of the segment's bits or none); [r0, r1)
 * lies in one word. The rows run from the last down, each shifting the complement of its bit in at the bottom
 * (cur = 2 * cur + (u >= w): a compare and an add-with-carry on Arm), so the first row ends at bit 0. */
static void emit(const int32_t *acc, uint32_t acc_stride, uint32_t n, uint32_t r0, uint32_t r1, const ni_row_test *rt,
                 int flip, uint32_t *bits, uint32_t bits_stride)
{
    const uint32_t count = r1 - r0, sh = r0 % 32u;
    const uint32_t ones = count == 32u ? 0xFFFFFFFFu : ((1u << count) - 1u), mask = ones << sh;
    const uint32_t fix = flip ? 0u : ones; /* undoes the complement, unless the test is to be flipped anyway */
    uint32_t *word = bits + r0 / 32u;
    for (uint32_t k = 0; k < n; k++, acc += acc_stride, word += bits_stride) {
        uint32_t cur = 0;
        for (uint32_t j = count; j-- > 0;) cur = cur + cur + ((uint32_t)(acc[j] - rt[j].a) >= rt[j].w);
        *word = (*word & ~mask) | ((cur ^ fix) << sh);
    }
}

/* emit for tests that are acc >= a on every row (w reaches the bound: sign bits, upper sets of int8 values): the
 * complement of the bit is the sign of acc - a. count is a constant after inlining for the usual 8-row tile, which
 * keeps the eight a in registers. */
NI_BITS_INLINE void emit_ge_rows(const int32_t *acc, uint32_t acc_stride, uint32_t n, uint32_t count, uint32_t sh,
                                 const int32_t *a, uint32_t fix, uint32_t mask, uint32_t *word, uint32_t bits_stride)
{
    for (uint32_t k = 0; k < n; k++, acc += acc_stride, word += bits_stride) {
        uint32_t cur = 0;
        for (uint32_t j = 0; j < count; j++) cur |= ((uint32_t)(acc[j] - a[j]) >> 31) << j;
        *word = (*word & ~mask) | ((cur ^ fix) << sh);
    }
}

static void emit_ge(const int32_t *acc, uint32_t acc_stride, uint32_t n, uint32_t r0, uint32_t r1,
                    const ni_row_test *rt, int flip, uint32_t *bits, uint32_t bits_stride)
{
    const uint32_t count = r1 - r0, sh = r0 % 32u;
    const uint32_t ones = count == 32u ? 0xFFFFFFFFu : ((1u << count) - 1u), mask = ones << sh;
    const uint32_t fix = flip ? 0u : ones;
    int32_t a[32];
    for (uint32_t j = 0; j < count; j++) a[j] = rt[j].a;
    if (count == 8u)
        emit_ge_rows(acc, acc_stride, n, 8u, sh, a, fix, mask, bits + r0 / 32u, bits_stride);
    else
        emit_ge_rows(acc, acc_stride, n, count, sh, a, fix, mask, bits + r0 / 32u, bits_stride);
}

/* emit for sign bits, exact for any int32 acc: the complement of the bit is acc < a (a = -bias). */
NI_BITS_INLINE void emit_lt_rows(const int32_t *acc, uint32_t acc_stride, uint32_t n, uint32_t count, uint32_t sh,
                                 const int32_t *a, uint32_t fix, uint32_t mask, uint32_t *word, uint32_t bits_stride)
{
    for (uint32_t k = 0; k < n; k++, acc += acc_stride, word += bits_stride) {
        uint32_t cur = 0;
        for (uint32_t j = 0; j < count; j++) cur |= (uint32_t)(acc[j] < a[j]) << j;
        *word = (*word & ~mask) | ((cur ^ fix) << sh);
    }
}

static void emit_lt(const int32_t *acc, uint32_t acc_stride, uint32_t n, uint32_t r0, uint32_t r1,
                    const ni_row_test *rt, int flip, uint32_t *bits, uint32_t bits_stride)
{
    const uint32_t count = r1 - r0, sh = r0 % 32u;
    const uint32_t ones = count == 32u ? 0xFFFFFFFFu : ((1u << count) - 1u), mask = ones << sh;
    const uint32_t fix = flip ? 0u : ones;
    int32_t a[32];
    for (uint32_t j = 0; j < count; j++) a[j] = rt[j].a;
    if (count == 8u)
        emit_lt_rows(acc, acc_stride, n, 8u, sh, a, fix, mask, bits + r0 / 32u, bits_stride);
    else
        emit_lt_rows(acc, acc_stride, n, count, sh, a, fix, mask, bits + r0 / 32u, bits_stride);
}

/* emit_ge for the usual tile: 8 rows at a byte of the word (bit offset a multiple of 8), |acc| and |a| small. Each
 * token's 8 bits are one byte store, no read-modify-write of the word. On Armv7E-M two rows share a word as int16
 * lanes (rows j and j + 4): SSUB16 of (a - 1, acc) is negative in a lane exactly when acc >= a, and the four words'
 * lane signs gather into the byte with ANDs and shifted ORs: ~35 instructions per token for 8 bits. Needs
 * |a - 1 - acc| < 2^15 (bound <= NI_BITS_LANE_BOUND) and a little-endian word. Elsewhere the same bytes in C. */
#define NI_BITS_LANE_BOUND 16383
#if defined(__ARM_FEATURE_SIMD32) && __ARM_FEATURE_SIMD32 && !defined(__ARM_BIG_ENDIAN) && defined(__GNUC__)
#include <arm_acle.h>
#define NI_BITS_LANES 1
#endif
/* lo and hi as the int16 lanes of one word (PKHBT). */
NI_BITS_INLINE uint32_t lanes16(int32_t lo, int32_t hi) { return ((uint32_t)lo & 0xFFFFu) | (uint32_t)hi << 16; }

static int emit_ge8_ok(uint32_t count, uint32_t sh, int32_t bound)
{
    const union { uint32_t w; uint8_t b[4]; } probe = { 1u }; /* byte 0 = the low bits of a word */
    return count == 8u && sh % 8u == 0 && bound <= NI_BITS_LANE_BOUND && probe.b[0] == 1u;
}

static void emit_ge8(const int32_t *acc, uint32_t acc_stride, uint32_t n, const ni_row_test *rt, uint32_t flip,
                     uint8_t *out, uint32_t out_stride)
{
#if defined(NI_BITS_LANES)
    const uint32_t m = 0x80008000u;
    uint32_t a[4];
    for (uint32_t j = 0; j < 4; j++) a[j] = lanes16(rt[j].a - 1, rt[j + 4].a - 1);
    const uint32_t a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3];
    for (const int32_t *end = acc + n * acc_stride; acc != end; acc += acc_stride, out += out_stride) {
        const uint32_t d0 = (uint32_t)__ssub16((int16x2_t)a0, (int16x2_t)lanes16(acc[0], acc[4]));
        const uint32_t d1 = (uint32_t)__ssub16((int16x2_t)a1, (int16x2_t)lanes16(acc[1], acc[5]));
        const uint32_t d2 = (uint32_t)__ssub16((int16x2_t)a2, (int16x2_t)lanes16(acc[2], acc[6]));
        const uint32_t d3 = (uint32_t)__ssub16((int16x2_t)a3, (int16x2_t)lanes16(acc[3], acc[7]));
        /* rows 0..3 at bits 12..15, rows 4..7 at bits 28..31 */
        const uint32_t r = (d3 & m) | (d2 & m) >> 1 | (d1 & m) >> 2 | (d0 & m) >> 3;
        *out = (uint8_t)((r >> 12 | r >> 24) ^ flip);
    }
#else
    for (uint32_t k = 0; k < n; k++, acc += acc_stride, out += out_stride) {
        uint32_t cur = 0;
        for (uint32_t j = 0; j < 8u; j++) cur |= (uint32_t)(acc[j] >= rt[j].a) << j;
        *out = (uint8_t)(cur ^ flip);
    }
#endif
}

/* Runs emit over the tile's word segments; `bounds` fills a[j], w[j] for rows [s0, s1), 0 = cannot. */
typedef int (*ni_bounds_fn)(const ni_tensor *t, const ni_encoding_traits *e, int32_t bound, uint32_t s0, uint32_t s1,
                            const void *arg, ni_row_test *rt);

/* acc + bias >= 0  <=>  acc >= -bias. bound 0: any int32 acc (emit_lt); else |acc| <= bound and -bias clamped to
 * [-bound, bound + 1], an upper interval like the requantized tests'. */
static int sign_bounds(const ni_tensor *t, const ni_encoding_traits *e, int32_t bound, uint32_t s0, uint32_t s1,
                       const void *arg, ni_row_test *rt)
{
    (void)arg;
    for (uint32_t r = s0; r < s1; r++) {
        const int32_t bias = e->row_params(t, r).bias;
        if (bias == INT32_MIN) return 0; /* -bias is no int32: the definition */
        int32_t a = -bias;
        if (bound > 0) a = a < -bound ? -bound : a > bound + 1 ? bound + 1 : a;
        rt[r - s0].a = a;
        rt[r - s0].w = bound > 0 ? (uint32_t)(bound + 1 - a) : 0u;
    }
    return 1;
}

/* exact: sign bits for any int32 acc (bounds get 0); else |acc| <= the encoding's acc_bound. */
static int tile_bits(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                     uint32_t n, ni_bounds_fn bounds, const void *arg, int flip, int exact, uint32_t *bits,
                     uint32_t bits_stride)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    if (e->acc_bound == NULL && !exact) return 0;
    /* interval widths (up to 2 bound + 1) and acc - a must stay in int32: wider tensors take the caller's path */
    if (!exact && e->acc_bound(t->cols) > (uint32_t)((INT32_MAX - 1) / 2)) return 0;
    int32_t bound = exact ? 0 : (int32_t)e->acc_bound(t->cols);
    if (!exact && bound == 0) bound = 1; /* acc = 0 lies in [-1, 1] too; 0 would read as exact in sign_bounds */
    ni_row_test rt[32];
    for (uint32_t s0 = r0; s0 < r1;) {
        const uint32_t s1 = r1 - s0 < 32u - s0 % 32u ? r1 : s0 + (32u - s0 % 32u);
        if (!bounds(t, e, bound, s0, s1, arg, rt)) return 0;
        if (exact) {
            emit_lt(acc + (s0 - r0), acc_stride, n, s0, s1, rt, flip, bits, bits_stride);
            s0 = s1;
            continue;
        }
        uint32_t upper = 1; /* every row's interval runs up to the bound: acc >= a */
        for (uint32_t j = 0; j < s1 - s0; j++) upper &= rt[j].w == (uint32_t)(bound + 1 - rt[j].a);
        if (upper && emit_ge8_ok(s1 - s0, s0 % 32u, bound))
            emit_ge8(acc + (s0 - r0), acc_stride, n, rt, flip ? 0xFFu : 0u,
                     (uint8_t *)(void *)(bits + s0 / 32u) + (s0 % 32u) / 8u, 4u * bits_stride);
        else if (upper)
            emit_ge(acc + (s0 - r0), acc_stride, n, s0, s1, rt, flip, bits, bits_stride);
        else
            emit(acc + (s0 - r0), acc_stride, n, s0, s1, rt, flip, bits, bits_stride);
        s0 = s1;
    }
    return 1;
}

static int interval_bounds(const ni_tensor *t, const ni_encoding_traits *e, int32_t bound, uint32_t s0, uint32_t s1,
                           const void *arg, ni_row_test *rt)
{
    const ni_bit_interval *iv = (const ni_bit_interval *)arg;
    ni_at_least lo_t = { 0, 0, 0, 0 }, hi_t = { 0, 0, 0, 0 };
    int32_t shift = 0; /* the thresholds on v depend on the shift only: computed again when it changes */
    for (uint32_t r = s0; r < s1; r++) {
        const ni_int8_row_params p = e->row_params(t, r);
        if (p.multiplier < 0) return 0;
        if (p.shift != shift) {
            shift = p.shift;
            if (!threshold_of(iv->lo, shift, &lo_t) || !threshold_of(iv->hi + 1, shift, &hi_t)) return 0;
        }
        int32_t lo, hi1;
        if (p.multiplier > 0 && lo_t.fits && hi_t.fits) {
            lo = at_least32(&lo_t, p.bias, p.multiplier, bound);
            hi1 = at_least32(&hi_t, p.bias, p.multiplier, bound);
        } else if (!at_least(&lo_t, p.bias, p.multiplier, bound, &lo) ||
                   !at_least(&hi_t, p.bias, p.multiplier, bound, &hi1)) {
            return 0;
        }
        rt[r - s0].a = lo;
        rt[r - s0].w = hi1 > lo ? (uint32_t)(hi1 - lo) : 0u; /* acc in [lo, hi1) */
    }
    return 1;
}

/* The definition, one bit at a time (a bias of INT32_MIN). */
static void sign_bits_each(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                           uint32_t n, uint32_t *bits, uint32_t bits_stride);

void ni_sign_tile_bits(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                       uint32_t n, uint32_t *bits, uint32_t bits_stride)
{
    if (!tile_bits(t, r0, r1, acc, acc_stride, n, sign_bounds, NULL, 0, 1, bits, bits_stride))
        sign_bits_each(t, r0, r1, acc, acc_stride, n, bits, bits_stride);
}

void ni_sign_tile_bits_gemm(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                            uint32_t n, uint32_t *bits, uint32_t bits_stride)
{
    if (!tile_bits(t, r0, r1, acc, acc_stride, n, sign_bounds, NULL, 0, 0, bits, bits_stride))
        ni_sign_tile_bits(t, r0, r1, acc, acc_stride, n, bits, bits_stride);
}

static void sign_bits_each(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                           uint32_t n, uint32_t *bits, uint32_t bits_stride)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding); /* no accumulator bound: the definition */
    for (uint32_t r = r0; r < r1; r++) {
        const int32_t bias = e->row_params(t, r).bias;
        const uint32_t m = 1u << (r % 32u);
        for (uint32_t k = 0; k < n; k++) {
            uint32_t *wd = &bits[k * bits_stride + r / 32u];
            *wd = (int64_t)acc[k * acc_stride + (r - r0)] + bias >= 0 ? *wd | m : *wd & ~m;
        }
    }
}

int ni_requant_tile_bits(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                         uint32_t n, const ni_bit_interval *iv, uint32_t *bits, uint32_t bits_stride)
{
    return tile_bits(t, r0, r1, acc, acc_stride, n, interval_bounds, iv, iv->invert, 0, bits, bits_stride);
}
