/* The step API: embed, run one layer, run one exit head. Pure integer; all state in the caller's arena. */
#include <stddef.h>
#include "ni_arena.h"
#include "nano_intent/ni_kernels.h"

#define AT(arena, off, type) ((type *)(void *)((arena) + (off)))

static int tensor_ok(const ni_tensor_int8 *t, uint32_t rows, uint32_t cols)
{
    return t->data != NULL && t->params != NULL && t->rows == rows && t->cols == cols
        && ni_encoding_validate(NI_ENC_INT8_ROW, (const uint8_t *)t->params, rows * NI_INT8_ROW_PARAMS_BYTES, rows, cols);
}

/* Row params and QUANT_PARAMS are read as int32 structs in place. */
static int params_aligned(const ni_model *m)
{
    uint32_t bad = (uint32_t)((uintptr_t)m->word_emb.params | (uintptr_t)m->pos_emb.params
        | (uintptr_t)m->emb_proj.params | (uintptr_t)m->query.params | (uintptr_t)m->key.params
        | (uintptr_t)m->value.params | (uintptr_t)m->attn_out.params | (uintptr_t)m->ffn.params
        | (uintptr_t)m->ffn_out.params);
    for (uint32_t l = 0; l < m->dims.num_layers; l++)
        bad |= (uint32_t)((uintptr_t)m->exits[l].pooler.params | (uintptr_t)m->exits[l].classifier.params);
    return (bad & 3u) == 0;
}

int ni_model_bind(ni_model *m, const uint8_t *qparams, uint32_t qparams_len)
{
    if (m == NULL || qparams == NULL) return NI_ERR_NULL;
    const ni_model_dims *d = &m->dims;
    if (!ni_dims_validate(d)) return NI_ERR_MODEL;
    if (((uintptr_t)qparams & 3u) != 0 || !params_aligned(m)) return NI_ERR_ALIGNMENT;
    uint32_t V = d->vocab_size, E = d->embedding_size, H = d->hidden_size, I = d->intermediate_size;
    if (!tensor_ok(&m->word_emb, V, E) || !tensor_ok(&m->pos_emb, d->max_positions, E)
        || !tensor_ok(&m->emb_proj, H, E) || !tensor_ok(&m->query, H, H) || !tensor_ok(&m->key, H, H)
        || !tensor_ok(&m->value, H, H) || !tensor_ok(&m->attn_out, H, H) || !tensor_ok(&m->ffn, I, H)
        || !tensor_ok(&m->ffn_out, H, I)) return NI_ERR_MODEL;
    for (uint32_t l = 0; l < d->num_layers; l++)
        if (!tensor_ok(&m->exits[l].pooler, H, H) || !tensor_ok(&m->exits[l].classifier, d->num_labels, H))
            return NI_ERR_MODEL;
    if (!ni_qparams_validate(qparams, qparams_len, d)) return NI_ERR_MODEL;
    m->qp = (const ni_qparams_fixed *)(const void *)qparams;
    const uint8_t *tail = qparams + sizeof(ni_qparams_fixed);
    m->emb_ln = (const ni_ln_param *)(const void *)tail;
    m->attn_ln = m->emb_ln + E;
    m->full_ln = m->attn_ln + H;
    m->tanh_tables = (const int8_t *)(const void *)(m->full_ln + H);
    return NI_OK;
}

uint32_t ni_arena_bytes(const ni_model *m)
{
    if (m == NULL || !ni_dims_validate(&m->dims)) return 0;
    ni_arena_layout lay;
    ni_arena_layout_of(&m->dims, &lay);
    return lay.total;
}

static int check_arena(const ni_model *m, uint8_t *arena, uint32_t arena_len, ni_arena_layout *lay)
{
    if (m == NULL || arena == NULL || m->qp == NULL) return NI_ERR_NULL;
    if (((uintptr_t)arena & 3u) != 0) return NI_ERR_ALIGNMENT; /* the steps read it as int16/int32 */
    ni_arena_layout_of(&m->dims, lay);
    if (arena_len < lay->total) return NI_ERR_ARENA_SMALL;
    return NI_OK;
}

/* One linear layer applied to one int8 vector: acc = W x, then per-row requantization to int8. */
static void linear_s8(const ni_tensor_int8 *t, const int8_t *x, int32_t *acc, int8_t *out)
{
    ni_gemv_s8(t->data, x, acc, t->rows, t->cols);
    ni_requant_rows_s8(acc, t->params, out, t->rows);
}

int ni_embed(const ni_model *m, const int32_t *ids, uint32_t n, uint8_t *arena, uint32_t arena_len)
{
    ni_arena_layout lay;
    int st = check_arena(m, arena, arena_len, &lay);
    if (st != NI_OK) return st;
    const ni_model_dims *d = &m->dims;
    ni_arena_header *hdr = AT(arena, 0, ni_arena_header);
    hdr->magic = 0;
    if (n == 0 || n > d->max_positions) return NI_ERR_SEQ_LEN;
    if (ids == NULL) return NI_ERR_NULL;
    for (uint32_t t = 0; t < n; t++)
        if (ids[t] < 0 || (uint32_t)ids[t] >= d->vocab_size) return NI_ERR_TOKEN_ID;
    int16_t *wide = AT(arena, lay.wide, int16_t);
    int8_t *narrow = AT(arena, lay.narrow, int8_t);
    int32_t *acc = AT(arena, lay.acc, int32_t);
    int8_t *hidden = AT(arena, lay.hidden, int8_t);
    for (uint32_t t = 0; t < n; t++) {
        ni_embed_token_s16(m->word_emb.data, m->word_emb.params, m->pos_emb.data, m->pos_emb.params,
                           (uint32_t)ids[t], t, d->embedding_size, wide);
        ni_layernorm_s16(wide, m->emb_ln, d->embedding_size, narrow);
        linear_s8(&m->emb_proj, narrow, acc, hidden + t * d->hidden_size);
    }
    hdr->n_tokens = n;
    hdr->layers_done = 0;
    hdr->reserved = 0;
    hdr->magic = NI_ARENA_MAGIC;
    return NI_OK;
}

int ni_run_layer(const ni_model *m, uint32_t layer, uint8_t *arena, uint32_t arena_len)
{
    ni_arena_layout lay;
    int st = check_arena(m, arena, arena_len, &lay);
    if (st != NI_OK) return st;
    const ni_model_dims *d = &m->dims;
    ni_arena_header *hdr = AT(arena, 0, ni_arena_header);
    if (hdr->magic != NI_ARENA_MAGIC || hdr->n_tokens == 0 || hdr->n_tokens > d->max_positions)
        return NI_ERR_ARENA_STATE;
    if (layer >= d->num_layers) return NI_ERR_LAYER_INDEX;
    if (layer != hdr->layers_done) return NI_ERR_LAYER_ORDER;
    const uint32_t n = hdr->n_tokens, H = d->hidden_size, dh = H / d->num_heads;
    int8_t *hidden = AT(arena, lay.hidden, int8_t), *q = AT(arena, lay.q, int8_t);
    int8_t *k = AT(arena, lay.k, int8_t), *v = AT(arena, lay.v, int8_t);
    int8_t *narrow = AT(arena, lay.narrow, int8_t);
    int32_t *acc = AT(arena, lay.acc, int32_t), *scores = AT(arena, lay.scores, int32_t);
    int16_t *wide = AT(arena, lay.wide, int16_t);

    for (uint32_t t = 0; t < n; t++) {
        linear_s8(&m->query, hidden + t * H, acc, q + t * H);
        linear_s8(&m->key, hidden + t * H, acc, k + t * H);
        linear_s8(&m->value, hidden + t * H, acc, v + t * H);
    }
    /* Only the n real tokens exist, so no padding mask is needed. The context overwrites q row by row. */
    for (uint32_t i = 0; i < n; i++)
        for (uint32_t h = 0; h < d->num_heads; h++)
            ni_attention_head_s8(q + i * H + h * dh, k + h * dh, v + h * dh, H, n, dh, m->qp, scores,
                                 q + i * H + h * dh);
    for (uint32_t t = 0; t < n; t++) {
        int8_t *row = q + t * H; /* context, then the attention LayerNorm output a */
        ni_gemv_s8(m->attn_out.data, row, acc, H, H);
        ni_requant_rows_add_s16(acc, m->attn_out.params, hidden + t * H, ni_ld_requant(&m->qp->attn_residual), wide, H);
        ni_layernorm_s16(wide, m->attn_ln, H, row);
        linear_s8(&m->ffn, row, acc, narrow);
        ni_lut_s8(narrow, m->qp->gelu, narrow, d->intermediate_size);
        ni_gemv_s8(m->ffn_out.data, narrow, acc, H, d->intermediate_size);
        ni_requant_rows_add_s16(acc, m->ffn_out.params, row, ni_ld_requant(&m->qp->full_residual), wide, H);
        ni_layernorm_s16(wide, m->full_ln, H, hidden + t * H);
    }
    hdr->layers_done = layer + 1;
    return NI_OK;
}

int ni_exit_head(const ni_model *m, uint32_t layer, uint8_t *arena, uint32_t arena_len, int32_t *logits,
                 uint32_t n_labels, int32_t *entropy_q16)
{
    ni_arena_layout lay;
    int st = check_arena(m, arena, arena_len, &lay);
    if (st != NI_OK) return st;
    if (logits == NULL || entropy_q16 == NULL) return NI_ERR_NULL;
    const ni_model_dims *d = &m->dims;
    ni_arena_header *hdr = AT(arena, 0, ni_arena_header);
    if (hdr->magic != NI_ARENA_MAGIC || hdr->n_tokens == 0 || hdr->n_tokens > d->max_positions)
        return NI_ERR_ARENA_STATE;
    if (layer >= d->num_layers) return NI_ERR_LAYER_INDEX;
    if (hdr->layers_done != layer + 1) return NI_ERR_LAYER_ORDER;
    if (n_labels != d->num_labels) return NI_ERR_LABELS_COUNT;
    const ni_exit_tensors *e = &m->exits[layer];
    int8_t *narrow = AT(arena, lay.narrow, int8_t);
    int32_t *acc = AT(arena, lay.acc, int32_t);
    linear_s8(&e->pooler, AT(arena, lay.hidden, int8_t), acc, narrow); /* row 0 = [CLS] */
    ni_lut_s8(narrow, m->tanh_tables + layer * NI_LUT8_LEN, narrow, d->hidden_size);
    ni_gemv_s8(e->classifier.data, narrow, acc, d->num_labels, d->hidden_size);
    ni_requant_rows_logits(acc, e->classifier.params, logits, d->num_labels);
    *entropy_q16 = ni_entropy_q16(logits, d->num_labels, m->qp->exp2_frac, m->qp->log2_frac);
    return NI_OK;
}
