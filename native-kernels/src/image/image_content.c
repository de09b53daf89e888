/* Content checks of MODEL, LABELS, THRESHOLDS and TEST_VECTORS (docs/flash-image.md; VOCABULARY: image_vocab.c). */
#include <string.h>
#include "image_internal.h"

int ni_utf8_valid(const uint8_t *p, uint32_t n)
{
    uint32_t i = 0;
    while (i < n) {
        uint8_t c = p[i];
        uint32_t need, cp, k;
        if (c < 0x80u) { i++; continue; }
        if (c >= 0xC2u && c <= 0xDFu) { need = 1; cp = c & 0x1Fu; }
        else if (c >= 0xE0u && c <= 0xEFu) { need = 2; cp = c & 0x0Fu; }
        else if (c >= 0xF0u && c <= 0xF4u) { need = 3; cp = c & 0x07u; }
        else return 0;
        if (n - i - 1 < need) return 0;
        for (k = 1; k <= need; k++) {
            if ((p[i + k] & 0xC0u) != 0x80u) return 0;
            cp = (cp << 6) | (p[i + k] & 0x3Fu);
        }
        if ((need == 2 && cp < 0x800u) || (need == 3 && (cp < 0x10000u || cp > 0x10FFFFu))) return 0;
        if (cp >= 0xD800u && cp <= 0xDFFFu) return 0;
        i += need + 1;
    }
    return 1;
}

int ni_bytes_compare(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen)
{
    int c = memcmp(a, b, alen < blen ? alen : blen);
    if (c != 0) return c;
    return alen < blen ? -1 : (alen > blen ? 1 : 0);
}

ni_status ni_image_check_model(ni_image *img)
{
    const uint8_t *s = img->sections[NI_SECTION_MODEL].data;
    ni_model_dims *d = &img->dims;
    if (img->sections[NI_SECTION_MODEL].length != NI_MODEL_SIZE) return NI_ERR_SECTION_FORMAT;
    if (!ni_all_zero(s + 40, NI_MODEL_SIZE - 40)) return NI_ERR_RESERVED;
    d->vocab_size = ni_rd32(s + 0);
    d->embedding_size = ni_rd32(s + 4);
    d->hidden_size = ni_rd32(s + 8);
    d->num_heads = ni_rd32(s + 12);
    d->intermediate_size = ni_rd32(s + 16);
    d->num_layers = ni_rd32(s + 20);
    d->max_positions = ni_rd32(s + 24);
    d->num_labels = ni_rd32(s + 28);
    d->activation = ni_rd32(s + 32);
    d->scheme = ni_rd32(s + 36);
    /* the one dims validator (ranges, and the scheme's multiples: 4, or 32 for W1A1) */
    if (!ni_dims_validate(d)) return NI_ERR_MODEL_DIMS;
    return NI_OK;
}

ni_status ni_image_check_labels(ni_image *img)
{
    const uint8_t *s = img->sections[NI_SECTION_LABELS].data;
    uint32_t len = img->sections[NI_SECTION_LABELS].length, count, table_end, i;
    if (len < NI_LABELS_HEADER_SIZE) return NI_ERR_SECTION_FORMAT;
    if (ni_rd32(s + 4) != 0) return NI_ERR_RESERVED;
    count = ni_rd32(s);
    if (count != img->dims.num_labels) return NI_ERR_LABELS;
    table_end = NI_LABELS_HEADER_SIZE + count * NI_LABEL_ENTRY_SIZE;
    if (table_end > len) return NI_ERR_SECTION_FORMAT;
    for (i = 0; i < count; i++) {
        const uint8_t *e = s + NI_LABELS_HEADER_SIZE + i * NI_LABEL_ENTRY_SIZE;
        uint32_t off = ni_rd32(e), n = ni_rd32(e + 4);
        if (n == 0 || n > NI_MAX_LABEL_BYTES || off < table_end || !ni_in_range(off, n, len)) return NI_ERR_LABELS;
        if (!ni_utf8_valid(s + off, n)) return NI_ERR_UTF8;
    }
    img->label_entries = s + NI_LABELS_HEADER_SIZE;
    return NI_OK;
}

ni_status ni_image_check_thresholds(ni_image *img)
{
    const uint8_t *s = img->sections[NI_SECTION_THRESHOLDS].data;
    uint32_t len = img->sections[NI_SECTION_THRESHOLDS].length;
    uint32_t kind, end = NI_THRESHOLDS_HEADER_SIZE + 4u * img->dims.num_layers;
    int32_t threshold = 0, label = NI_LABEL_NONE;
    if (len < NI_THRESHOLDS_HEADER_SIZE) return NI_ERR_SECTION_FORMAT;
    kind = ni_rd32(s + NI_THR_REJECT_KIND);
    if (kind > NI_REJECT_KIND_MAX) return NI_ERR_THRESHOLDS;
    /* an image that never rejects ends after the thresholds (images written before rejection existed) */
    if (ni_rd32(s + NI_THR_COUNT) != img->dims.num_layers ||
        len != end + (kind == NI_REJECT_NONE ? 0u : NI_REJECTION_FIELDS_SIZE))
        return NI_ERR_THRESHOLDS;
    if (kind != NI_REJECT_NONE) {
        threshold = ni_rd32s(s + end + NI_REJ_THRESHOLD);
        label = ni_rd32s(s + end + NI_REJ_UNKNOWN_LABEL);
        if (threshold < 0 || (kind == NI_REJECT_CONFIDENCE && threshold > NI_CONFIDENCE_ONE_Q16)) return NI_ERR_THRESHOLDS;
        if (label < NI_LABEL_NONE || (label >= 0 && (uint32_t)label >= img->dims.num_labels)) return NI_ERR_THRESHOLDS;
    }
    img->thresholds = s + NI_THRESHOLDS_HEADER_SIZE;
    img->reject_kind = kind;
    img->reject_threshold = threshold;
    img->unknown_label = label;
    return NI_OK;
}

/* Bytes of one test vector record with t tokens (and L answers when the section carries them). */
static uint32_t record_length(const ni_model_dims *d, uint32_t t, int answers)
{
    return NI_TEST_VECTOR_HEADER_SIZE + ((2u * t + 3u) & ~3u) + 4u * d->num_layers * d->num_labels +
           4u * d->num_layers * (answers ? 2u : 1u);
}

ni_status ni_image_check_test_vectors(ni_image *img)
{
    const uint8_t *s = img->sections[NI_SECTION_TEST_VECTORS].data;
    uint32_t len = img->sections[NI_SECTION_TEST_VECTORS].length, count, off, i, k, flags;
    int answers;
    const ni_model_dims *d = &img->dims;
    if (s == NULL) return NI_OK; /* optional */
    if (len < NI_TEST_VECTORS_HEADER_SIZE) return NI_ERR_SECTION_FORMAT;
    flags = ni_rd32(s + 12);
    if ((flags & ~NI_TEST_VECTORS_FLAGS_KNOWN) != 0) return NI_ERR_FLAGS;
    answers = (flags & NI_TEST_VECTORS_FLAG_ANSWERS) != 0;
    if (ni_rd32(s + 4) != d->num_layers || ni_rd32(s + 8) != d->num_labels) return NI_ERR_TEST_VECTORS;
    count = ni_rd32(s);
    off = NI_TEST_VECTORS_HEADER_SIZE;
    for (i = 0; i < count; i++) {
        uint32_t rec, t;
        const uint8_t *r;
        if (len - off < NI_TEST_VECTOR_HEADER_SIZE) return NI_ERR_TEST_VECTORS;
        r = s + off;
        rec = ni_rd32(r);
        t = ni_rd16(r + 4);
        if (ni_rd16(r + 6) != 0) return NI_ERR_RESERVED;
        if (t == 0 || t > d->max_positions || rec != record_length(d, t, answers) || rec > len - off)
            return NI_ERR_TEST_VECTORS;
        for (k = 0; k < t; k++)
            if (ni_rd16(r + NI_TEST_VECTOR_HEADER_SIZE + 2u * k) >= d->vocab_size) return NI_ERR_TEST_VECTOR_TOKEN;
        if ((t & 1u) && ni_rd16(r + NI_TEST_VECTOR_HEADER_SIZE + 2u * t) != 0) return NI_ERR_RESERVED;
        if (answers) {
            /* the answers are the record's last L words: a label index or NI_ANSWER_UNKNOWN */
            const uint8_t *a = r + rec - 4u * d->num_layers;
            for (k = 0; k < d->num_layers; k++) {
                int32_t v = ni_rd32s(a + 4u * k);
                if (v < NI_ANSWER_UNKNOWN || (v >= 0 && (uint32_t)v >= d->num_labels)) return NI_ERR_TEST_VECTORS;
            }
        }
        off += rec;
    }
    if (off != len) return NI_ERR_TEST_VECTORS;
    img->test_vector_count = count;
    img->test_vector_flags = flags;
    img->test_vectors = s + NI_TEST_VECTORS_HEADER_SIZE;
    return NI_OK;
}
