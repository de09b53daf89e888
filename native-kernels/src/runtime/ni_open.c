/* ni_open: the loader validates the image, then the runtime binds its tensors (each with its encoding) and QUANT_PARAMS. */
#include <string.h>
#include "nano_intent/ni_runtime.h"

/* The image's descriptor of `id` into the model's slot: encoding, data and params as the loader validated them. */
static int bind_tensor(const ni_image *img, ni_model *m, uint32_t id)
{
    const ni_tensor_desc *t = ni_image_tensor(img, (uint16_t)id);
    if (t == NULL) return 0;
    return ni_model_set_tensor(m, id, t->encoding, t->data, t->data_len, t->params, t->params_len, t->rows, t->cols)
        == NI_OK;
}

int ni_open(const uint8_t *image, uint32_t len, ni_model *m)
{
    if (image == NULL || m == NULL) return NI_ERR_NULL;
    memset(m, 0, sizeof *m);
    /* The runtime reads row params and QUANT_PARAMS in place as int32: the loader checks their offsets are
     * 4-aligned within the image, so the base must be 4-aligned too. Checked first: no hash work is wasted. */
    if (((uintptr_t)image & 3u) != 0) return NI_ERR_ALIGNMENT;
    ni_status st = ni_image_open(image, len, &m->image);
    if (st != NI_OK) return st;
    const ni_image *img = &m->image;
    m->dims = img->dims;
    int ok = 1;
    for (uint32_t id = NI_TENSOR_WORD_EMBEDDINGS; ok && id <= NI_TENSOR_EMBEDDING_MAPPING_IN; id++) ok = bind_tensor(img, m, id);
    for (uint32_t id = NI_TENSOR_ATTENTION_QUERY; ok && id <= NI_TENSOR_FFN_OUTPUT; id++) ok = bind_tensor(img, m, id);
    for (uint32_t l = 0; ok && l < img->dims.num_layers; l++)
        ok = bind_tensor(img, m, NI_TENSOR_EXIT(l, NI_EXIT_POOLER)) && bind_tensor(img, m, NI_TENSOR_EXIT(l, NI_EXIT_CLASSIFIER));
    uint32_t qlen = 0;
    const uint8_t *qp = ni_image_section(img, NI_SECTION_QUANT_PARAMS, &qlen);
    int bound = ok ? ni_model_bind(m, qp, qlen) : NI_ERR_MODEL;
    if (bound != NI_OK) { memset(m, 0, sizeof *m); return bound; }
    if (img->arena_bytes != ni_arena_bytes(m)) { memset(m, 0, sizeof *m); return NI_ERR_MODEL; }
    return ni_model_set_attention_spans(m, img->attention_spans); /* validated by the loader */
}

int32_t ni_vocab_lookup(const ni_model *m, const char *utf8, uint32_t len)
{
    if (m == NULL || utf8 == NULL) return -1;
    return ni_image_vocab_find(&m->image, utf8, len);
}

uint32_t ni_num_layers(const ni_model *m) { return m == NULL ? 0 : m->dims.num_layers; }
uint32_t ni_num_labels(const ni_model *m) { return m == NULL ? 0 : m->dims.num_labels; }
uint32_t ni_max_positions(const ni_model *m) { return m == NULL ? 0 : m->dims.max_positions; }

int ni_label(const ni_model *m, uint32_t index, const char **utf8, uint32_t *len)
{
    if (m == NULL || utf8 == NULL || len == NULL) return NI_ERR_NULL;
    const uint8_t *p;
    if (!ni_image_label(&m->image, index, &p, len)) return NI_ERR_INDEX;
    *utf8 = (const char *)p;
    return NI_OK;
}

int ni_exit_threshold(const ni_model *m, uint32_t layer, int32_t *threshold_q16)
{
    if (m == NULL || threshold_q16 == NULL) return NI_ERR_NULL;
    if (layer >= m->dims.num_layers) return NI_ERR_INDEX;
    *threshold_q16 = ni_image_threshold(&m->image, layer);
    return NI_OK;
}
