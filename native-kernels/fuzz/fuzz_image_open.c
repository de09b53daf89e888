/* libFuzzer target: ni_image_open on arbitrary bytes; on success, every accessor over the whole image (vocabulary
 * entries found again by binary search, a search for the input's own tail, every tensor id, labels, thresholds,
 * every test vector value, the tokenizer over the image's own NORMALIZER and VOCABULARY on the input's tail as text).
 * ASan/UBSan turn any read outside the image into a crash. */
#include <stdlib.h>
#include <string.h>
#include "nano_intent/ni_image.h"
#include "nano_intent/ni_tokenizer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ni_image img;
    uint8_t *copy;
    uint32_t i, l, c, n;
    const uint8_t *s;
    uint16_t id;
    volatile uint32_t sink = 0; /* unsigned: the sum only keeps reads alive and may wrap */
    ni_test_vector_iter it;
    ni_test_vector tv;
    if (size > 0xFFFFFFFFu) return 0;
    /* an exact-size heap copy, so ASan sees the image's real end */
    copy = (uint8_t *)malloc(size ? size : 1);
    if (!copy) return 0;
    if (size) memcpy(copy, data, size);
    if (ni_image_open(copy, (uint32_t)size, &img) == NI_OK) {
        for (i = 0; i < img.vocab_count; i++) {
            if (!ni_image_vocab_entry(&img, i, &s, &n, &id)) abort();
            if (ni_image_vocab_find(&img, (const char *)s, n) != (int32_t)id) abort(); /* sorted, unique */
        }
        sink += ni_image_vocab_find(&img, (const char *)copy + size / 2, (uint32_t)(size - size / 2) % 300u);
        for (i = 0; i < 0x10000u; i++) {
            const ni_tensor_desc *t = ni_image_tensor(&img, (uint16_t)i);
            if (t != NULL) sink += t->data[0] + t->data[t->data_len - 1] + (t->params_len ? t->params[t->params_len - 1] : 0);
        }
        for (i = 0; i < img.dims.num_labels; i++)
            if (ni_image_label(&img, i, &s, &n)) sink += s[n - 1];
        for (l = 0; l <= img.dims.num_layers; l++) sink += ni_image_threshold(&img, l);
        ni_test_vector_begin(&img, &it);
        while (ni_test_vector_next(&img, &it, &tv)) {
            for (i = 0; i < tv.token_count; i++) sink += ni_test_vector_token(&tv, i);
            for (l = 0; l < img.dims.num_layers; l++) {
                sink += ni_test_vector_entropy(&img, &tv, l);
                for (c = 0; c < img.dims.num_labels; c++) sink += ni_test_vector_logit(&img, &tv, l, c);
            }
        }
        {
            uint32_t need = ni_tokenizer_scratch_bytes(&img);
            uint32_t *scratch = (uint32_t *)malloc(need + 4u); /* exact size (rounded to words) for ASan */
            int32_t ids[24];
            int k;
            if (scratch != NULL) {
                n = (uint32_t)(size - size / 3);
                k = ni_tokenize(&img, copy + size / 3, n, ids, 24, (uint8_t *)scratch, need);
                if (k < 2 || k > 24) abort();
                for (i = 0; i < (uint32_t)k; i++)
                    if (ids[i] < 0 || (uint32_t)ids[i] >= img.dims.vocab_size) abort();
                free(scratch);
            }
        }
    }
    free(copy);
    (void)sink;
    return 0;
}
