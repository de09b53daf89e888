/* Softmax and one attention head of one query row, integer only. */
#include "nano_intent/ni_kernels.h"

void ni_softmax_q15(int32_t *scores, uint32_t n, ni_requant index_rq, const int32_t *exp_table)
{
    int32_t m = scores[0];
    for (uint32_t j = 1; j < n; j++) if (scores[j] > m) m = scores[j];
    int64_t sum = 0;
    for (uint32_t j = 0; j < n; j++) {
        int64_t idx = ni_round_shift_inline(((int64_t)m - scores[j]) * index_rq.multiplier, index_rq.shift);
        int32_t e = idx < NI_EXP_TABLE_LEN ? ni_ld32(&exp_table[idx]) : 0;
        scores[j] = e;
        sum += e;
    }
    /* sum >= exp_table[0] = 2^16 (the maximum's own term), so the division is defined. */
    for (uint32_t j = 0; j < n; j++) scores[j] = (int32_t)ni_div_round((int64_t)scores[j] * 32768, sum);
}

void ni_attention_head_s8(const int8_t *q, const int8_t *k, const int8_t *v, uint32_t stride, uint32_t n,
                          uint32_t head_dim, const ni_qparams_softmax *qp, int32_t *scores, int8_t *ctx)
{
    for (uint32_t j = 0; j < n; j++) scores[j] = ni_dot_s8(q, k + j * stride, head_dim);
    ni_softmax_q15(scores, n, ni_ld_requant(&qp->softmax_index), qp->exp_table);
    const ni_requant ctx_rq = ni_ld_requant(&qp->context);
    /* q is fully consumed above, so ctx may overwrite it. */
    for (uint32_t d = 0; d < head_dim; d++) {
        int32_t acc = 0;
        for (uint32_t j = 0; j < n; j++) acc += scores[j] * v[j * stride + d];
        ctx[d] = ni_sat8(ni_round_shift_inline((int64_t)acc * ctx_rq.multiplier, ctx_rq.shift));
    }
}
