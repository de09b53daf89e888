/* Tensor encodings and the QUANT_PARAMS section of the flash image (docs/numerics.md).
 *
 * Everything here is a plain little-endian struct read in place from flash; the loader validates it once
 * (ni_encoding_validate, ni_qparams_validate) so that every kernel can rely on the bounds in docs/numerics.md
 * without re-checking. The other encoding ids (binary, GOBO, int4, iPQ, AdaptivFloat, fp32) are reserved in
 * ni_image.h. */
#ifndef NANO_INTENT_NI_ENCODING_H
#define NANO_INTENT_NI_ENCODING_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ni_model_dims, the encoding ids (NI_ENC_INT8_ROW, ...) and the limits NI_MAX_DIM, NI_MAX_POSITIONS,
 * NI_MAX_LAYERS, NI_MAX_VOCAB come from the image format. */
#include "ni_image.h"

/* Params are read in place as little-endian integers: every supported target (x86, Cortex-M, RV32) is. */
#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "nano_intent reads image params as little-endian integers"
#endif

/* A real multiplier m = multiplier * 2^-shift with 0 <= multiplier < 2^31 and 1 <= shift <= 62. */
typedef struct ni_requant {
    int32_t multiplier;
    int32_t shift;
} ni_requant;

/* NI_ENC_INT8_ROW: data = rows*cols int8, row-major; params = one of these per row (12 bytes, 4-aligned).
 * out[r] = round_shift((sum_c w[r][c]*x[c] + bias) * multiplier, shift): the multiplier folds the row's weight
 * scale, the input scale and the output scale; bias is in accumulator units (|bias| <= 2^30). */
typedef struct ni_int8_row_params {
    int32_t bias;
    int32_t multiplier;
    int32_t shift;
} ni_int8_row_params;

#define NI_INT8_ROW_PARAMS_BYTES 12u
#define NI_MAX_ABS_BIAS (1L << 30)

/* Byte sizes of a rows x cols tensor in this encoding. Returns 1 when known, 0 for an unknown encoding or
 * sizes that overflow 32 bits. */
int ni_encoding_sizes(uint8_t encoding, uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len);

/* Checks the per-row params of a tensor (shift range, multiplier sign, bias bound). 1 = valid, 0 = not. */
int ni_encoding_validate(uint8_t encoding, const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols);

/* LayerNorm element: y = round_shift(div_round(d * gain * 2^8, sigma) + bias, NI_LN_GAIN_SHIFT). */
typedef struct ni_ln_param {
    int32_t gain; /* gamma / s_out * 2^16 */
    int32_t bias; /* beta  / s_out * 2^16 */
} ni_ln_param;

#define NI_LN_GAIN_SHIFT 16
#define NI_EXP_TABLE_LEN 512      /* exp(-k/32), k = 0..511, Q16 */
#define NI_EXP_INDEX_FRAC_BITS 5  /* softmax table step: 1/32 */
#define NI_LUT8_LEN 256           /* int8 -> int8 activation tables, indexed by x + 128 */
#define NI_FRAC_TABLE_LEN 256     /* entropy tables */
#define NI_QPARAMS_VERSION 1u

/* QUANT_PARAMS section, fixed part. Followed immediately by
 *   ni_ln_param emb_ln[E], attn_ln[H], full_ln[H];
 *   int8_t tanh[L][256]        (one pooler tanh table per exit, output scale 1/127)
 * and nothing else: total length = sizeof(ni_qparams_fixed) + 8*(E+2H) + 256*L. */
typedef struct ni_qparams_fixed {
    uint32_t version;            /* NI_QPARAMS_VERSION */
    uint32_t reserved;           /* 0 */
    ni_requant attn_residual;    /* layer input h (int8, s_h) -> attention LayerNorm input (int16, s_la) */
    ni_requant full_residual;    /* attention LN output a (int8, s_a) -> full LayerNorm input (int16, s_lf) */
    ni_requant softmax_index;    /* (max score - score) -> exp table index in 1/32 nat (s_q*s_k/sqrt(d)*32) */
    ni_requant context;          /* sum_j P_q15[j]*v[j] -> context (int8, s_c): s_v / 2^15 / s_c */
    int32_t exp_table[NI_EXP_TABLE_LEN];   /* round(exp(-k/32) * 2^16), non-increasing, [0] = 65536 */
    int32_t exp2_frac[NI_FRAC_TABLE_LEN];  /* round(2^(-k/256) * 2^30) */
    int32_t log2_frac[NI_FRAC_TABLE_LEN];  /* round(log2(1 + k/256) * 2^16) */
    int8_t gelu[NI_LUT8_LEN];              /* gelu(q * s_g) / s_gout, q = index - 128 */
} ni_qparams_fixed;

/* Expected length of the QUANT_PARAMS section for these dims (0 when dims are out of range). */
uint32_t ni_qparams_size(const ni_model_dims *dims);

/* 1 = the section is exactly as long as ni_qparams_size says and every field is within its documented range. */
int ni_qparams_validate(const uint8_t *p, uint32_t len, const ni_model_dims *dims);

/* Checks dims against the limits above. 1 = valid. */
int ni_dims_validate(const ni_model_dims *dims);

#ifdef __cplusplus
}
#endif

#endif
