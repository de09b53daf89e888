/* Attention block of NI_SCHEME_INT8 (docs/numerics.md "Attention"): int8 Q, K, V in one pass over the tokens, then
 * per query row and head the integer softmax and its context. */
#include <string.h>
#include "ni_attention_block.h"
#include "ni_linear.h"
#include "ni_profile.h"

/* q (then the context) [T][H] and v [T][H] int8, the scores of one query row; k lies in wide's spare half. */
static uint32_t buf_bytes(const ni_model_dims *d)
{
    return 2u * d->max_positions * d->hidden_size + 4u * d->max_positions;
}

/* The keys [lo, hi) query row i of a head with that span reads (C#: SoftmaxAttentionBlock.Window): |i - j| < span,
 * every key for [CLS] (i = 0), none for span 0. */
static void span_window(uint32_t i, uint32_t n, uint32_t span, uint32_t *lo, uint32_t *hi)
{
    if (span == 0) { *lo = *hi = 0; return; }
    if (i == 0) return;
    *lo = i + 1u > span ? i + 1u - span : 0u;
    *hi = i + span < n ? i + span : n;
}

/* A head of span 0 (a pruned head): it reads no key, its context is 0. */
static int head_pruned(const ni_model *m, uint32_t h)
{
    return m->attention_spans != NULL && ni_rd16(m->attention_spans + 2u * h) == 0;
}

static const uint8_t *run(const ni_model *m, const ni_arena_view *a, uint32_t n, uint32_t *stride_out)
{
    const uint32_t H = m->dims.hidden_size, dh = H / m->dims.num_heads, S = a->max_positions * H;
    int8_t *q = (int8_t *)(void *)a->buf, *v = q + S, *k = (int8_t *)(void *)a->spare;
    int32_t *scores = (int32_t *)(void *)(a->buf + 2u * S);
    const ni_tensor *t[3] = { &m->query, &m->key, &m->value };
    const uint8_t *in[3];
    uint32_t stride[3];
    /* INT8_ROW reads int8 rows as they are: nothing is packed, h is every projection's input */
    for (int i = 0; i < 3; i++) in[i] = ni_linear_input(t[i], a->hidden, H, n, NULL, &stride[i]);
    const ni_epilogue ep[3] = { ni_epilogue_s8((uint8_t *)q, H, NULL, NULL, NULL),
                                ni_epilogue_s8((uint8_t *)k, H, NULL, NULL, NULL),
                                ni_epilogue_s8((uint8_t *)v, H, NULL, NULL, NULL) };
    /* Q, K, V over the rows of the heads that attend: a head of span 0 (pruned) writes a context of 0 below and reads
     * none of its rows, so runs of heads of non-zero span are computed and the rest skipped */
    for (uint32_t h0 = 0, h1; h0 < m->dims.num_heads; h0 = h1) {
        for (h1 = h0; h1 < m->dims.num_heads && !head_pruned(m, h1); h1++) {}
        if (h1 > h0) ni_linear_tiles_rows(t, in, stride, ep, 3, n, a, h0 * dh, h1 * dh);
        if (h1 == h0) h1++;
    }
    NI_PROFILE_STEP(NI_STEP_ATTENTION);
    /* Only the n real tokens exist, so no padding mask is needed. The context overwrites q row by row. With
     * attention spans a row reads only the keys of its window, and a head of span 0 writes a context of 0. */
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t h = 0; h < m->dims.num_heads; h++) {
            uint32_t lo = 0, hi = n;
            int8_t *ctx = q + i * H + h * dh;
            if (m->attention_spans != NULL) span_window(i, n, ni_rd16(m->attention_spans + 2u * h), &lo, &hi);
            if (hi == lo) { memset(ctx, 0, dh); continue; }
            ni_attention_head_s8(ctx, k + lo * H + h * dh, v + lo * H + h * dh, H, hi - lo, dh, m->softmax, scores, ctx);
        }
    return ni_linear_input(&m->attn_out, q, H, n, a->buf + S, stride_out);
}

const ni_attention_block ni_attention_softmax_s8 = { buf_bytes, run };
