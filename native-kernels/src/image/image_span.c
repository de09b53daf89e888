/* Content checks of the optional ATTENTION_SPAN section (docs/flash-image.md) and its accessor. */
#include "image_internal.h"
#include "nano_intent/ni_scheme.h"

ni_status ni_image_check_attention_span(ni_image *img)
{
    const uint8_t *s = img->sections[NI_SECTION_ATTENTION_SPAN].data;
    uint32_t len = img->sections[NI_SECTION_ATTENTION_SPAN].length, heads = img->dims.num_heads, h;
    uint32_t spans_end = NI_ATTENTION_SPAN_HEADER_SIZE + 2u * heads;
    if (s == NULL) return NI_OK; /* optional: every head sees every key */
    if (len < NI_ATTENTION_SPAN_HEADER_SIZE) return NI_ERR_SECTION_FORMAT;
    if (ni_rd32(s + 4) != 0) return NI_ERR_RESERVED;
    /* heads <= NI_MAX_DIM / 4 (validated dims), so spans_end cannot overflow */
    if (ni_rd32(s) != heads || len != ((spans_end + 3u) & ~3u)) return NI_ERR_ATTENTION_SPAN;
    for (h = 0; h < heads; h++)
        if (ni_rd16(s + NI_ATTENTION_SPAN_HEADER_SIZE + 2u * h) > img->dims.max_positions) return NI_ERR_ATTENTION_SPAN;
    if (!ni_all_zero(s + spans_end, len - spans_end)) return NI_ERR_RESERVED;
    if ((ni_scheme_find(img->dims.scheme)->qparams_tables & NI_QP_TABLE_SOFTMAX) == 0) return NI_ERR_ATTENTION_SPAN;
    img->attention_spans = s + NI_ATTENTION_SPAN_HEADER_SIZE;
    return NI_OK;
}

uint32_t ni_image_attention_span(const ni_image *img, uint32_t head)
{
    if (img == NULL || head >= img->dims.num_heads) return 0;
    return img->attention_spans == NULL ? img->dims.max_positions : ni_rd16(img->attention_spans + 2u * head);
}
