/* Accessors of a validated image: everything they read was checked by ni_image_open, so they only bound their
 * own arguments. */
#include <string.h>
#include "image_internal.h"

const uint8_t *ni_image_section(const ni_image *img, uint16_t kind, uint32_t *len)
{
    if (len != NULL) *len = 0;
    if (img == NULL || kind == 0 || kind > NI_SECTION_KIND_MAX || img->sections[kind].data == NULL) return NULL;
    if (len != NULL) *len = img->sections[kind].length;
    return img->sections[kind].data;
}

const ni_tensor_desc *ni_image_tensor(const ni_image *img, uint16_t id)
{
    const ni_tensor_desc *d = NULL;
    if (img == NULL || img->base == NULL) return NULL;
    if (id >= NI_TENSOR_WORD_EMBEDDINGS && id < NI_TENSOR_WORD_EMBEDDINGS + NI_EMBEDDING_TENSOR_COUNT)
        d = &img->embedding_tensors[id - NI_TENSOR_WORD_EMBEDDINGS];
    else if (id >= NI_TENSOR_ATTENTION_QUERY && id < NI_TENSOR_ATTENTION_QUERY + NI_LAYER_TENSOR_COUNT)
        d = &img->layer_tensors[id - NI_TENSOR_ATTENTION_QUERY];
    else if (id >= NI_TENSOR_EXIT_BASE) {
        uint32_t layer = (uint32_t)(id - NI_TENSOR_EXIT_BASE) / NI_TENSOR_EXIT_STRIDE;
        uint32_t part = (uint32_t)(id - NI_TENSOR_EXIT_BASE) % NI_TENSOR_EXIT_STRIDE;
        if (layer < img->dims.num_layers && part < NI_EXIT_TENSORS_PER_LAYER) d = &img->exit_tensors[layer][part];
    }
    return (d != NULL && d->present) ? d : NULL;
}

int ni_image_label(const ni_image *img, uint32_t index, const uint8_t **utf8, uint32_t *len)
{
    const uint8_t *e;
    if (img == NULL || img->label_entries == NULL || index >= img->dims.num_labels) return 0;
    e = img->label_entries + index * NI_LABEL_ENTRY_SIZE;
    if (utf8 != NULL) *utf8 = img->sections[NI_SECTION_LABELS].data + ni_rd32(e);
    if (len != NULL) *len = ni_rd32(e + 4);
    return 1;
}

int32_t ni_image_threshold(const ni_image *img, uint32_t layer)
{
    if (img == NULL || img->thresholds == NULL || layer >= img->dims.num_layers) return 0;
    return ni_rd32s(img->thresholds + 4u * layer);
}

int32_t ni_image_answer(const ni_image *img, uint32_t argmax, int32_t entropy_q16, int32_t confidence_q16)
{
    if (img == NULL || img->reject_kind == NI_REJECT_NONE) return (int32_t)argmax;
    if (img->unknown_label >= 0 && argmax == (uint32_t)img->unknown_label) return NI_ANSWER_UNKNOWN;
    if (img->reject_kind == NI_REJECT_CONFIDENCE)
        return confidence_q16 < img->reject_threshold ? NI_ANSWER_UNKNOWN : (int32_t)argmax;
    return entropy_q16 > img->reject_threshold ? NI_ANSWER_UNKNOWN : (int32_t)argmax;
}

void ni_test_vector_begin(const ni_image *img, ni_test_vector_iter *it)
{
    (void)img;
    if (it == NULL) return;
    it->next_index = 0;
    it->next_offset = NI_TEST_VECTORS_HEADER_SIZE;
}

int ni_test_vector_next(const ni_image *img, ni_test_vector_iter *it, ni_test_vector *out)
{
    const uint8_t *r;
    uint32_t t, ll = 0, cc = 0;
    if (img == NULL || it == NULL || out == NULL || it->next_index >= img->test_vector_count) return 0;
    ll = img->dims.num_layers;
    cc = img->dims.num_labels;
    r = img->sections[NI_SECTION_TEST_VECTORS].data + it->next_offset;
    t = ni_rd16(r + 4);
    out->index = it->next_index;
    out->token_count = t;
    out->tokens = r + NI_TEST_VECTOR_HEADER_SIZE;
    out->logits = out->tokens + ((2u * t + 3u) & ~3u);
    out->entropies = out->logits + 4u * ll * cc;
    out->answers = (img->test_vector_flags & NI_TEST_VECTORS_FLAG_ANSWERS) ? out->entropies + 4u * ll : NULL;
    it->next_index++;
    it->next_offset += ni_rd32(r);
    return 1;
}

uint16_t ni_test_vector_token(const ni_test_vector *tv, uint32_t i)
{
    return (tv == NULL || i >= tv->token_count) ? 0 : ni_rd16(tv->tokens + 2u * i);
}

int32_t ni_test_vector_logit(const ni_image *img, const ni_test_vector *tv, uint32_t layer, uint32_t label)
{
    if (img == NULL || tv == NULL || layer >= img->dims.num_layers || label >= img->dims.num_labels) return 0;
    return ni_rd32s(tv->logits + 4u * (layer * img->dims.num_labels + label));
}

int32_t ni_test_vector_entropy(const ni_image *img, const ni_test_vector *tv, uint32_t layer)
{
    if (img == NULL || tv == NULL || layer >= img->dims.num_layers) return 0;
    return ni_rd32s(tv->entropies + 4u * layer);
}

int ni_test_vector_answer(const ni_image *img, const ni_test_vector *tv, uint32_t layer, int32_t *answer)
{
    if (img == NULL || tv == NULL || tv->answers == NULL || answer == NULL || layer >= img->dims.num_layers) return 0;
    *answer = ni_rd32s(tv->answers + 4u * layer);
    return 1;
}

uint32_t ni_image_struct_bytes(void) { return (uint32_t)sizeof(ni_image); }
