/* Size and validation of the QUANT_PARAMS section (docs/numerics.md section 6). */
#include <stddef.h>
#include "nano_intent/ni_encoding.h"
#include "nano_intent/ni_scheme.h"

static int requant_ok(int32_t multiplier, int32_t shift)
{
    return multiplier >= 0 && shift >= 1 && shift <= 62;
}

static int32_t rd32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

uint32_t ni_qparams_size(const ni_model_dims *d)
{
    if (!ni_dims_validate(d)) return 0;
    uint32_t softmax = ni_scheme_find(d->scheme)->qparams_tables & NI_QP_TABLE_SOFTMAX ? sizeof(ni_qparams_softmax) : 0;
    return (uint32_t)sizeof(ni_qparams_fixed) + softmax + 8u * (d->embedding_size + 2u * d->hidden_size) +
           256u * d->num_layers;
}

/* The softmax block: two requantizations and a non-increasing exp table from 65536. */
static int softmax_ok(const uint8_t *p)
{
    if (!requant_ok(rd32(p + offsetof(ni_qparams_softmax, softmax_index)), rd32(p + offsetof(ni_qparams_softmax, softmax_index) + 4)) ||
        !requant_ok(rd32(p + offsetof(ni_qparams_softmax, context)), rd32(p + offsetof(ni_qparams_softmax, context) + 4)))
        return 0;
    const uint8_t *exp_t = p + offsetof(ni_qparams_softmax, exp_table);
    if (rd32(exp_t) != 65536) return 0;
    for (uint32_t k = 1; k < NI_EXP_TABLE_LEN; k++) {
        int32_t e = rd32(exp_t + 4 * k);
        if (e < 0 || e > rd32(exp_t + 4 * (k - 1))) return 0;
    }
    return 1;
}

ni_status ni_qparams_check(const uint8_t *p, uint32_t len, const ni_model_dims *dims)
{
    uint32_t expected = ni_qparams_size(dims);
    if (p == NULL || expected == 0 || len < offsetof(ni_qparams_fixed, attn_threshold)) return NI_ERR_QUANT_PARAMS;
    if (rd32(p + offsetof(ni_qparams_fixed, version)) != (int32_t)NI_QPARAMS_VERSION) return NI_ERR_QUANT_PARAMS;
    const uint32_t tables = (uint32_t)rd32(p + offsetof(ni_qparams_fixed, tables));
    if (tables != ni_scheme_find(dims->scheme)->qparams_tables) return NI_ERR_QUANT_TABLES;
    if (len != expected) return NI_ERR_QUANT_PARAMS;
    /* The Bi-Attention threshold: a score lies in [-head size, head size]; a scheme without one has 0. */
    int32_t attn_threshold = rd32(p + offsetof(ni_qparams_fixed, attn_threshold));
    int32_t limit = ni_scheme_find(dims->scheme)->uses_attn_threshold ? (int32_t)(dims->hidden_size / dims->num_heads) : 0;
    if (attn_threshold < -limit || attn_threshold > limit) return NI_ERR_QUANT_PARAMS;
    size_t rq[2] = { offsetof(ni_qparams_fixed, attn_residual), offsetof(ni_qparams_fixed, full_residual) };
    for (int i = 0; i < 2; i++)
        if (!requant_ok(rd32(p + rq[i]), rd32(p + rq[i] + 4))) return NI_ERR_QUANT_PARAMS;
    const uint8_t *e2 = p + offsetof(ni_qparams_fixed, exp2_frac), *l2 = p + offsetof(ni_qparams_fixed, log2_frac);
    if (rd32(e2) != (1L << 30) || rd32(l2) != 0) return NI_ERR_QUANT_PARAMS;
    for (uint32_t k = 1; k < NI_FRAC_TABLE_LEN; k++) {
        int32_t e = rd32(e2 + 4 * k), l = rd32(l2 + 4 * k);
        if (e < (1L << 29) || e > rd32(e2 + 4 * (k - 1))) return NI_ERR_QUANT_PARAMS;
        if (l > 65536 || l < rd32(l2 + 4 * (k - 1))) return NI_ERR_QUANT_PARAMS;
    }
    if ((tables & NI_QP_TABLE_SOFTMAX) && !softmax_ok(p + sizeof(ni_qparams_fixed))) return NI_ERR_QUANT_PARAMS;
    /* LayerNorm gains and biases are any int32: the kernel's int64 arithmetic is safe for the full range. */
    return NI_OK;
}

int ni_qparams_validate(const uint8_t *p, uint32_t len, const ni_model_dims *dims)
{
    return ni_qparams_check(p, len, dims) == NI_OK;
}
