/* Every single-bit flip anywhere in a valid image is rejected with the error that names what it hit: a header
 * field's own check (magic, version, size, length, count) or NI_ERR_HEADER_CRC, NI_ERR_IMAGE_HASH for the hash
 * field and the padding between sections, NI_ERR_SECTION_CRC inside every section. */
#include <string.h>
#include "image_builder.h"
#include "test_util.h"

static uint8_t buf[1 << 16];

static ni_status expected(const uint8_t *img, uint32_t len, const tb_layout *lay, uint32_t at)
{
    uint32_t kind, table_end = NI_HEADER_SIZE + lay->section_count * NI_SECTION_ENTRY_SIZE;
    if (at < 4) return NI_ERR_BAD_MAGIC;
    if (at < 6) return NI_ERR_VERSION;
    if (at < 8) return NI_ERR_HEADER_SIZE;
    if (at >= NI_HDR_TOTAL_LENGTH && at < NI_HDR_TOTAL_LENGTH + 4)
        return ni_rd32(img + NI_HDR_TOTAL_LENGTH) > len ? NI_ERR_TRUNCATED : NI_ERR_LENGTH;
    if (at >= NI_HDR_SECTION_COUNT && at < NI_HDR_SECTION_COUNT + 2) {
        uint32_t c = ni_rd16(img + NI_HDR_SECTION_COUNT);
        if (c == 0 || c > NI_MAX_SECTIONS) return NI_ERR_SECTION_COUNT;
        return NI_HEADER_SIZE + c * NI_SECTION_ENTRY_SIZE > len ? NI_ERR_TRUNCATED : NI_ERR_HEADER_CRC;
    }
    if (at >= NI_HDR_SECTION_ENTRY_SIZE && at < NI_HDR_SECTION_ENTRY_SIZE + 2) return NI_ERR_SECTION_COUNT;
    if (at >= NI_HDR_SHA256 && at < NI_HDR_SHA256 + 32) return NI_ERR_IMAGE_HASH;
    if (at < table_end) return NI_ERR_HEADER_CRC;
    for (kind = 1; kind <= NI_SECTION_KIND_MAX; kind++)
        if (lay->section_offset[kind] && at >= lay->section_offset[kind] &&
            at < lay->section_offset[kind] + lay->section_length[kind])
            return NI_ERR_SECTION_CRC;
    return NI_ERR_IMAGE_HASH; /* zero padding between sections: only the hash covers it */
}

static int check(tb_options o)
{
    tb_layout lay;
    ni_image img;
    uint32_t len = tb_build(buf, sizeof buf, &o, &lay), at, bit, flips = 0, padding = 0;
    char what[96];
    CHECK(len > 0);
    for (at = 0; at < len; at++) {
        for (bit = 0; bit < 8; bit++) {
            ni_status want;
            buf[at] ^= (uint8_t)(1u << bit);
            want = expected(buf, len, &lay, at);
            sprintf(what, "bit %u of byte %u", (unsigned)bit, (unsigned)at);
            CHECK_STATUS(ni_image_open(buf, len, &img), want, what);
            if (want == NI_ERR_IMAGE_HASH && at >= NI_HEADER_SIZE) padding++;
            buf[at] ^= (uint8_t)(1u << bit);
            flips++;
        }
    }
    CHECK_STATUS(ni_image_open(buf, len, &img), NI_OK, "restored image");
    CHECK(padding > 0); /* the layout has padding, so that case was exercised */
    printf("image_bitflip: %u flips over %u bytes (%u in padding)\n", (unsigned)flips, (unsigned)len, (unsigned)padding);
    return 0;
}

int main(void)
{
    check(tb_default_options());
    check(tb_w1a1_options()); /* 1-bit tensors */
    check(tb_w1a1_s8_options()); /* 1-bit poolers over the int8 h[CLS] */
    check(tb_af8_options()); /* AdaptivFloat linear tensors */
    check(tb_int4_options()); /* int4 linear tensors */
    return ni_test_finish("image_bitflip");
}
