/* On an accepted image: every vocabulary string decoded and found again at its id, a search for the input's own tail
 * against a linear search,
 * every tensor id the format can hold (and two beyond) with each tensor walked through its encoding, labels, thresholds, every test vector value, and the
 * tokenizer over the image's own NORMALIZER and VOCABULARY with the input's last two thirds as text. */
#include <stdlib.h>
#include "fuzz_image_walk.h"
#include <string.h>
#include "nano_intent/ni_encoding.h"
#include "nano_intent/ni_tokenizer.h"

/* A validated tensor through its encoding's table row: every row's params, an embedding lookup of its first and last
 * row (an encoding with embedding rows), and (an encoding with a GEMM) the GEMM of up to 8 rows against one input row made from the fuzz input (packed
 * as the encoding reads it), each buffer of exactly its size so ASan sees any overrun. */
static uint32_t walk_tensor(const ni_tensor_desc *d, const uint8_t *text, uint32_t text_len)
{
    const ni_tensor t = { d->encoding, d->data, d->params, d->data_len, d->params_len, d->rows, d->cols };
    const ni_encoding_traits *e = ni_encoding_find(d->encoding);
    uint32_t sink = 0, r, rows = d->rows < 8u ? d->rows : 8u;
    if (e == NULL) abort(); /* the loader accepted it */
    for (r = 0; r < d->rows; r++) {
        ni_int8_row_params p = e->row_params(&t, r);
        if (p.shift < 1 || p.shift > 62 || p.multiplier < 0) abort(); /* the validated ranges */
        sink += (uint32_t)p.bias;
    }
    int64_t *sum = (int64_t *)calloc(d->cols, sizeof *sum);
    if (e->gemm == NULL) { /* an embedding-only encoding (BINARY_EMBED) */
        if (sum != NULL) {
            e->embed_add(&t, 0, sum);
            e->embed_add(&t, d->rows - 1, sum);
            sink += (uint32_t)sum[0];
        }
        free(sum);
        return sink;
    }
    int8_t *x = (int8_t *)malloc(d->cols);
    uint32_t *in = (uint32_t *)malloc((e->input_bytes(d->cols) + 3u) & ~3u);
    int32_t *acc = (int32_t *)malloc(rows * sizeof *acc);
    if (sum && x && in && acc) {
        if (e->embed_add != NULL) { /* BINARY_SIGN is never an embedding table */
            e->embed_add(&t, 0, sum);
            e->embed_add(&t, d->rows - 1, sum);
        }
        for (r = 0; r < d->cols; r++) x[r] = (int8_t)(text_len ? text[r % text_len] : 0);
        if (e->pack_input != NULL) e->pack_input(&t, x, 0, d->cols, (uint8_t *)in);
        else memcpy(in, x, d->cols);
        e->gemm(&t, (const uint8_t *)in, e->input_bytes(d->cols), 1, 0, rows, acc, rows);
        for (r = 0; r < rows; r++) sink += (uint32_t)acc[r];
        sink += (uint32_t)sum[0];
    }
    free(sum); free(x); free(in); free(acc);
    return sink;
}

/* The tokenizer on text[0..len) with scratch of exactly the size it asks for (ASan sees any overrun). */
static void tokenize_text(const ni_image *img, const uint8_t *text, uint32_t len)
{
    uint32_t need = ni_tokenizer_scratch_bytes(img);
    uint32_t *scratch = (uint32_t *)malloc(need + 4u); /* rounded to words: the tokenizer wants 4-byte alignment */
    int32_t ids[24];
    int k, i;
    if (scratch == NULL) return;
    k = ni_tokenize(img, text, len, ids, 24, (uint8_t *)scratch, need);
    if (k < 2 || k > 24) abort();
    for (i = 0; i < k; i++)
        if (ids[i] < 0 || (uint32_t)ids[i] >= img->dims.vocab_size) abort();
    free(scratch);
}

int ni_fuzz_open_and_walk(const uint8_t *image, uint32_t size)
{
    ni_image img;
    uint32_t i, l, c, n;
    uint8_t s[NI_VOCAB_MAX_TOKEN_BYTES];
    const uint8_t *lab, *key = image + size / 2;
    uint32_t key_len = (size - size / 2) % 300u;
    int32_t found, want = -1;
    volatile uint32_t sink = 0; /* unsigned: the sum only keeps reads alive and may wrap */
    ni_test_vector_iter it;
    ni_test_vector tv;
    if (ni_image_open(image, size, &img) != NI_OK) return 0;
    for (i = 0; i < img.vocab_count; i++) {
        if (!ni_image_vocab_entry(&img, i, s, sizeof s, &n)) abort();
        if (ni_image_vocab_find(&img, (const char *)s, n) != (int32_t)i) abort(); /* sorted, unique */
    }
    found = ni_image_vocab_find(&img, (const char *)key, key_len); /* the input's tail: as a linear search says */
    for (i = 0; i < img.vocab_count && want < 0; i++)
        if (ni_image_vocab_entry(&img, i, s, sizeof s, &n) && n == key_len && memcmp(s, key, n) == 0) want = (int32_t)i;
    if (found != want) abort();
    /* every id the format defines is below 1024 (the last exit part is NI_TENSOR_EXIT(31, 15) = 767); above it, the
     * top id and one chosen by the input */
    for (i = 0; i < 1024u + 2u; i++) {
        uint16_t tid = (uint16_t)(i < 1024u ? i : i == 1024u ? 0xFFFFu : 1024u + ni_rd16(image + size - 2) % 0xFBFFu);
        const ni_tensor_desc *t = ni_image_tensor(&img, tid);
        if (t != NULL) {
            sink += t->data[0] + t->data[t->data_len - 1] + (t->params_len ? t->params[t->params_len - 1] : 0);
            sink += walk_tensor(t, image + size / 3, size - size / 3);
        }
    }
    for (i = 0; i < img.dims.num_labels; i++)
        if (ni_image_label(&img, i, &lab, &n)) sink += lab[n - 1];
    for (l = 0; l <= img.dims.num_layers; l++) sink += (uint32_t)ni_image_threshold(&img, l);
    for (l = 0; l <= img.dims.num_heads; l++) sink += ni_image_attention_span(&img, l); /* one past the last head too */
    ni_test_vector_begin(&img, &it);
    while (ni_test_vector_next(&img, &it, &tv)) {
        for (i = 0; i < tv.token_count; i++) sink += ni_test_vector_token(&tv, i);
        for (l = 0; l < img.dims.num_layers; l++) {
            int32_t answer = 0;
            sink += (uint32_t)ni_test_vector_entropy(&img, &tv, l);
            for (c = 0; c < img.dims.num_labels; c++) sink += (uint32_t)ni_test_vector_logit(&img, &tv, l, c);
            if (ni_test_vector_answer(&img, &tv, l, &answer)) sink += (uint32_t)answer;
            sink += (uint32_t)ni_image_answer(&img, l % img.dims.num_labels, ni_test_vector_entropy(&img, &tv, l), 32768);
        }
    }
    tokenize_text(&img, image + size / 3, size - size / 3);
    (void)sink;
    return 1;
}
