/* Every proper prefix of a valid image is rejected as NI_ERR_TRUNCATED; one extra byte is NI_ERR_LENGTH.
 * Each prefix is copied into a buffer of exactly that length, so ASan catches any read past it. */
#include <stdlib.h>
#include <string.h>
#include "image_builder.h"
#include "test_util.h"

static uint8_t buf[1 << 16];

static int check(tb_options o)
{
    tb_layout lay;
    ni_image img;
    uint32_t len = tb_build(buf, sizeof buf, &o, &lay), n;
    char what[64];
    CHECK(len > 0);
    for (n = 0; n < len; n++) {
        uint8_t *copy = (uint8_t *)malloc(n ? n : 1);
        memcpy(copy, buf, n);
        sprintf(what, "prefix of %u bytes", (unsigned)n);
        CHECK_STATUS(ni_image_open(copy, n, &img), NI_ERR_TRUNCATED, what);
        free(copy);
    }
    {
        uint8_t *copy = (uint8_t *)malloc(len + 1);
        memcpy(copy, buf, len);
        copy[len] = 0;
        CHECK_STATUS(ni_image_open(copy, len + 1, &img), NI_ERR_LENGTH, "one extra byte");
        CHECK_STATUS(ni_image_open(copy, len, &img), NI_OK, "exact length");
        free(copy);
    }
    printf("image_truncation: %u prefixes\n", (unsigned)len);
    return 0;
}

int main(void)
{
    check(tb_default_options());
    check(tb_w1a1_options()); /* 1-bit tensors */
    check(tb_w1a1_s8_options()); /* 1-bit poolers over the int8 h[CLS] */
    check(tb_af8_options()); /* AdaptivFloat linear tensors */
    check(tb_gobo3_options()); /* GOBO linear tensors with outlier lists */
    check(tb_sparse_embed_options()); /* pruned word embeddings (INT8_SPARSE_EMBED) */
    check(tb_span_options()); /* ATTENTION_SPAN */
    check(tb_int4_options()); /* int4 linear tensors */
    check(tb_ipq_options()); /* iPQ linear tensors */
    check(tb_int8_sparse_options()); /* pruned int8 linear tensors */
    check(tb_2of4_options()); /* 2:4 sparse int8 linear tensors */
    check(tb_int8_sparse_4x4_options()); /* pruned int8 linear tensors in 4x4 blocks */
    return ni_test_finish("image_truncation");
}
