/* The model rules the loader and ni_model_bind share: the one dims validator and the one tensor validator
 * (docs/flash-image.md: MODEL, Schemes, tensor tables). Encoding-specific checks go through the encoding table. */
#include <stddef.h>
#include "nano_intent/ni_encoding.h"
#include "nano_intent/ni_scheme.h"

int ni_dims_validate(const ni_model_dims *d)
{
    if (d == NULL) return 0;
    const ni_scheme_traits *s = ni_scheme_find(d->scheme);
    if (s == NULL) return 0;
    if (d->vocab_size < 5 || d->vocab_size > NI_MAX_VOCAB) return 0;
    if (d->num_layers < 1 || d->num_layers > NI_MAX_LAYERS || d->num_heads < 1) return 0;
    if (d->num_labels < 2 || d->num_labels > NI_MAX_DIM) return 0;
    if (d->max_positions < 3 || d->max_positions > NI_MAX_POSITIONS) return 0;
    if (d->activation < 1 || d->activation > NI_ACT_MAX) return 0;
    uint32_t dims[3] = { d->embedding_size, d->hidden_size, d->intermediate_size };
    for (int i = 0; i < 3; i++)
        if (dims[i] < 4 || dims[i] > NI_MAX_DIM || dims[i] % s->dim_multiple != 0) return 0;
    if (d->hidden_size % d->num_heads != 0 || (d->hidden_size / d->num_heads) % s->dim_multiple != 0) return 0;
    return 1;
}

int ni_tensor_shape(const ni_model_dims *d, uint32_t id, uint32_t *rows, uint32_t *cols)
{
    uint32_t E = d->embedding_size, H = d->hidden_size;
    switch (id) {
    case NI_TENSOR_WORD_EMBEDDINGS: *rows = d->vocab_size; *cols = E; return 1;
    case NI_TENSOR_POSITION_EMBEDDINGS: *rows = d->max_positions; *cols = E; return 1;
    case NI_TENSOR_EMBEDDING_MAPPING_IN: *rows = H; *cols = E; return 1;
    case NI_TENSOR_ATTENTION_QUERY: case NI_TENSOR_ATTENTION_KEY: case NI_TENSOR_ATTENTION_VALUE:
    case NI_TENSOR_ATTENTION_DENSE: *rows = H; *cols = H; return 1;
    case NI_TENSOR_FFN: *rows = d->intermediate_size; *cols = H; return 1;
    case NI_TENSOR_FFN_OUTPUT: *rows = H; *cols = d->intermediate_size; return 1;
    default: break;
    }
    if (id < NI_TENSOR_EXIT_BASE) return 0;
    uint32_t layer = (id - NI_TENSOR_EXIT_BASE) / NI_TENSOR_EXIT_STRIDE, part = (id - NI_TENSOR_EXIT_BASE) % NI_TENSOR_EXIT_STRIDE;
    if (layer >= d->num_layers || part >= NI_EXIT_TENSORS_PER_LAYER) return 0;
    *rows = part == NI_EXIT_POOLER ? H : d->num_labels;
    *cols = H;
    return 1;
}

/* The word and position embeddings are looked up row by row (embed_add); every other tensor is a GEMM operand. */
static int is_embedding_table(uint32_t id)
{
    return id == NI_TENSOR_WORD_EMBEDDINGS || id == NI_TENSOR_POSITION_EMBEDDINGS;
}

static int is_pooler(uint32_t id)
{
    return id >= NI_TENSOR_EXIT_BASE && (id - NI_TENSOR_EXIT_BASE) % NI_TENSOR_EXIT_STRIDE == NI_EXIT_POOLER;
}

uint8_t ni_tensor_encoding(const ni_model_dims *d, uint32_t id)
{
    const ni_scheme_traits *s = ni_scheme_find(d->scheme);
    if (s == NULL) return 0;
    if (is_embedding_table(id)) return s->embedding_encoding;
    if (id == NI_TENSOR_ATTENTION_QUERY || id == NI_TENSOR_ATTENTION_KEY || id == NI_TENSOR_ATTENTION_VALUE)
        return s->projection_encoding;
    int classifier = id >= NI_TENSOR_EXIT_BASE && (id - NI_TENSOR_EXIT_BASE) % NI_TENSOR_EXIT_STRIDE == NI_EXIT_CLASSIFIER;
    return classifier ? s->classifier_encoding : s->weight_encoding;
}

ni_status ni_tensor_check_format(const ni_model_dims *d, uint32_t id, uint8_t encoding, uint32_t rows, uint32_t cols,
                                 uint32_t data_len, uint32_t params_len)
{
    uint32_t want_rows, want_cols, want_data, want_params;
    if (!ni_tensor_shape(d, id, &want_rows, &want_cols) || rows != want_rows || cols != want_cols)
        return NI_ERR_TENSOR_SHAPE;
    const ni_encoding_traits *e = ni_encoding_find(encoding);
    const ni_scheme_traits *s = ni_scheme_find(d->scheme);
    const uint8_t alternative = is_pooler(id) ? s->pooler_alternative
                                : id == NI_TENSOR_WORD_EMBEDDINGS ? s->embedding_alternative : 0;
    if (e == NULL || (encoding != ni_tensor_encoding(d, id) && (alternative == 0 || encoding != alternative)))
        return NI_ERR_TENSOR_ENCODING;
    /* what the runtime does with the tensor must exist in its encoding: a lookup, or a GEMM (BINARY_EMBED has no GEMM,
     * BINARY_SIGN no embedding rows) */
    if (is_embedding_table(id) ? e->embed_add == NULL : e->gemm == NULL) return NI_ERR_TENSOR_ENCODING;
    if (!e->sizes(rows, cols, &want_data, &want_params)) return NI_ERR_TENSOR_ENCODING;
    if (e->validate_data == NULL ? (data_len != want_data || params_len != want_params)
                                 : (data_len < want_data || params_len < want_params))
        return NI_ERR_TENSOR_SIZE;
    return NI_OK;
}

ni_status ni_tensor_check_params(const ni_tensor *t)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    if (e == NULL || !e->validate(t->params_len ? t->params : NULL, t->params_len, t->rows, t->cols))
        return NI_ERR_TENSOR_PARAMS;
    return e->validate_data != NULL ? e->validate_data(t) : NI_OK;
}
