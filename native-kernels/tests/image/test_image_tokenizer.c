/* ni_tokenize on the builder's image (image_builder.c: its NORMALIZER and synthetic vocabulary of words "[PAD]"=0
 * "[UNK]"=1 "[CLS]"=2 "[SEP]"=3 "[MASK]"=4 then a=5 b=6 ##c=7 d=8 e=9 ##f=10 ... ##i=13 ... ##ba=31 bc=33 bf=36, whose
 * token ids are their ranks in UTF-8 byte order: the cases name words, expect_ids maps them): the cases below cover
 * every step of the algorithm; the xunit NativeTokenizerTests compare it with ModelPacker on real vocabularies and
 * every utterance of the datasets. Cross-built for the QEMU targets (tests/mcu). */
#include <string.h>
#include "image_builder.h"
#include "nano_intent/ni_tokenizer.h"
#include "test_util.h"

static uint8_t buf[1 << 16];
static uint32_t scratch_words[1024];
static ni_image img;

static void expect_ids(const char *text, uint32_t len, uint32_t max_ids, const int32_t *want, uint32_t n_want)
{
    int32_t ids[64];
    uint32_t i;
    int n = ni_tokenize(&img, (const uint8_t *)text, len, ids, max_ids, (uint8_t *)scratch_words, sizeof scratch_words);
    if (n != (int)n_want) {
        ni_test_failures++;
        fprintf(stderr, "tokenize '%s' (max %u): %d ids, want %u\n", text, (unsigned)max_ids, n, (unsigned)n_want);
        return;
    }
    for (i = 0; i < n_want; i++)
        if (ids[i] != (int32_t)tb_vocab_id((uint32_t)want[i], img.dims.vocab_size)) {
            ni_test_failures++;
            fprintf(stderr, "tokenize '%s' (max %u): id %u is %d, want word %d\n", text, (unsigned)max_ids, (unsigned)i,
                    (int)ids[i], (int)want[i]);
            return;
        }
}

#define T(text, max, ...) do { static const int32_t w_[] = {__VA_ARGS__}; \
    expect_ids(text, (uint32_t)(sizeof(text) - 1), max, w_, (uint32_t)(sizeof w_ / sizeof w_[0])); } while (0)

int main(void)
{
    tb_options opt = tb_default_options();
    uint32_t len = tb_build(buf, sizeof buf, &opt, &(tb_layout){0});
    char longword[102];
    int32_t ids[8];
    CHECK_STATUS(ni_image_open(buf, len, &img), NI_OK, "builder image");
    CHECK(ni_tokenizer_scratch_bytes(&img) == 404u + 404u);

    T("", 8, 2, 3);
    T("a", 8, 2, 5, 3);
    T("A b", 8, 2, 5, 6, 3);                          /* A -> a (mapping) */
    T("ac", 8, 2, 5, 7, 3);                           /* a ##c */
    T("bc", 8, 2, 33, 3);                             /* the longest piece first */
    T("bba", 8, 2, 6, 31, 3);                         /* b ##ba */
    T("ad", 8, 2, 1, 3);                              /* "##d" is not in the vocabulary: [UNK] */
    T("a\xCC\x81", 8, 2, 5, 3);                       /* U+0301 maps to nothing */
    T("\xC3\x89", 8, 2, 9, 3);                        /* U+00C9 -> e */
    T("a,b", 8, 2, 5, 1, 6, 3);                       /* punctuation is a word of its own */
    T("a\xE4\xB8\xAD" "b", 8, 2, 5, 1, 6, 3);         /* U+4E2D: a CJK word of its own */
    T("b\xEF\xAC\x81", 8, 2, 36, 13, 3);              /* U+FB01 -> "fi" from the pool: bf ##i */
    T("\xEA\xB0\x80", 8, 2, 1, 3);                    /* U+AC00 -> jamo U+1100 U+1161: [UNK] */
    T("b\0c", 8, 2, 33, 3);                           /* NUL dropped inside the word */
    T("a\tb\xC2\xA0" "a\r\n", 8, 2, 5, 6, 5, 3);      /* tab, NBSP, CR LF end words */
    T("\xFF" "a\xE2\x82 b\xED\xA0\x80", 8, 2, 5, 6, 3); /* ill-formed bytes dropped, the space still counts */
    T("\xEF\xBF\xBD" "a", 8, 2, 5, 3);                /* U+FFFD dropped */
    T("a b a b a", 5, 2, 5, 6, 5, 3);                 /* truncated to max_ids */
    T("a b", 2, 2, 3);
    T("bba", 3, 2, 6, 3);                             /* a word cut by the truncation */
    T("a ad", 3, 2, 5, 3);
    T("ad a", 3, 2, 1, 3);                            /* the word rolls back to [UNK] past the limit */
    T("a bad", 4, 2, 5, 1, 3);
    memset(longword, 'a', sizeof longword);
    expect_ids(longword, 100, 8, (const int32_t[]){2, 1, 3}, 3); /* 100 a: a then "##a" is missing: [UNK] */
    expect_ids(longword, 101, 8, (const int32_t[]){2, 1, 3}, 3); /* over max_word_chars: [UNK] */
    longword[0] = 'b'; longword[1] = 'c';
    expect_ids(longword, 2, 8, (const int32_t[]){2, 33, 3}, 3);

    CHECK_STATUS((ni_status)ni_tokenize(&img, (const uint8_t *)"a", 1, ids, 1, (uint8_t *)scratch_words,
                                        sizeof scratch_words), NI_ERR_SEQ_LEN, "max_ids 1");
    CHECK_STATUS((ni_status)ni_tokenize(&img, (const uint8_t *)"a", 1, ids, 8, (uint8_t *)scratch_words, 100),
                 NI_ERR_ARENA_SMALL, "small scratch");
    CHECK_STATUS((ni_status)ni_tokenize(&img, (const uint8_t *)"a", 1, ids, 8, (uint8_t *)scratch_words + 1,
                                        sizeof scratch_words - 4), NI_ERR_ALIGNMENT, "unaligned scratch");
    CHECK_STATUS((ni_status)ni_tokenize(NULL, (const uint8_t *)"a", 1, ids, 8, (uint8_t *)scratch_words,
                                        sizeof scratch_words), NI_ERR_NULL, "no image");
    CHECK_STATUS((ni_status)ni_tokenize(&img, NULL, 1, ids, 8, (uint8_t *)scratch_words, sizeof scratch_words),
                 NI_ERR_NULL, "no text");
    CHECK(ni_tokenize(&img, NULL, 0, ids, 8, (uint8_t *)scratch_words, sizeof scratch_words) == 2);
    return ni_test_finish("image_tokenizer");
}
