/* The step API: embed, run one layer, run one exit head. Pure integer; all state in the caller's arena. Every
 * linear layer runs over all tokens at once, tile by tile (ni_linear.h); the scheme's attention block (the scheme
 * table) makes the context, everything else is shared by every scheme. */
#include <stddef.h>
#include "ni_arena.h"
#include "ni_attention_block.h"
#include "ni_linear.h"
#include "ni_profile.h"
#include "nano_intent/ni_scheme.h"

static int check_arena(const ni_model *m, uint8_t *arena, uint32_t arena_len, ni_arena_view *v)
{
    if (m == NULL || arena == NULL || m->qp == NULL) return NI_ERR_NULL;
    if (((uintptr_t)arena & 3u) != 0) return NI_ERR_ALIGNMENT; /* the steps read it as int16/int32 */
    ni_arena_layout lay;
    ni_arena_layout_of(&m->dims, &lay);
    if (arena_len < lay.total) return NI_ERR_ARENA_SMALL;
    ni_arena_view_of(arena, &lay, &m->dims, v);
    return NI_OK;
}

static ni_arena_header *header(uint8_t *arena) { return (ni_arena_header *)(void *)arena; }

static int check_sequence(const ni_model *m, uint8_t *arena)
{
    const ni_arena_header *h = header(arena);
    if (h->magic != NI_ARENA_MAGIC || h->n_tokens == 0 || h->n_tokens > m->dims.max_positions) return NI_ERR_ARENA_STATE;
    return NI_OK;
}

uint32_t ni_arena_bytes(const ni_model *m)
{
    if (m == NULL || !ni_dims_validate(&m->dims)) return 0;
    ni_arena_layout lay;
    ni_arena_layout_of(&m->dims, &lay);
    return lay.total;
}

int ni_embed(const ni_model *m, const int32_t *ids, uint32_t n, uint8_t *arena, uint32_t arena_len)
{
    ni_arena_view a;
    int st = check_arena(m, arena, arena_len, &a);
    if (st != NI_OK) return st;
    const ni_model_dims *d = &m->dims;
    ni_arena_header *hdr = header(arena);
    hdr->magic = 0;
    if (n == 0 || n > d->max_positions) return NI_ERR_SEQ_LEN;
    if (ids == NULL) return NI_ERR_NULL;
    for (uint32_t t = 0; t < n; t++)
        if (ids[t] < 0 || (uint32_t)ids[t] >= d->vocab_size) return NI_ERR_TOKEN_ID;
    NI_PROFILE_STEP(NI_STEP_EMBED);
    const uint32_t E = d->embedding_size, in_bytes = ni_input_bytes(&m->emb_proj);
    /* one token at a time in wide (h is written only after every token): the sums, the int16 row, the LayerNorm
     * output, which is stored as mapping_in's input row in buf */
    uint8_t *at = (uint8_t *)a.wide + ((uintptr_t)a.wide & 4u); /* 8-aligned: the arena is 4-aligned */
    int64_t *sum = (int64_t *)(void *)at;
    int16_t *wide = (int16_t *)(void *)(at + 8u * E);
    int8_t *ln = (int8_t *)(void *)(at + 8u * E + ((2u * E + 3u) & ~3u));
    for (uint32_t t = 0; t < n; t++) {
        ni_embed_token_s16(&m->word_emb, &m->pos_emb, (uint32_t)ids[t], t, sum, wide);
        ni_layernorm_s16(wide, m->emb_ln, E, ln);
        ni_store_input(&m->emb_proj, ln, 0, E, a.buf + t * in_bytes);
    }
    const ni_epilogue ep = ni_epilogue_s8((uint8_t *)a.hidden, d->hidden_size, NULL, NULL, NULL);
    ni_linear(&m->emb_proj, a.buf, in_bytes, &ep, n, &a);
    NI_PROFILE_STEP(NI_STEP_OTHER);
    hdr->n_tokens = n;
    hdr->layers_done = 0;
    hdr->reserved = 0;
    hdr->magic = NI_ARENA_MAGIC;
    return NI_OK;
}

/* One residual branch closed: wide (int16 [n][H], holding the branch input as int8 values) += requantized `t`
 * applied to `in`, then the LayerNorm writes the int8 result back into the first half of wide (h or a). The
 * residual's requantization of the 256 int8 values is tabulated once (in the acc tile, free until the GEMM runs)
 * and applied while widening, when every value fits int16; else each element takes it in the epilogue. */
static void residual_layernorm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, ni_requant res_rq,
                               const ni_ln_param *ln, uint32_t n, const ni_arena_view *a, uint32_t H,
                               ni_profile_step_id ln_step)
{
    int16_t *lut = (int16_t *)(void *)a->acc;
    ni_epilogue ep;
    if (4u * a->max_positions * a->tile_rows >= 2u * NI_LUT8_LEN && ni_requant_lut16(res_rq, lut)) {
        ni_widen_s8_lut16_in_place(a->hidden, n * H, lut);
        ep = ni_epilogue_plus_s16(a->wide, H);
    } else {
        ni_widen_s8_in_place(a->hidden, n * H);
        ep = ni_epilogue_add_s16(a->wide, H, res_rq);
    }
    ni_linear(t, in, in_stride, &ep, n, a);
    NI_PROFILE_STEP(ln_step);
    (void)ln_step;
    for (uint32_t k = 0; k < n; k++) ni_layernorm_s16(a->wide + k * H, ln, H, a->hidden + k * H);
}

int ni_run_layer(const ni_model *m, uint32_t layer, uint8_t *arena, uint32_t arena_len)
{
    ni_arena_view a;
    int st = check_arena(m, arena, arena_len, &a);
    if (st != NI_OK) return st;
    if ((st = check_sequence(m, arena)) != NI_OK) return st;
    const ni_model_dims *d = &m->dims;
    ni_arena_header *hdr = header(arena);
    if (layer >= d->num_layers) return NI_ERR_LAYER_INDEX;
    if (layer != hdr->layers_done) return NI_ERR_LAYER_ORDER;
    const uint32_t n = hdr->n_tokens, H = d->hidden_size;
    uint32_t stride;

    /* attention: h -> context int8 [n][H] at buf; then h + Dense(context) -> LayerNorm -> a (over h) */
    NI_PROFILE_STEP(NI_STEP_QKV);
    const uint8_t *in = ni_scheme_find(d->scheme)->attention->run(m, &a, n, &stride);
    NI_PROFILE_STEP(NI_STEP_DENSE);
    residual_layernorm(&m->attn_out, in, stride, ni_ld_requant(&m->qp->attn_residual), m->attn_ln, n, &a, H, NI_STEP_LN_ATTN);

    /* feed-forward: GELU(Ffn(a)) stored as FfnOutput's input at buf; a + FfnOutput(g) -> LayerNorm -> h */
    NI_PROFILE_STEP(NI_STEP_FFN);
    in = ni_linear_input(&m->ffn, a.hidden, H, n, a.spare, &stride);
    const uint32_t g_stride = ni_input_bytes(&m->ffn_out);
    const ni_epilogue gelu = ni_epilogue_s8(a.buf, g_stride, m->qp->gelu, &m->ffn_out, (int8_t *)(void *)a.row);
    ni_linear(&m->ffn, in, stride, &gelu, n, &a);
    NI_PROFILE_STEP(NI_STEP_FFN_OUT);
    residual_layernorm(&m->ffn_out, a.buf, g_stride, ni_ld_requant(&m->qp->full_residual), m->full_ln, n, &a, H,
                       NI_STEP_LN_FULL);
    NI_PROFILE_STEP(NI_STEP_OTHER);

    hdr->layers_done = layer + 1;
    return NI_OK;
}

int ni_exit_head(const ni_model *m, uint32_t layer, uint8_t *arena, uint32_t arena_len, int32_t *logits,
                 uint32_t n_labels, int32_t *entropy_q16)
{
    ni_arena_view a;
    int st = check_arena(m, arena, arena_len, &a);
    if (st != NI_OK) return st;
    if (logits == NULL || entropy_q16 == NULL) return NI_ERR_NULL;
    if ((st = check_sequence(m, arena)) != NI_OK) return st;
    const ni_model_dims *d = &m->dims;
    ni_arena_header *hdr = header(arena);
    if (layer >= d->num_layers) return NI_ERR_LAYER_INDEX;
    if (hdr->layers_done != layer + 1) return NI_ERR_LAYER_ORDER;
    if (n_labels != d->num_labels) return NI_ERR_LABELS_COUNT;
    NI_PROFILE_STEP(NI_STEP_EXIT);
    const ni_exit_tensors *e = &m->exits[layer];
    uint32_t stride;
    /* pooler over h[CLS] (row 0) -> tanh -> the classifier's input row at buf -> logits */
    const uint8_t *in = ni_linear_input(&e->pooler, a.hidden, d->hidden_size, 1, a.spare, &stride);
    const ni_epilogue tanh = ni_epilogue_s8(a.buf, 0, m->tanh_tables + layer * NI_LUT8_LEN, &e->classifier,
                                            (int8_t *)(void *)a.row);
    ni_linear(&e->pooler, in, stride, &tanh, 1, &a);
    const ni_epilogue out = ni_epilogue_logits(logits);
    ni_linear(&e->classifier, a.buf, ni_input_bytes(&e->classifier), &out, 1, &a);
    *entropy_q16 = ni_entropy_q16(logits, d->num_labels, m->qp->exp2_frac, m->qp->log2_frac);
    NI_PROFILE_STEP(NI_STEP_OTHER);
    return NI_OK;
}
