/* The tensor tables of EMBEDDINGS, LAYER and EXIT_HEADS: every entry in range, aligned, shaped as the MODEL dims
 * demand, in the encoding the scheme gives it, sized and with params as that encoding defines (the encoding table),
 * and every required tensor present exactly once. */
#include "image_internal.h"

/* Slot of a tensor id within its section's descriptor array; 0 when the id does not belong in that section (or the
 * model has no such tensor: an exit beyond L, an unknown part). */
static int tensor_slot(const ni_image *img, uint16_t kind, uint32_t id, uint32_t *slot)
{
    uint32_t rows, cols;
    if (!ni_tensor_shape(&img->dims, id, &rows, &cols)) return 0;
    if (kind == NI_SECTION_EMBEDDINGS && id >= NI_TENSOR_WORD_EMBEDDINGS && id <= NI_TENSOR_EMBEDDING_MAPPING_IN) {
        *slot = id - NI_TENSOR_WORD_EMBEDDINGS;
        return 1;
    }
    if (kind == NI_SECTION_LAYER && id >= NI_TENSOR_ATTENTION_QUERY && id <= NI_TENSOR_FFN_OUTPUT) {
        *slot = id - NI_TENSOR_ATTENTION_QUERY;
        return 1;
    }
    if (kind == NI_SECTION_EXIT_HEADS && id >= NI_TENSOR_EXIT_BASE) {
        uint32_t layer = (id - NI_TENSOR_EXIT_BASE) / NI_TENSOR_EXIT_STRIDE;
        *slot = layer * NI_EXIT_TENSORS_PER_LAYER + (id - NI_TENSOR_EXIT_BASE) % NI_TENSOR_EXIT_STRIDE;
        return 1;
    }
    return 0;
}

static uint32_t required_count(const ni_image *img, uint16_t kind)
{
    if (kind == NI_SECTION_EMBEDDINGS) return NI_EMBEDDING_TENSOR_COUNT;
    if (kind == NI_SECTION_LAYER) return NI_LAYER_TENSOR_COUNT;
    return img->dims.num_layers * NI_EXIT_TENSORS_PER_LAYER;
}

static ni_tensor_desc *descriptor(ni_image *img, uint16_t kind, uint32_t slot)
{
    if (kind == NI_SECTION_EMBEDDINGS) return &img->embedding_tensors[slot];
    if (kind == NI_SECTION_LAYER) return &img->layer_tensors[slot];
    return &img->exit_tensors[slot / NI_EXIT_TENSORS_PER_LAYER][slot % NI_EXIT_TENSORS_PER_LAYER];
}

static ni_status check_entry(const ni_image *img, uint16_t kind, const uint8_t *sec, uint32_t sec_len,
                             uint32_t table_end, const uint8_t *e, uint32_t *cursor, ni_tensor_desc *out,
                             uint32_t *slot)
{
    uint32_t id = ni_rd16(e + NI_TEN_ID);
    uint8_t enc = e[NI_TEN_ENCODING];
    ni_status st;
    uint32_t r = ni_rd32(e + NI_TEN_ROWS), c = ni_rd32(e + NI_TEN_COLS);
    uint32_t doff = ni_rd32(e + NI_TEN_DATA_OFFSET), dlen = ni_rd32(e + NI_TEN_DATA_LENGTH);
    uint32_t poff = ni_rd32(e + NI_TEN_PARAMS_OFFSET), plen = ni_rd32(e + NI_TEN_PARAMS_LENGTH);
    if (!tensor_slot(img, kind, id, slot)) return NI_ERR_TENSOR_UNKNOWN;
    if (e[NI_TEN_FLAGS] != 0) return NI_ERR_FLAGS;
    if (ni_rd32(e + NI_TEN_RESERVED) != 0) return NI_ERR_RESERVED;
    /* shape, the scheme's encoding, sizes: the model's one tensor validator */
    if ((st = ni_tensor_check_format(&img->dims, id, enc, r, c, dlen, plen)) != NI_OK) return st;
    if (doff % NI_TENSOR_DATA_ALIGN != 0 || poff % NI_TENSOR_PARAMS_ALIGN != 0) return NI_ERR_TENSOR_ALIGN;
    if (doff < table_end || !ni_in_range(doff, dlen, sec_len)) return NI_ERR_TENSOR_BOUNDS;
    if (plen == 0 ? poff != 0 : (poff < table_end || !ni_in_range(poff, plen, sec_len))) return NI_ERR_TENSOR_BOUNDS;
    if (doff < *cursor) return NI_ERR_TENSOR_OVERLAP;
    *cursor = doff + dlen;
    if (plen != 0) {
        if (poff < *cursor) return NI_ERR_TENSOR_OVERLAP;
        *cursor = poff + plen;
    }
    {
        const ni_tensor t = { enc, sec + doff, plen ? sec + poff : NULL, dlen, plen, r, c };
        if ((st = ni_tensor_check_params(&t)) != NI_OK) return st;
    }
    out->id = (uint16_t)id;
    out->encoding = enc;
    out->present = 1;
    out->rows = r;
    out->cols = c;
    out->data = sec + doff;
    out->data_len = dlen;
    out->params = plen ? sec + poff : NULL;
    out->params_len = plen;
    return NI_OK;
}

ni_status ni_image_check_tensors(ni_image *img, uint16_t kind)
{
    const uint8_t *sec = img->sections[kind].data;
    uint32_t sec_len = img->sections[kind].length, count, table_end, cursor, i, prev_id = 0;
    uint32_t want = required_count(img, kind);
    if (sec_len < NI_TENSOR_TABLE_HEADER_SIZE || ni_rd32(sec + 4) != NI_TENSOR_ENTRY_SIZE)
        return NI_ERR_SECTION_FORMAT;
    if (!ni_all_zero(sec + 8, 8)) return NI_ERR_RESERVED;
    count = ni_rd32(sec);
    if (count > want) return NI_ERR_TENSOR_COUNT;
    table_end = NI_TENSOR_TABLE_HEADER_SIZE + count * NI_TENSOR_ENTRY_SIZE;
    if (table_end > sec_len) return NI_ERR_SECTION_FORMAT;
    cursor = table_end;
    for (i = 0; i < count; i++) {
        const uint8_t *e = sec + NI_TENSOR_TABLE_HEADER_SIZE + i * NI_TENSOR_ENTRY_SIZE;
        uint32_t id = ni_rd16(e + NI_TEN_ID), slot = 0;
        ni_tensor_desc d;
        ni_status st;
        if (i > 0 && id == prev_id) return NI_ERR_TENSOR_DUPLICATE;
        if (i > 0 && id < prev_id) return NI_ERR_TENSOR_ORDER;
        st = check_entry(img, kind, sec, sec_len, table_end, e, &cursor, &d, &slot);
        if (st != NI_OK) return st;
        *descriptor(img, kind, slot) = d;
        prev_id = id;
    }
    /* Ids ascend, are unique and belong here, so count == want means every one is present. */
    if (count < want) return NI_ERR_MISSING_TENSOR;
    return NI_OK;
}
