/* Assembling an ni_model from tensors in memory (the seam between the image loader and the runtime). */
#include <string.h>
#include "nano_intent/ni_runtime.h"

uint32_t ni_model_struct_bytes(void) { return (uint32_t)sizeof(ni_model); }

int ni_model_init(ni_model *m, const ni_model_dims *dims)
{
    if (m == NULL || dims == NULL) return NI_ERR_NULL;
    memset(m, 0, sizeof *m);
    m->dims = *dims;
    return NI_OK;
}

static ni_tensor_int8 *slot(ni_model *m, uint32_t id)
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

int ni_model_set_tensor(ni_model *m, uint32_t id, const int8_t *data, const ni_int8_row_params *params,
                        uint32_t rows, uint32_t cols)
{
    if (m == NULL || data == NULL || params == NULL) return NI_ERR_NULL;
    ni_tensor_int8 *t = slot(m, id);
    if (t == NULL) return NI_ERR_INDEX;
    t->data = data;
    t->params = params;
    t->rows = rows;
    t->cols = cols;
    return NI_OK;
}
