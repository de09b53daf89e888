/* The device tokenizer: UTF-8 text -> [CLS] WordPiece ids [SEP], the same ids ModelPacker's WordPieceTokenizer
 * gives, byte for byte. Normalization (whitespace, control characters, CJK, lower-casing, accent stripping,
 * punctuation) is read from the image's NORMALIZER section (docs/flash-image.md), the pieces from its VOCABULARY:
 * the device and the desktop read one table. No malloc, no float; the caller gives the scratch memory. */
#ifndef NANO_INTENT_NI_TOKENIZER_H
#define NANO_INTENT_NI_TOKENIZER_H

#include <stdint.h>
#include "ni_image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bytes of scratch ni_tokenize needs for this image (depends on the vocabulary's max_word_chars). */
uint32_t ni_tokenizer_scratch_bytes(const ni_image *img);

/* Tokenizes utf8[0..len) (not NUL-terminated; ill-formed sequences count as U+FFFD, which is dropped, as .NET's
 * UTF-8 decoder and BERT do) into ids: [CLS], the pieces truncated so the total is at most max_ids, [SEP].
 * Returns the number of ids written (2..max_ids) or a negative ni_status: NI_ERR_NULL, NI_ERR_SEQ_LEN when
 * max_ids < 2, NI_ERR_ARENA_SMALL when scratch_len < ni_tokenizer_scratch_bytes(img), NI_ERR_ALIGNMENT when
 * scratch is not 4-byte aligned. Empty text gives [CLS] [SEP]. */
int ni_tokenize(const ni_image *img, const uint8_t *utf8, uint32_t len, int32_t *ids, uint32_t max_ids,
                uint8_t *scratch, uint32_t scratch_len);

#ifdef __cplusplus
}
#endif

#endif
