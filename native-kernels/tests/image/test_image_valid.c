/* A valid image loads, and every accessor answers from the image: tensors, sections, vocabulary (every entry found
 * by binary search, absent strings not), labels, thresholds, test vectors; the output struct is zeroed on error. */
#include <string.h>
#include "image_builder.h"
#include "test_util.h"
#include "nano_intent/ni_encoding.h"

static uint8_t buf[1 << 16];

/* The reference lookup: every id decoded and compared, -1 when none matches. */
static int32_t linear_find(const ni_image *img, const char *key, uint32_t len)
{
    uint8_t dec[NI_VOCAB_MAX_TOKEN_BYTES];
    uint32_t i, n;
    for (i = 0; i < img->vocab_count; i++)
        if (ni_image_vocab_entry(img, i, dec, sizeof dec, &n) && n == len && memcmp(dec, key, len) == 0) return (int32_t)i;
    return -1;
}

static void check_image(const tb_options *o)
{
    tb_layout lay;
    ni_image img;
    uint32_t len = tb_build(buf, sizeof buf, o, &lay), i, l, n;
    const ni_model_dims *d = &o->dims;
    char s[64];
    uint8_t dec[NI_VOCAB_MAX_TOKEN_BYTES];
    const uint8_t *p;
    uint16_t id;
    ni_test_vector_iter it;
    ni_test_vector tv;

    CHECK(len > 0);
    CHECK_STATUS(ni_image_open(buf, len, &img), NI_OK, "valid image");
    CHECK(img.base == buf && img.length == len && img.version == NI_IMAGE_VERSION);
    CHECK(img.board_id == o->board_id && img.arena_bytes == o->arena_bytes);
    CHECK(memcmp(&img.dims, d, sizeof *d) == 0);

    for (i = 1; i <= NI_SECTION_KIND_MAX; i++) {
        p = ni_image_section(&img, (uint16_t)i, &n);
        if (lay.section_offset[i] == 0) { CHECK(p == NULL && n == 0); continue; }
        CHECK(p == buf + lay.section_offset[i] && n == lay.section_length[i]);
        CHECK(((uintptr_t)(p - buf)) % NI_SECTION_ALIGN == 0);
    }
    CHECK(ni_image_section(&img, 0, NULL) == NULL && ni_image_section(&img, NI_SECTION_KIND_MAX + 1, NULL) == NULL);

    /* tensors: present with the demanded shapes, data 32-aligned inside their section */
    {
        const ni_tensor_desc *t = ni_image_tensor(&img, NI_TENSOR_WORD_EMBEDDINGS);
        uint32_t dl = 0, pl = 0;
        CHECK(t != NULL && t->rows == d->vocab_size && t->cols == d->embedding_size);
        CHECK(t != NULL && t->encoding == (o->word_encoding ? o->word_encoding : d->scheme == NI_SCHEME_W1A1 ? NI_ENC_BINARY_EMBED : NI_ENC_INT8_ROW));
        CHECK(t != NULL && t->data >= buf + lay.section_offset[NI_SECTION_EMBEDDINGS] && (t->data - buf) % 32 == 0);
        CHECK(ni_encoding_find(t->encoding)->sizes(t->rows, t->cols, &dl, &pl));
        CHECK(pl == (d->scheme == NI_SCHEME_W1A1 ? 8 + d->vocab_size : 12 * d->vocab_size));
        if (o->word_encoding == NI_ENC_INT8_SPARSE_EMBED) { /* variable length: at least the least sizes */
            CHECK(t != NULL && t->data_len > dl && t->params_len == pl && t->params != NULL);
            CHECK(dl == d->vocab_size * (4u + (d->embedding_size + 7u) / 8u));
        } else {
            CHECK(t != NULL && t->data_len == dl && t->params_len == pl && t->params != NULL);
            CHECK(t != NULL && dl == (d->scheme == NI_SCHEME_W1A1 ? d->vocab_size * d->embedding_size / 8 : d->vocab_size * d->embedding_size));
        }
        t = ni_image_tensor(&img, NI_TENSOR_FFN);
        CHECK(t != NULL && t->rows == d->intermediate_size && t->cols == d->hidden_size);
        t = ni_image_tensor(&img, NI_TENSOR_FFN_OUTPUT);
        CHECK(t != NULL && t->rows == d->hidden_size && t->cols == d->intermediate_size);
        for (l = 0; l < d->num_layers; l++) {
            t = ni_image_tensor(&img, NI_TENSOR_EXIT(l, NI_EXIT_CLASSIFIER));
            CHECK(t != NULL && t->rows == d->num_labels && t->cols == d->hidden_size && t->id == NI_TENSOR_EXIT(l, 1));
            CHECK(t != NULL && t->encoding == NI_ENC_INT8_ROW); /* classifiers stay int8 in every scheme */
            t = ni_image_tensor(&img, NI_TENSOR_EXIT(l, NI_EXIT_POOLER));
            CHECK(t != NULL && t->encoding == (o->pooler_encoding ? o->pooler_encoding : ni_tensor_encoding(d, NI_TENSOR_EXIT(l, NI_EXIT_POOLER))));
        }
        CHECK(ni_image_tensor(&img, NI_TENSOR_EXIT(d->num_layers, NI_EXIT_POOLER)) == NULL);
        CHECK(ni_image_tensor(&img, NI_TENSOR_EXIT(0, 2)) == NULL);
        CHECK(ni_image_tensor(&img, 0) == NULL && ni_image_tensor(&img, 4) == NULL && ni_image_tensor(&img, 22) == NULL);
    }

    /* vocabulary: every word found at its rank in UTF-8 order and decoded back, absent strings -1 */
    CHECK(img.vocab_count == d->vocab_size && img.max_word_chars == 100);
    CHECK(img.pad_id == tb_vocab_id(0, d->vocab_size) && img.cls_id == tb_vocab_id(2, d->vocab_size) &&
          img.sep_id == tb_vocab_id(3, d->vocab_size));
    for (i = 0; i < d->vocab_size; i++) {
        uint32_t m = tb_vocab_word(i, s);
        id = (uint16_t)tb_vocab_id(i, d->vocab_size);
        CHECK(ni_image_vocab_find(&img, s, m) == (int32_t)id);
        CHECK(ni_image_vocab_entry(&img, id, dec, sizeof dec, &n) == 1 && n == m && memcmp(dec, s, m) == 0);
        CHECK(m < 2 || ni_image_vocab_entry(&img, id, dec, m - 1, &n) == 0); /* buffer too small */
        for (l = 1; l < m; l++) CHECK(ni_image_vocab_find(&img, s, l) == linear_find(&img, s, l)); /* prefixes */
        s[m] = 'z';
        CHECK(ni_image_vocab_find(&img, s, m + 1) == linear_find(&img, s, m + 1));
        s[m] = '#';
        CHECK(ni_image_vocab_find(&img, s, m + 1) == linear_find(&img, s, m + 1));
    }
    CHECK(ni_image_vocab_entry(&img, d->vocab_size, dec, sizeof dec, &n) == 0);
    CHECK(ni_image_vocab_entry(&img, 0, NULL, sizeof dec, &n) == 0);
    CHECK(ni_image_vocab_find(&img, "zzzzzz", 6) == -1);
    CHECK(ni_image_vocab_find(&img, "", 0) == -1);
    CHECK(ni_image_vocab_find(&img, "[PAD", 4) == -1);
    CHECK(ni_image_vocab_find(&img, "[PAD]x", 6) == -1);
    CHECK(ni_image_vocab_find(&img, "\xff", 1) == -1);
    CHECK(ni_image_vocab_find(&img, "!", 1) == -1);                    /* before the first string */

    for (i = 0; i < d->num_labels; i++) {
        char want[32];
        int wn = sprintf(want, "Intent%u", (unsigned)i);
        CHECK(ni_image_label(&img, i, &p, &n) == 1 && n == (uint32_t)wn && memcmp(p, want, n) == 0);
    }
    CHECK(ni_image_label(&img, d->num_labels, &p, &n) == 0);
    for (l = 0; l < d->num_layers; l++) CHECK(ni_image_threshold(&img, l) == (int32_t)(20000 + 1000 * l));
    CHECK(ni_image_threshold(&img, d->num_layers) == 0);

    /* the rejection rule as written, and the answers it gives at and around its threshold */
    CHECK(img.reject_kind == o->reject_kind && img.reject_threshold == (o->reject_kind ? o->reject_threshold : 0));
    CHECK(img.unknown_label == (o->reject_kind ? o->unknown_label : NI_LABEL_NONE));
    if (o->reject_kind == NI_REJECT_CONFIDENCE) {
        CHECK(ni_image_answer(&img, 1, 0, o->reject_threshold) == 1);
        CHECK(ni_image_answer(&img, 1, 0, o->reject_threshold - 1) == NI_ANSWER_UNKNOWN);
    } else if (o->reject_kind == NI_REJECT_ENTROPY) {
        CHECK(ni_image_answer(&img, 1, o->reject_threshold, 1) == 1);
        CHECK(ni_image_answer(&img, 1, o->reject_threshold + 1, 65536) == NI_ANSWER_UNKNOWN);
    } else {
        CHECK(ni_image_answer(&img, 1, 0x7FFFFFFF, 0) == 1);
    }
    if (o->reject_kind != NI_REJECT_NONE && o->unknown_label >= 0)
        CHECK(ni_image_answer(&img, (uint32_t)o->unknown_label, 0, 65536) == NI_ANSWER_UNKNOWN);

    /* test vectors: count, tokens [CLS] .. [SEP], values read back at the bytes the builder wrote */
    n = 0;
    ni_test_vector_begin(&img, &it);
    while (ni_test_vector_next(&img, &it, &tv)) {
        CHECK(tv.index == n && tv.token_count >= 3 && tv.token_count <= d->max_positions);
        CHECK(ni_test_vector_token(&tv, 0) == 2 && ni_test_vector_token(&tv, tv.token_count - 1) == 3);
        CHECK(ni_test_vector_logit(&img, &tv, 1, 2) == ni_rd32s(tv.logits + 4 * (1 * d->num_labels + 2)));
        CHECK(ni_test_vector_entropy(&img, &tv, 1) == ni_rd32s(tv.entropies + 4));
        CHECK(tv.entropies == tv.logits + 4 * d->num_layers * d->num_labels);
        {
            int32_t a = 99;
            CHECK(ni_test_vector_answer(&img, &tv, 1, &a) == (o->with_answers ? 1 : 0));
            CHECK(o->with_answers ? a == ni_rd32s(tv.entropies + 4 * d->num_layers + 4) && a >= -1 && a < (int32_t)d->num_labels
                                  : a == 99 && tv.answers == NULL);
            CHECK(ni_test_vector_answer(&img, &tv, d->num_layers, &a) == 0);
        }
        n++;
    }
    CHECK(n == (o->with_test_vectors ? o->test_vectors : 0u));
    CHECK(img.test_vector_count == n);
}

int main(void)
{
    tb_options o = tb_default_options();
    ni_image img;
    check_image(&o);
    o.with_test_vectors = 0;
    check_image(&o);
    o = tb_default_options();
    o.test_vectors = 0;
    check_image(&o);
    /* the layout of images written before rejection and answers: no rejection fields, records without answers */
    o = tb_default_options();
    o.reject_kind = NI_REJECT_NONE; o.with_answers = 0;
    check_image(&o);
    /* a larger shape: 4 layers, 5 labels, 96 tokens, board id set */
    o = tb_default_options();
    o.dims.vocab_size = 300; o.dims.embedding_size = 16; o.dims.hidden_size = 32; o.dims.num_heads = 4;
    o.dims.intermediate_size = 64; o.dims.num_layers = 4; o.dims.max_positions = 24; o.dims.num_labels = 5;
    o.board_id = 7; o.test_vectors = 9; o.seed = 99;
    check_image(&o);
    /* scheme W1A1: 1-bit tensors everywhere but the classifiers */
    o = tb_w1a1_options();
    check_image(&o);
    o = tb_w1a1_s8_options(); /* every pooler NI_ENC_BINARY_S8 */
    check_image(&o);
    o.dims.num_heads = 1; o.dims.max_positions = 40; o.test_vectors = 5;
    check_image(&o);
    o = tb_af8_options(); /* scheme AF8: AdaptivFloat linear tensors, int8 embedding tables and classifiers */
    check_image(&o);
    o = tb_gobo3_options(); /* scheme GOBO3: GOBO linear tensors with outlier lists, int8 embedding tables and classifiers */
    check_image(&o);
    o = tb_sparse_embed_options(); /* pruned word embeddings (INT8_SPARSE_EMBED) */
    check_image(&o);
    o = tb_span_options(); /* ATTENTION_SPAN: head 0 span 3, head 1 span 0 */
    check_image(&o);
    {
        tb_layout lay;
        uint32_t len = tb_build(buf, sizeof buf, &o, &lay);
        CHECK_STATUS(ni_image_open(buf, len, &img), NI_OK, "span image");
        CHECK(ni_image_attention_span(&img, 0) == 3 && ni_image_attention_span(&img, 1) == 0 && ni_image_attention_span(&img, 2) == 0);
        o = tb_default_options();
        len = tb_build(buf, sizeof buf, &o, &lay);
        CHECK_STATUS(ni_image_open(buf, len, &img), NI_OK, "image without spans");
        CHECK(img.attention_spans == NULL && ni_image_attention_span(&img, 1) == o.dims.max_positions);
    }
    o = tb_int4_options(); /* scheme INT4: int4 linear tensors, int8 embedding tables and classifiers */
    check_image(&o);
    o = tb_ipq_options(); /* scheme IPQ: iPQ linear tensors, int8 embedding tables and classifiers */
    o = tb_int8_sparse_options(); /* scheme INT8_SPARSE: pruned int8 linear tensors, int8 embedding tables and classifiers */
    o = tb_2of4_options(); /* scheme INT8_2OF4: 2:4 sparse int8 linear tensors, int8 embedding tables and classifiers */
    check_image(&o);
    o = tb_int8_sparse_4x4_options(); /* scheme INT8_SPARSE in 4x4 blocks */
    check_image(&o);
    o = tb_default_options();
    o.dims.vocab_size = 300; o.dims.embedding_size = 16; o.dims.hidden_size = 32; o.dims.num_heads = 4;
    o.dims.intermediate_size = 64; o.dims.num_layers = 4; o.dims.max_positions = 24; o.dims.num_labels = 5;
    o.board_id = 7; o.test_vectors = 9; o.seed = 99;
    {
        tb_layout lay;
        uint32_t len = tb_build(buf, sizeof buf, &o, &lay);
        CHECK_STATUS(ni_image_open(buf, len, &img), NI_OK, "board 7 image");
        CHECK_STATUS(ni_image_check_board(&img, 7), NI_OK, "same board");
        CHECK_STATUS(ni_image_check_board(&img, 8), NI_ERR_BOARD, "other board");
        buf[NI_HDR_MAGIC] ^= 1;
        CHECK_STATUS(ni_image_open(buf, len, &img), NI_ERR_BAD_MAGIC, "magic");
        CHECK(img.base == NULL && img.dims.vocab_size == 0 && ni_image_tensor(&img, 1) == NULL);
        CHECK(ni_image_vocab_find(&img, "a", 1) == -1);
    }
    CHECK_STATUS(ni_image_open(NULL, 100, &img), NI_ERR_NULL_ARG, "null image");
    CHECK_STATUS(ni_image_open(buf, 100, NULL), NI_ERR_NULL_ARG, "null out");
    CHECK(strcmp(ni_status_name(NI_ERR_SECTION_CRC), "NI_ERR_SECTION_CRC") == 0);
    CHECK(strcmp(ni_status_name((ni_status)12345), "NI_ERR_UNKNOWN") == 0);
    return ni_test_finish("image_valid");
}
