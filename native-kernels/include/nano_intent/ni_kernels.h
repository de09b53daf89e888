/* Integer-only kernels (docs/numerics.md). Each is a portable C99 reference; a platform variant (e.g. the Arm
 * DSP GEMM) must give bit-identical results and is tested against the reference. No float, no malloc. The 1-bit
 * kernels are in ni_kernels_b1.h. */
#ifndef NANO_INTENT_NI_KERNELS_H
#define NANO_INTENT_NI_KERNELS_H

#include <stdint.h>
#include <string.h>
#include "ni_encoding.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- fixed-point primitives (rounding defined once, mirrored in C#) ---- */

/* round(v / 2^shift), ties away from zero, 1 <= shift <= 62, |v| < 2^62. Never shifts a negative number: the
 * magnitude is taken in uint64, so neither the negation nor the rounding addend can overflow (a negative number's
 * shift is implementation-defined in C99). Inline, as the kernels apply it to every element; ni_round_shift is the
 * same function with external linkage (ni_fixed.c). */
static inline int64_t ni_round_shift_inline(int64_t v, int32_t shift)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t r = (mag + ((uint64_t)1 << (shift - 1))) >> shift;
    return v < 0 ? -(int64_t)r : (int64_t)r;
}
int64_t ni_round_shift(int64_t v, int32_t shift);
/* round(num / den), ties away from zero, den > 0. */
int64_t ni_div_round(int64_t num, int64_t den);
/* floor(sqrt(v)). */
uint32_t ni_isqrt64(uint64_t v);
/* round_shift((int64)acc * rq.multiplier, rq.shift) saturated to int32. */
int32_t ni_requant_s32(int32_t acc, ni_requant rq);
static inline int8_t ni_sat8(int64_t v) { return (int8_t)(v > 127 ? 127 : (v < -128 ? -128 : v)); }
static inline int16_t ni_sat16(int64_t v) { return (int16_t)(v > 32767 ? 32767 : (v < -32768 ? -32768 : v)); }

/* round_shift(v * M, s) in 32-bit steps for every |v| <= a known maxmag (the tile epilogues, ni_requant_tile.c):
 * M and |v| scaled by 2^k and 2^j until s' = s + k + j >= 32 (M 2^k < 2^32, maxmag 2^j <= 2^31), then one
 * 32x32->64 multiply-accumulate onto 2^(s'-1), its high word shifted right by s' - 32. */
typedef struct ni_rq32 {
    uint32_t m;       /* M * 2^k */
    uint32_t up;      /* j */
    uint32_t down;    /* s' - 32 */
    uint32_t half_lo; /* 2^(s'-1), low and high words */
    uint32_t half_hi;
} ni_rq32;
/* 1 and q when the form holds for |v| <= maxmag with every result below 2^30 (two of them add in int32); 0 when
 * the ranges do not allow it (then the caller uses ni_round_shift). multiplier >= 0, 1 <= shift <= 62. */
int ni_rq32_of(int32_t multiplier, int32_t shift, uint32_t maxmag, ni_rq32 *q);
/* round_shift((int64)v * M, s) for |v| <= the maxmag q was made for. */
static inline int32_t ni_rq32_apply(int32_t v, const ni_rq32 *q)
{
    const uint32_t sign = (uint32_t)(v >> 31); /* all ones when v < 0: |v| and back without branches */
    const uint32_t mag = (((uint32_t)v ^ sign) - sign) << q->up;
    const uint64_t half = (uint64_t)q->half_hi << 32 | q->half_lo;
    const uint32_t r = (uint32_t)(((uint64_t)mag * q->m + half) >> 32) >> q->down;
    return (int32_t)((r ^ sign) - sign);
}

/* Loads of multi-byte params that may live inside an image byte array: through memcpy, so they are defined
 * behaviour whatever the buffer's declared type (no strict-aliasing assumptions); compilers emit plain loads. */
static inline int32_t ni_ld32(const int32_t *p) { int32_t v; memcpy(&v, p, sizeof v); return v; }
static inline ni_requant ni_ld_requant(const ni_requant *p) { ni_requant v; memcpy(&v, p, sizeof v); return v; }
static inline ni_ln_param ni_ld_ln(const ni_ln_param *p) { ni_ln_param v; memcpy(&v, p, sizeof v); return v; }

/* ---- token-batched int8 GEMM (NI_ENC_INT8_ROW) ---- */

/* acc[t*acc_stride + (r - r0)] = sum_c w[r*cols + c] * x[t*x_stride + c] for tokens t < n and rows r0 <= r < r1;
 * int32, row-major weights, cols % 4 == 0, cols <= 2^16. Each weight row is read once for all n tokens. */
void ni_gemm_s8_ref(const int8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                    uint32_t r1, int32_t *acc, uint32_t acc_stride);
#ifdef NI_HAVE_GEMM_S8_DSP
void ni_gemm_s8_dsp(const int8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                    uint32_t r1, int32_t *acc, uint32_t acc_stride);
#endif
/* Same contract; the DSP variant when NI_HAVE_GEMM_S8_DSP is defined, else the reference. */
void ni_gemm_s8(const int8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                uint32_t r1, int32_t *acc, uint32_t acc_stride);
/* sum_c a[c] * b[c] over int8, n <= 2^16. */
int32_t ni_dot_s8(const int8_t *a, const int8_t *b, uint32_t n);

/* ---- requantization of a GEMM tile, row params from the tensor's encoding (row_params) ----
 * acc holds rows [r0, r1) of n tokens: acc[t*acc_stride + (r - r0)]. v = round_shift((acc + bias_r) * M_r, s_r).
 * Any int32 acc. Over two or more tokens, when every acc of the tile lies in its GEMM's range (|acc| <= the
 * encoding's acc_bound(cols)), rows whose params keep every v below 2^30 take the 32-bit form (ni_rq32); the rest
 * the 64-bit one. The _gemm variants skip the range check: for accumulators straight from t's own GEMM. */

/* out[t*out_stride + (r - r0)] = sat8(v) */
void ni_requant_tile_s8(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                        uint32_t n, int8_t *out, uint32_t out_stride);
/* In place: io[t*io_stride + r] holds the int8 residual (as int16) and becomes sat16(v + round_shift(res * res_rq)):
 * a linear layer's output plus the residual, both at the LayerNorm input scale. */
void ni_requant_tile_add_s16(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                             uint32_t n, ni_requant res_rq, int16_t *io, uint32_t io_stride);
void ni_requant_tile_s8_gemm(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                             uint32_t n, int8_t *out, uint32_t out_stride);
void ni_requant_tile_add_s16_gemm(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                                  uint32_t acc_stride, uint32_t n, ni_requant res_rq, int16_t *io, uint32_t io_stride);
/* The same with the residual term already in io (int16, from ni_widen_s8_lut16_in_place): io becomes
 * sat16(v + io), which is ni_requant_tile_add_s16's value when io = round_shift(res * res_rq). */
void ni_requant_tile_plus_s16(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                              uint32_t n, int16_t *io, uint32_t io_stride);
void ni_requant_tile_plus_s16_gemm(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                                   uint32_t acc_stride, uint32_t n, int16_t *io, uint32_t io_stride);
/* lut[i + 128] = round_shift(i * rq.multiplier, rq.shift) for int8 i: 1 when every one fits int16, else 0 (lut
 * partly written). */
int ni_requant_lut16(ni_requant rq, int16_t *lut);
/* out[r] = clamp(v, +-NI_LOGIT_LIMIT) for one token: exit logits, Q16 nats. */
void ni_requant_tile_logits(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, int32_t *out);
#define NI_LOGIT_FRAC_BITS 16
#define NI_LOGIT_LIMIT (1L << 26) /* +-1024 nats */
/* Sign bits (W1A1 Q, K, V): bit r of token t's row (bits + t*bits_stride words) = (acc + bias_r >= 0); the other
 * bits of those words are kept. (ni_bits_tile.c) */
void ni_sign_tile_bits(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                       uint32_t n, uint32_t *bits, uint32_t bits_stride);
/* The same for accumulators of t's own GEMM (|acc| <= its encoding's acc_bound(cols); none: as above). */
void ni_sign_tile_bits_gemm(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                            uint32_t n, uint32_t *bits, uint32_t bits_stride);
/* The int8 values i (-128..127) whose test lut(i) >= threshold holds (lut NULL: i >= threshold), as an interval:
 * the test is (lo <= i <= hi) ^ invert (lo > hi: empty). */
typedef struct ni_bit_interval {
    int32_t lo, hi, invert;
} ni_bit_interval;
/* 1 and *iv when that set or its complement is one interval (or empty), 0 otherwise. */
int ni_bit_interval_of(const int8_t *lut, int32_t threshold, ni_bit_interval *iv);
/* Bit r of token t's row = (lo <= sat8(v) <= hi) ^ invert, the other bits of those words kept: the int8 output of
 * ni_requant_tile_s8, through a table, tested against a binary consumer's threshold, without the int8 row, for
 * accumulators of t's own GEMM (|acc| <= its encoding's acc_bound(cols)). Returns 0,
 * writing nothing or a part of the bits, when the shape is outside what it handles (t's encoding gives no acc_bound,
 * or one over 2^30 - 1, shifts over 48): then the caller takes the int8 path. */
int ni_requant_tile_bits(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                         uint32_t n, const ni_bit_interval *iv, uint32_t *bits, uint32_t bits_stride);

/* ---- embedding ---- */

/* out[c] = sat16(word row `token` + position row `position`), each at the embedding-sum scale by its encoding's
 * embed_add (token type 0 is folded into the position rows by the packer); rows read straight from flash.
 * sum: E int64 of scratch. */
void ni_embed_token_s16(const ni_tensor *word, const ni_tensor *pos, uint32_t token, uint32_t position, int64_t *sum,
                        int16_t *out);

/* ---- int8 <-> int16 views of one buffer (the arena's residual sums, docs/numerics.md "Arena") ---- */

/* buf holds n int8 at its start; afterwards it holds the same n values as int16 (2n bytes). */
void ni_widen_s8_in_place(void *buf, uint32_t n);
/* The same through a table: value v becomes lut[v + 128] (the residual requantized: ni_requant_lut16). */
void ni_widen_s8_lut16_in_place(void *buf, uint32_t n, const int16_t *lut);

/* ---- normalisation and activations ---- */

/* Integer LayerNorm of n <= NI_MAX_DIM int16 values to int8 (docs/numerics.md, "LayerNorm"). out may alias x (the
 * int8 row then lies in the first half of the int16 row: each out[i] is written after x[i] and x[i/2] were read). */
void ni_layernorm_s16(const int16_t *x, const ni_ln_param *p, uint32_t n, int8_t *out);
/* out[i] = table[x[i] + 128] (GELU, tanh). In place allowed. */
void ni_lut_s8(const int8_t *x, const int8_t *table, int8_t *out, uint32_t n);

/* ---- attention ---- */

/* Softmax over n <= NI_MAX_POSITIONS raw int32 scores (q.k in accumulator units), in place, to Q15
 * probabilities (0..32768) stored back into scores. */
void ni_softmax_q15(int32_t *scores, uint32_t n, ni_requant index_rq, const int32_t *exp_table);
/* One head of one query row: scores[j] = q . k_j, softmax, ctx[d] = sat8(round_shift(sum_j P[j] v_j[d] * ctx_rq)).
 * k and v rows are `stride` bytes apart (the head's slice of a [T][H] buffer). ctx may alias q. */
void ni_attention_head_s8(const int8_t *q, const int8_t *k, const int8_t *v, uint32_t stride, uint32_t n,
                          uint32_t head_dim, const ni_qparams_softmax *qp, int32_t *scores, int8_t *ctx);

/* ---- exit ---- */

/* Natural-log entropy of softmax(logits) in Q16 nats, logits in Q16 (docs/numerics.md, "Entropy"), n >= 1. */
int32_t ni_entropy_q16(const int32_t *logits, uint32_t n, const int32_t *exp2_frac, const int32_t *log2_frac);
/* Softmax probability of the largest logit in Q16 (0..65536): exp2_frac[0] * 2^16 / Z, with Z summed exactly as
 * ni_entropy_q16 sums it (docs/numerics.md, "Exit confidence"). *argmax (may be NULL) gets the first maximum's index. */
int32_t ni_confidence_q16(const int32_t *logits, uint32_t n, const int32_t *exp2_frac, uint32_t *argmax);
#define NI_LOG2E_Q16 94548 /* round(2^16 / ln 2) */
#define NI_LN2_Q16 45426   /* round(2^16 * ln 2) */

#ifdef __cplusplus
}
#endif

#endif
