/* Assembling an ni_model from tensors (the seam between the image loader and the runtime) and checking it: the
 * model's one tensor validator (ni_tensor_check_format/_params) for every slot, QUANT_PARAMS, alignment. */
#include <string.h>
#include "nano_intent/ni_runtime.h"
#include "nano_intent/ni_scheme.h"

uint32_t ni_model_struct_bytes(void) { return (uint32_t)sizeof(ni_model); }

int ni_model_init(ni_model *m, const ni_model_dims *dims)
{
    if (m == NULL || dims == NULL) return NI_ERR_NULL;
    memset(m, 0, sizeof *m);
    m->dims = *dims;
    return NI_OK;
}

ni_tensor *ni_model_tensor(ni_model *m, uint32_t id)
{
    switch (id) {
    case NI_TENSOR_WORD_EMBEDDINGS: return &m->word_emb;
    case NI_TENSOR_POSITION_EMBEDDINGS: return &m->pos_emb;
    case NI_TENSOR_EMBEDDING_MAPPING_IN: return &m->emb_proj;
    case NI_TENSOR_ATTENTION_QUERY: return &m->query;
    case NI_TENSOR_ATTENTION_KEY: return &m->key;
    case NI_TENSOR_ATTENTION_VALUE: return &m->value;
    case NI_TENSOR_ATTENTION_DENSE: return &m->attn_out;
    case NI_TENSOR_FFN: return &m->ffn;
    case NI_TENSOR_FFN_OUTPUT: return &m->ffn_out;
    default: break;
    }
    if (id < NI_TENSOR_EXIT_BASE) return NULL;
    uint32_t l = (id - NI_TENSOR_EXIT_BASE) / NI_TENSOR_EXIT_STRIDE, part = (id - NI_TENSOR_EXIT_BASE) % NI_TENSOR_EXIT_STRIDE;
    if (l >= NI_MAX_LAYERS) return NULL;
    if (part == NI_EXIT_POOLER) return &m->exits[l].pooler;
    if (part == NI_EXIT_CLASSIFIER) return &m->exits[l].classifier;
    return NULL;
}

int ni_model_set_tensor(ni_model *m, uint32_t id, uint8_t encoding, const uint8_t *data, uint32_t data_len,
                        const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols)
{
    if (m == NULL || data == NULL || (params == NULL && params_len != 0)) return NI_ERR_NULL;
    ni_tensor *t = ni_model_tensor(m, id);
    if (t == NULL) return NI_ERR_INDEX;
    t->encoding = encoding;
    t->data = data;
    t->data_len = data_len;
    t->params = params_len ? params : NULL;
    t->params_len = params_len;
    t->rows = rows;
    t->cols = cols;
    return NI_OK;
}

int ni_model_set_attention_spans(ni_model *m, const uint8_t *spans)
{
    if (m == NULL) return NI_ERR_NULL;
    for (uint32_t h = 0; spans != NULL && h < m->dims.num_heads; h++)
        if (ni_rd16(spans + 2u * h) > m->dims.max_positions) return NI_ERR_MODEL;
    m->attention_spans = spans;
    return NI_OK;
}

/* The tensor ids of a model with these dims, in image order. */
static uint32_t tensor_ids(const ni_model_dims *d, uint32_t *ids)
{
    static const uint16_t fixed[] = { NI_TENSOR_WORD_EMBEDDINGS, NI_TENSOR_POSITION_EMBEDDINGS,
        NI_TENSOR_EMBEDDING_MAPPING_IN, NI_TENSOR_ATTENTION_QUERY, NI_TENSOR_ATTENTION_KEY, NI_TENSOR_ATTENTION_VALUE,
        NI_TENSOR_ATTENTION_DENSE, NI_TENSOR_FFN, NI_TENSOR_FFN_OUTPUT };
    uint32_t n = 0;
    for (uint32_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) ids[n++] = fixed[i];
    for (uint32_t l = 0; l < d->num_layers; l++) {
        ids[n++] = NI_TENSOR_EXIT(l, NI_EXIT_POOLER);
        ids[n++] = NI_TENSOR_EXIT(l, NI_EXIT_CLASSIFIER);
    }
    return n;
}

int ni_model_bind(ni_model *m, const uint8_t *qparams, uint32_t qparams_len)
{
    if (m == NULL || qparams == NULL) return NI_ERR_NULL;
    const ni_model_dims *d = &m->dims;
    if (!ni_dims_validate(d)) return NI_ERR_MODEL;
    uint32_t ids[NI_EMBEDDING_TENSOR_COUNT + NI_LAYER_TENSOR_COUNT + NI_EXIT_TENSORS_PER_LAYER * NI_MAX_LAYERS];
    uint32_t count = tensor_ids(d, ids);
    /* Params, QUANT_PARAMS and 1-bit weight words are read in place as int32 / uint32. */
    uintptr_t bad = (uintptr_t)qparams;
    for (uint32_t i = 0; i < count; i++) {
        const ni_tensor *t = ni_model_tensor(m, ids[i]);
        bad |= (uintptr_t)t->data | (uintptr_t)t->params;
    }
    if ((bad & 3u) != 0) return NI_ERR_ALIGNMENT;
    for (uint32_t i = 0; i < count; i++) {
        const ni_tensor *t = ni_model_tensor(m, ids[i]);
        if (t->data == NULL) return NI_ERR_MODEL;
        if (ni_tensor_check_format(d, ids[i], t->encoding, t->rows, t->cols, t->data_len, t->params_len) != NI_OK)
            return NI_ERR_MODEL;
        if (ni_tensor_check_params(t) != NI_OK) return NI_ERR_MODEL;
    }
    if (!ni_qparams_validate(qparams, qparams_len, d)) return NI_ERR_MODEL;
    m->qp = (const ni_qparams_fixed *)(const void *)qparams;
    const uint8_t *tail = qparams + sizeof(ni_qparams_fixed);
    m->softmax = NULL;
    if (ni_scheme_find(d->scheme)->qparams_tables & NI_QP_TABLE_SOFTMAX) { /* validated: the section's tables bits */
        m->softmax = (const ni_qparams_softmax *)(const void *)tail;
        tail += sizeof(ni_qparams_softmax);
    }
    m->emb_ln = (const ni_ln_param *)(const void *)tail;
    m->attn_ln = m->emb_ln + d->embedding_size;
    m->full_ln = m->attn_ln + d->hidden_size;
    m->tanh_tables = (const int8_t *)(const void *)(m->full_ln + d->hidden_size);
    return NI_OK;
}
