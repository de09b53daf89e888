/* Internal to the image loader: the numerics hooks it calls and the small helpers its files share. */
#ifndef NANO_INTENT_IMAGE_INTERNAL_H
#define NANO_INTENT_IMAGE_INTERNAL_H

#include <stddef.h>
#include "nano_intent/ni_image.h"
/* ni_dims_validate, ni_tensor_check_format/_params, ni_qparams_validate: the model rules the loader checks the MODEL
 * dims, tensors and QUANT_PARAMS against (docs/numerics.md); encodings through the encoding table. */
#include "nano_intent/ni_encoding.h"

/* 1 when [off, off + len) lies inside [0, total), without overflow. */
static inline int ni_in_range(uint32_t off, uint32_t len, uint32_t total)
{
    return off <= total && len <= total - off;
}

static inline int ni_all_zero(const uint8_t *p, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        if (p[i] != 0) return 0;
    return 1;
}

/* 1 when p[0..n) is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int ni_utf8_valid(const uint8_t *p, uint32_t n);

/* memcmp order, then the shorter first: <0, 0, >0. */
int ni_bytes_compare(const uint8_t *a, uint32_t alen, const uint8_t *b, uint32_t blen);

/* The content checks run after the structure, CRCs and hash were verified (image_content.c, image_tensors.c). */
ni_status ni_image_check_model(ni_image *img);
ni_status ni_image_check_tensors(ni_image *img, uint16_t kind);
ni_status ni_image_check_vocabulary(ni_image *img);
ni_status ni_image_check_labels(ni_image *img);
ni_status ni_image_check_thresholds(ni_image *img);
ni_status ni_image_check_test_vectors(ni_image *img);
ni_status ni_image_check_normalizer(ni_image *img);
ni_status ni_image_check_attention_span(ni_image *img);

#endif
