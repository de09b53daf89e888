/* Requantization of a GEMV result with the per-row params of NI_ENC_INT8_ROW. */
#include "nano_intent/ni_kernels.h"

static int64_t row_value(int32_t acc, const ni_int8_row_params *params)
{
    const ni_int8_row_params p = ni_ld_row(params);
    return ni_round_shift(((int64_t)acc + p.bias) * p.multiplier, p.shift);
}

void ni_requant_rows_s8(const int32_t *acc, const ni_int8_row_params *p, int8_t *out, uint32_t rows)
{
    for (uint32_t r = 0; r < rows; r++) out[r] = ni_sat8(row_value(acc[r], &p[r]));
}

void ni_requant_rows_add_s16(const int32_t *acc, const ni_int8_row_params *p, const int8_t *res, ni_requant res_rq,
                             int16_t *out, uint32_t rows)
{
    for (uint32_t r = 0; r < rows; r++) {
        int64_t residual = ni_round_shift((int64_t)res[r] * res_rq.multiplier, res_rq.shift);
        out[r] = ni_sat16(row_value(acc[r], &p[r]) + residual);
    }
}

void ni_requant_rows_logits(const int32_t *acc, const ni_int8_row_params *p, int32_t *out, uint32_t rows)
{
    for (uint32_t r = 0; r < rows; r++) {
        int64_t v = row_value(acc[r], &p[r]);
        out[r] = (int32_t)(v > NI_LOGIT_LIMIT ? NI_LOGIT_LIMIT : (v < -NI_LOGIT_LIMIT ? -NI_LOGIT_LIMIT : v));
    }
}

void ni_embed_token_s16(const int8_t *word, const ni_int8_row_params *word_p, const int8_t *pos,
                        const ni_int8_row_params *pos_p, uint32_t token, uint32_t position, uint32_t dim,
                        int16_t *out)
{
    const int8_t *w = word + token * dim;
    const int8_t *p = pos + position * dim;
    const ni_int8_row_params wp = ni_ld_row(&word_p[token]), pp = ni_ld_row(&pos_p[position]);
    for (uint32_t c = 0; c < dim; c++) {
        int64_t a = ni_round_shift((int64_t)w[c] * wp.multiplier, wp.shift);
        int64_t b = ni_round_shift((int64_t)p[c] * pp.multiplier, pp.shift);
        out[c] = ni_sat16(a + b);
    }
}
