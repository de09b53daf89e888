/* Sizes and validation of tensor encodings and of the QUANT_PARAMS section. */
#include <stddef.h>
#include "nano_intent/ni_encoding.h"

static int requant_ok(int32_t multiplier, int32_t shift)
{
    return multiplier >= 0 && shift >= 1 && shift <= 62;
}

static int32_t rd32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}

int ni_encoding_sizes(uint8_t encoding, uint32_t rows, uint32_t cols, uint32_t *data_len, uint32_t *params_len)
{
    if (encoding != NI_ENC_INT8_ROW || data_len == NULL || params_len == NULL) return 0;
    uint64_t data = (uint64_t)rows * cols, params = (uint64_t)rows * NI_INT8_ROW_PARAMS_BYTES;
    if (data > UINT32_MAX || params > UINT32_MAX) return 0;
    *data_len = (uint32_t)data;
    *params_len = (uint32_t)params;
    return 1;
}

int ni_encoding_validate(uint8_t encoding, const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    uint32_t data_len, expected;
    if (params == NULL || !ni_encoding_sizes(encoding, rows, cols, &data_len, &expected)) return 0;
    if (params_len != expected || cols % 4 != 0 || cols == 0 || cols > 65536u) return 0;
    for (uint32_t r = 0; r < rows; r++) {
        const uint8_t *p = params + (size_t)r * NI_INT8_ROW_PARAMS_BYTES;
        int32_t bias = rd32(p), mult = rd32(p + 4), shift = rd32(p + 8);
        if (bias > NI_MAX_ABS_BIAS || bias < -NI_MAX_ABS_BIAS || !requant_ok(mult, shift)) return 0;
    }
    return 1;
}

int ni_dims_validate(const ni_model_dims *d)
{
    if (d == NULL) return 0;
    if (d->vocab_size < 5 || d->vocab_size > NI_MAX_VOCAB) return 0;
    if (d->num_layers < 1 || d->num_layers > NI_MAX_LAYERS || d->num_heads < 1) return 0;
    if (d->num_labels < 2 || d->num_labels > NI_MAX_DIM) return 0;
    if (d->max_positions < 3 || d->max_positions > NI_MAX_POSITIONS) return 0;
    uint32_t dims[3] = { d->embedding_size, d->hidden_size, d->intermediate_size };
    for (int i = 0; i < 3; i++)
        if (dims[i] < 4 || dims[i] > NI_MAX_DIM || dims[i] % 4 != 0) return 0;
    if (d->hidden_size % d->num_heads != 0 || (d->hidden_size / d->num_heads) % 4 != 0) return 0;
    if (d->activation < 1 || d->activation > NI_ACT_MAX || d->scheme != NI_SCHEME_INT8) return 0;
    return 1;
}

uint32_t ni_qparams_size(const ni_model_dims *d)
{
    if (!ni_dims_validate(d)) return 0;
    return (uint32_t)sizeof(ni_qparams_fixed) + 8u * (d->embedding_size + 2u * d->hidden_size) + 256u * d->num_layers;
}

int ni_qparams_validate(const uint8_t *p, uint32_t len, const ni_model_dims *dims)
{
    uint32_t expected = ni_qparams_size(dims);
    if (p == NULL || expected == 0 || len != expected) return 0;
    if (rd32(p + offsetof(ni_qparams_fixed, version)) != (int32_t)NI_QPARAMS_VERSION) return 0;
    if (rd32(p + offsetof(ni_qparams_fixed, reserved)) != 0) return 0;
    size_t rq[4] = { offsetof(ni_qparams_fixed, attn_residual), offsetof(ni_qparams_fixed, full_residual),
                     offsetof(ni_qparams_fixed, softmax_index), offsetof(ni_qparams_fixed, context) };
    for (int i = 0; i < 4; i++)
        if (!requant_ok(rd32(p + rq[i]), rd32(p + rq[i] + 4))) return 0;
    const uint8_t *exp_t = p + offsetof(ni_qparams_fixed, exp_table);
    if (rd32(exp_t) != 65536) return 0;
    for (uint32_t k = 1; k < NI_EXP_TABLE_LEN; k++) {
        int32_t e = rd32(exp_t + 4 * k);
        if (e < 0 || e > rd32(exp_t + 4 * (k - 1))) return 0;
    }
    const uint8_t *e2 = p + offsetof(ni_qparams_fixed, exp2_frac), *l2 = p + offsetof(ni_qparams_fixed, log2_frac);
    if (rd32(e2) != (1L << 30) || rd32(l2) != 0) return 0;
    for (uint32_t k = 1; k < NI_FRAC_TABLE_LEN; k++) {
        int32_t e = rd32(e2 + 4 * k), l = rd32(l2 + 4 * k);
        if (e < (1L << 29) || e > rd32(e2 + 4 * (k - 1))) return 0;
        if (l > 65536 || l < rd32(l2 + 4 * (k - 1))) return 0;
    }
    /* LayerNorm gains and biases are any int32: the kernel's int64 arithmetic is safe for the full range. */
    return 1;
}
