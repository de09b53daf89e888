/* Requantization of a GEMM tile with each row's params, which come from the tensor's encoding (row_params): the
 * row's params are fetched once and applied to every token of the tile. */
#include "nano_intent/ni_kernels.h"

static int64_t value(int32_t acc, ni_int8_row_params p)
{
    return ni_round_shift_inline(((int64_t)acc + p.bias) * p.multiplier, p.shift);
}

void ni_requant_tile_s8(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                        uint32_t n, int8_t *out, uint32_t out_stride)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    for (uint32_t r = r0; r < r1; r++) {
        const ni_int8_row_params p = e->row_params(t, r);
        for (uint32_t k = 0; k < n; k++) out[k * out_stride + (r - r0)] = ni_sat8(value(acc[k * acc_stride + (r - r0)], p));
    }
}

void ni_requant_tile_add_s16(const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc, uint32_t acc_stride,
                             uint32_t n, ni_requant res_rq, int16_t *io, uint32_t io_stride)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    for (uint32_t r = r0; r < r1; r++) {
        const ni_int8_row_params p = e->row_params(t, r);
        for (uint32_t k = 0; k < n; k++) {
            int16_t *o = &io[k * io_stride + r];
            int64_t residual = ni_round_shift_inline((int64_t)*o * res_rq.multiplier, res_rq.shift);
            *o = ni_sat16(value(acc[k * acc_stride + (r - r0)], p) + residual);
        }
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
