/* Requantization of a GEMM tile with each row's params, which come from the tensor's encoding (row_params): the
 * row's params are fetched once and applied to every token of the tile.
 *
 * Per element the definition is round_shift(v * M, s) in 64 bits (docs/numerics.md). Where the ranges allow, the
 * same value comes from 32-bit steps (ni_rq32): with |v| <= maxmag known, scale M by 2^k and |v| by 2^j until
 * s' = s + k + j >= 32 while M 2^k < 2^32 and maxmag 2^j <= 2^31; then |v| 2^j M 2^k + 2^(s'-1) is one 32x32->64
 * multiply-accumulate (below 2^63 + 2^62) and the result is its high word shifted right by s' - 32. Scaling both
 * sides changes nothing: (|v| M 2^(k+j) + 2^(s+k+j-1)) >> (s+k+j) = (|v| M + 2^(s-1)) >> s. The result is also
 * required below 2^30 for every |v| <= maxmag (checked once, in 64 bits), so that two of them add in int32. Rows
 * or residuals outside that take the 64-bit form. */
#include "nano_intent/ni_kernels.h"

#if defined(__GNUC__)
#define NI_RQ_INLINE static inline __attribute__((always_inline))
#else
#define NI_RQ_INLINE static inline
#endif

#define NI_RQ32_LIMIT ((int64_t)1 << 30)

/* The 32-bit form of round_shift(v * multiplier, shift) for |v| <= maxmag; 0 when the ranges do not allow it. */
int ni_rq32_of(int32_t multiplier, int32_t shift, uint32_t maxmag, ni_rq32 *q)
{
    if (multiplier < 0 || shift < 1 || shift > 62 || maxmag > 0x80000000u) return 0;
    if (maxmag < (1u << 30) && (shift >= 31 || (uint32_t)multiplier >> shift == 0)) {
        /* M < 2^s, a ratio under one: the result is at most |v| < 2^30, and M 2^(32-s) < 2^32 (the usual row) */
        const uint32_t k = shift < 32 ? 32u - (uint32_t)shift : 0u, s = (uint32_t)shift + k;
        q->m = (uint32_t)multiplier << k;
        q->up = 0;
        q->down = s - 32u;
        q->half_lo = s == 32u ? 0x80000000u : 0u;
        q->half_hi = s == 32u ? 0u : 1u << (s - 33u);
        return 1;
    }
    const uint64_t m = (uint32_t)multiplier;
    if ((((uint64_t)maxmag * m + ((uint64_t)1 << (shift - 1))) >> shift) >= NI_RQ32_LIMIT) return 0;
    uint32_t k = 0, j = 0;
    if (shift < 32) {
        const uint32_t need = 32u - (uint32_t)shift;
        k = need;
        while (k > 0 && (m << k) > UINT32_MAX) k--;
        j = need - k;
        if (((uint64_t)maxmag << j) > 0x80000000u) return 0;
    }
    const uint32_t s = (uint32_t)shift + k + j; /* max(shift, 32) */
    const uint64_t half = (uint64_t)1 << (s - 1);
    q->m = (uint32_t)(m << k);
    q->up = j;
    q->down = s - 32u;
    q->half_lo = (uint32_t)half;
    q->half_hi = (uint32_t)(half >> 32);
    return 1;
}

/* The same when s' = 32 (shifts up to 32: every BINARY row and residual requant of the models so far): no shift
 * down, the rounding constant 2^31, both known to the compiler, which keeps the loop in registers. */
NI_RQ_INLINE int32_t rq32_at32(int32_t v, uint32_t m, uint32_t up)
{
    const uint32_t sign = (uint32_t)(v >> 31);
    const uint32_t mag = (((uint32_t)v ^ sign) - sign) << up;
    const uint32_t r = (uint32_t)(((uint64_t)mag * m + 0x80000000u) >> 32);
    return (int32_t)((r ^ sign) - sign);
}

static int at32(const ni_rq32 *q) { return q->down == 0 && q->half_hi == 0; }

#if defined(__ARM_FEATURE_SAT)
#include <arm_acle.h>
#define sat16_32(v) __ssat((v), 16)
#else
NI_RQ_INLINE int32_t sat16_32(int32_t v) { return v > 32767 ? 32767 : (v < -32768 ? -32768 : v); }
#endif

static int64_t value(int32_t acc, ni_int8_row_params p)
{
    return ni_round_shift_inline(((int64_t)acc + p.bias) * p.multiplier, p.shift);
}

/* 1 when row params p take the 32-bit form for accumulators |acc| <= acc_bound (acc + bias then fits int32) */
static int row_fits_32(ni_int8_row_params p, uint32_t acc_bound, ni_rq32 *q)
{
    const int64_t maxmag = (int64_t)acc_bound + (p.bias < 0 ? -(int64_t)p.bias : p.bias);
    return maxmag <= INT32_MAX && ni_rq32_of(p.multiplier, p.shift, (uint32_t)maxmag, q);
}

/* The encoding's accumulator bound; over 2^31 (no 32-bit form) when it gives none. */
static uint32_t bound_of(const ni_encoding_traits *e, const ni_tensor *t)
{
    return e->acc_bound != NULL ? e->acc_bound(t->cols) : UINT32_MAX;
}

/* A single token (the exit heads) does not pay for a row's setup. */
#define NI_RQ32_MIN_TOKENS 2u

/* The tile epilogues for accumulators |acc| <= bound (UINT32_MAX: any int32, no 32-bit form). */
static void tile_s8(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride, uint32_t n,
                    int8_t *out, uint32_t out_stride, uint32_t bound)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    const int batched = n >= NI_RQ32_MIN_TOKENS;
    for (uint32_t r = r0; r < r1; r++) {
        const ni_int8_row_params p = e->row_params(t, r);
        const int32_t *a = acc + (r - r0);
        int8_t *o = out + (r - r0);
        ni_rq32 q;
        if (batched && row_fits_32(p, bound, &q))
            for (uint32_t k = 0; k < n; k++) o[k * out_stride] = ni_sat8(ni_rq32_apply(a[k * acc_stride] + p.bias, &q));
        else
            for (uint32_t k = 0; k < n; k++) o[k * out_stride] = ni_sat8(value(a[k * acc_stride], p));
    }
}

static void tile_add_s16(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                         uint32_t n, ni_requant res_rq, int16_t *io, uint32_t io_stride, uint32_t bound)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    ni_rq32 rq_res;
    const int res_fits = n >= NI_RQ32_MIN_TOKENS && ni_rq32_of(res_rq.multiplier, res_rq.shift, 32768u, &rq_res);
    for (uint32_t r = r0; r < r1; r++) {
        const ni_int8_row_params p = e->row_params(t, r);
        const int32_t *a = acc + (r - r0);
        int16_t *o = io + r;
        ni_rq32 q;
        /* both terms below 2^30: the sum fits int32 */
        if (res_fits && row_fits_32(p, bound, &q) && at32(&q) && at32(&rq_res)) {
            const int32_t bias = p.bias;
            const uint32_t m = q.m, m_res = rq_res.m, up = q.up, up_res = rq_res.up;
            for (const int32_t *end = a + n * acc_stride; a != end; a += acc_stride, o += io_stride)
                *o = (int16_t)sat16_32(rq32_at32(*a + bias, m, up) + rq32_at32(*o, m_res, up_res));
        } else if (res_fits && row_fits_32(p, bound, &q)) {
            for (uint32_t k = 0; k < n; k++)
                o[k * io_stride] = (int16_t)sat16_32(ni_rq32_apply(a[k * acc_stride] + p.bias, &q) +
                                                     ni_rq32_apply(o[k * io_stride], &rq_res));
        } else {
            for (uint32_t k = 0; k < n; k++) {
                int64_t residual = ni_round_shift_inline((int64_t)o[k * io_stride] * res_rq.multiplier, res_rq.shift);
                o[k * io_stride] = ni_sat16(value(a[k * acc_stride], p) + residual);
            }
        }
    }
}

/* tile_add_s16 with the residual already requantized in io (ni_requant_lut16): io = sat16(v + io). */
static void tile_plus_s16(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                          uint32_t n, int16_t *io, uint32_t io_stride, uint32_t bound)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    const int batched = n >= NI_RQ32_MIN_TOKENS;
    for (uint32_t r = r0; r < r1; r++) {
        const ni_int8_row_params p = e->row_params(t, r);
        const int32_t *a = acc + (r - r0);
        int16_t *o = io + r;
        ni_rq32 q;
        /* the value below 2^30 and |io| <= 2^15: the sum fits int32 */
        if (batched && row_fits_32(p, bound, &q) && at32(&q)) {
            const int32_t bias = p.bias;
            const uint32_t m = q.m, up = q.up;
            for (const int32_t *end = a + n * acc_stride; a != end; a += acc_stride, o += io_stride)
                *o = (int16_t)sat16_32(rq32_at32(*a + bias, m, up) + *o);
        } else if (batched && row_fits_32(p, bound, &q)) {
            for (uint32_t k = 0; k < n; k++)
                o[k * io_stride] = (int16_t)sat16_32(ni_rq32_apply(a[k * acc_stride] + p.bias, &q) + o[k * io_stride]);
        } else {
            for (uint32_t k = 0; k < n; k++) o[k * io_stride] = ni_sat16(value(a[k * acc_stride], p) + o[k * io_stride]);
        }
    }
}

/* The encoding's range when every accumulator of the tile lies in it (a caller's own values may not), else none. */
static uint32_t bound_seen(const ni_tensor *t, const int32_t *acc, uint32_t acc_stride, uint32_t w, uint32_t n)
{
    const uint32_t bound = bound_of(ni_encoding_find(t->encoding), t);
    if (bound >= 0x80000000u) return UINT32_MAX;
    for (uint32_t k = 0; k < n; k++)
        for (uint32_t j = 0; j < w; j++)
            if ((uint32_t)acc[k * acc_stride + j] + bound > 2u * bound) return UINT32_MAX; /* |acc| > bound */
    return bound;
}

void ni_requant_tile_s8(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                        uint32_t n, int8_t *out, uint32_t out_stride)
{
    tile_s8(t, r0, r1, acc, acc_stride, n, out, out_stride, bound_seen(t, acc, acc_stride, r1 - r0, n));
}

void ni_requant_tile_s8_gemm(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                             uint32_t n, int8_t *out, uint32_t out_stride)
{
    tile_s8(t, r0, r1, acc, acc_stride, n, out, out_stride, bound_of(ni_encoding_find(t->encoding), t));
}

void ni_requant_tile_add_s16(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                             uint32_t n, ni_requant res_rq, int16_t *io, uint32_t io_stride)
{
    tile_add_s16(t, r0, r1, acc, acc_stride, n, res_rq, io, io_stride, bound_seen(t, acc, acc_stride, r1 - r0, n));
}

void ni_requant_tile_add_s16_gemm(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                                  uint32_t acc_stride, uint32_t n, ni_requant res_rq, int16_t *io, uint32_t io_stride)
{
    tile_add_s16(t, r0, r1, acc, acc_stride, n, res_rq, io, io_stride, bound_of(ni_encoding_find(t->encoding), t));
}

void ni_requant_tile_plus_s16(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                              uint32_t n, int16_t *io, uint32_t io_stride)
{
    tile_plus_s16(t, r0, r1, acc, acc_stride, n, io, io_stride, bound_seen(t, acc, acc_stride, r1 - r0, n));
}

void ni_requant_tile_plus_s16_gemm(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                                   uint32_t acc_stride, uint32_t n, int16_t *io, uint32_t io_stride)
{
    tile_plus_s16(t, r0, r1, acc, acc_stride, n, io, io_stride, bound_of(ni_encoding_find(t->encoding), t));
}

int ni_requant_lut16(ni_requant rq, int16_t *lut)
{
    /* round_shift is odd (ties away from zero): v(-i) = -v(i). v(i) = (i M + 2^(s-1)) >> s, the sum kept as it
     * grows by M; v rises with i (M >= 0), so v(128) decides whether -128 fits. */
    if (rq.multiplier < 0 || rq.shift < 1 || rq.shift > 62) return 0;
    const uint64_t m = (uint32_t)rq.multiplier;
    uint64_t x = (uint64_t)1 << (rq.shift - 1);
    if (((x + 128u * m) >> rq.shift) > 32768u) return 0;
    lut[128] = 0;
    for (uint32_t i = 1; i <= 128u; i++) {
        x += m;
        const int32_t v = (int32_t)(x >> rq.shift);
        if (i < 128u) lut[128 + i] = (int16_t)v;
        lut[128 - i] = (int16_t)-v;
    }
    return 1;
}

void ni_widen_s8_lut16_in_place(void *buf, uint32_t n, const int16_t *lut)
{
    const int8_t *s8 = (const int8_t *)buf; /* from the last value down, as ni_widen_s8_in_place */
    int16_t *s16 = (int16_t *)buf;
    for (uint32_t i = n; i-- > 0;) {
        int8_t v = s8[i];
        s16[i] = lut[v + 128];
    }
}

void ni_requant_tile_logits(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, int32_t *out)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    for (uint32_t r = r0; r < r1; r++) {
        int64_t v = value(acc[r - r0], e->row_params(t, r));
        out[r] = (int32_t)(v > NI_LOGIT_LIMIT ? NI_LOGIT_LIMIT : (v < -NI_LOGIT_LIMIT ? -NI_LOGIT_LIMIT : v));
    }
}

void ni_embed_token_s16(const ni_tensor *word, const ni_tensor *pos, uint32_t token, uint32_t position, int64_t *sum,
                        int16_t *out)
{
    const uint32_t dim = word->cols;
    for (uint32_t c = 0; c < dim; c++) sum[c] = 0;
    ni_encoding_find(word->encoding)->embed_add(word, token, sum);
    ni_encoding_find(pos->encoding)->embed_add(pos, position, sum);
    for (uint32_t c = 0; c < dim; c++) out[c] = ni_sat16(sum[c]);
}

void ni_widen_s8_in_place(void *buf, uint32_t n)
{
    /* from the last value down: value i moves to bytes [2i, 2i + 2), past every value below i still unread */
    const int8_t *s8 = (const int8_t *)buf;
    int16_t *s16 = (int16_t *)buf;
    for (uint32_t i = n; i-- > 0;) {
        int8_t v = s8[i];
        s16[i] = v;
    }
}
