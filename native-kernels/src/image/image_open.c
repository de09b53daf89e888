/* ni_image_open: header, section table, CRCs and SHA-256, then the content checks of every section.
 * The order is the one in docs/flash-image.md ("Validation order"); the C# ImageReader follows the same. */
#include <string.h>
#include "image_internal.h"

static const uint8_t ni_zero32[32];

/* Fuzz builds only (the libFuzzer target "fuzz_image_structure"): checksums are computed but not compared, so
 * random inputs reach the structural checks behind them. Never defined in a library that ships. */
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
#define NI_CHECKSUM_MISMATCH(a, b) ((void)(a), (void)(b), 0)
#else
#define NI_CHECKSUM_MISMATCH(a, b) ((a) != (b))
#endif

static ni_status check_header(const uint8_t *b, uint32_t len, uint32_t *count_out)
{
    uint32_t total, count, table_end, crc;
    if (len < NI_HEADER_SIZE) return NI_ERR_TRUNCATED;
    if (ni_rd32(b + NI_HDR_MAGIC) != NI_IMAGE_MAGIC) return NI_ERR_BAD_MAGIC;
    if (ni_rd16(b + NI_HDR_VERSION) != NI_IMAGE_VERSION) return NI_ERR_VERSION;
    if (ni_rd16(b + NI_HDR_HEADER_SIZE) != NI_HEADER_SIZE) return NI_ERR_HEADER_SIZE;
    total = ni_rd32(b + NI_HDR_TOTAL_LENGTH);
    if (total > len) return NI_ERR_TRUNCATED;
    if (total < len) return NI_ERR_LENGTH;
    count = ni_rd16(b + NI_HDR_SECTION_COUNT);
    if (count == 0 || count > NI_MAX_SECTIONS || ni_rd16(b + NI_HDR_SECTION_ENTRY_SIZE) != NI_SECTION_ENTRY_SIZE)
        return NI_ERR_SECTION_COUNT;
    table_end = NI_HEADER_SIZE + count * NI_SECTION_ENTRY_SIZE;
    if (table_end > len) return NI_ERR_TRUNCATED;
    /* Header CRC: the CRC field and the SHA-256 read as zero. */
    crc = ni_crc32_update(0, b, NI_HDR_HEADER_CRC);
    crc = ni_crc32_update(crc, ni_zero32, 4);
    crc = ni_crc32_update(crc, b + NI_HDR_RESERVED0, NI_HDR_SHA256 - NI_HDR_RESERVED0);
    crc = ni_crc32_update(crc, ni_zero32, 32);
    crc = ni_crc32_update(crc, b + NI_HDR_RESERVED1, table_end - NI_HDR_RESERVED1);
    if (NI_CHECKSUM_MISMATCH(crc, ni_rd32(b + NI_HDR_HEADER_CRC))) return NI_ERR_HEADER_CRC;
    if (ni_rd32(b + NI_HDR_FLAGS) & ~NI_FLAGS_KNOWN) return NI_ERR_FLAGS;
    if (!ni_all_zero(b + NI_HDR_RESERVED0, 4) || !ni_all_zero(b + NI_HDR_RESERVED1, NI_HEADER_SIZE - NI_HDR_RESERVED1))
        return NI_ERR_RESERVED;
    if (ni_rd32(b + NI_HDR_SECTION_TABLE_OFFSET) != NI_HEADER_SIZE) return NI_ERR_SECTION_BOUNDS;
    *count_out = count;
    return NI_OK;
}

static ni_status check_section_table(const uint8_t *b, uint32_t total, uint32_t count, ni_image *img)
{
    uint32_t i, prev_kind = 0, prev_end = NI_HEADER_SIZE + count * NI_SECTION_ENTRY_SIZE;
    for (i = 0; i < count; i++) {
        const uint8_t *e = b + NI_HEADER_SIZE + i * NI_SECTION_ENTRY_SIZE;
        uint32_t kind = ni_rd16(e + NI_SEC_KIND), off = ni_rd32(e + NI_SEC_OFFSET), len = ni_rd32(e + NI_SEC_LENGTH);
        if (ni_rd16(e + NI_SEC_RESERVED) != 0) return NI_ERR_RESERVED;
        if (kind == 0 || kind > NI_SECTION_KIND_MAX) return NI_ERR_SECTION_KIND;
        if (kind == prev_kind) return NI_ERR_SECTION_DUPLICATE;
        if (kind < prev_kind) return NI_ERR_SECTION_ORDER;
        if (off % NI_SECTION_ALIGN != 0) return NI_ERR_SECTION_ALIGN;
        if (!ni_in_range(off, len, total)) return NI_ERR_SECTION_BOUNDS;
        if (off < prev_end) return NI_ERR_SECTION_OVERLAP;
        img->sections[kind].data = b + off;
        img->sections[kind].offset = off;
        img->sections[kind].length = len;
        img->sections[kind].crc32 = ni_rd32(e + NI_SEC_CRC32);
        prev_kind = kind;
        prev_end = off + len;
    }
    if (prev_end != total) return NI_ERR_SECTION_BOUNDS;
    for (i = 1; i <= NI_SECTION_KIND_MAX; i++)
        if (i != NI_SECTION_TEST_VECTORS && i != NI_SECTION_ATTENTION_SPAN && img->sections[i].data == NULL)
            return NI_ERR_MISSING_SECTION;
    return NI_OK;
}

static ni_status check_checksums(const uint8_t *b, uint32_t total, ni_image *img)
{
    uint32_t k;
    ni_sha256 sha;
    uint8_t digest[32];
    for (k = 1; k <= NI_SECTION_KIND_MAX; k++) {
        const ni_section_view *s = &img->sections[k];
        if (s->data != NULL && NI_CHECKSUM_MISMATCH(ni_crc32_update(0, s->data, s->length), s->crc32))
            return NI_ERR_SECTION_CRC;
    }
    ni_sha256_init(&sha);
    ni_sha256_update(&sha, b, NI_HDR_SHA256);
    ni_sha256_update(&sha, ni_zero32, 32);
    ni_sha256_update(&sha, b + NI_HDR_RESERVED1, total - NI_HDR_RESERVED1);
    ni_sha256_final(&sha, digest);
    if (NI_CHECKSUM_MISMATCH(memcmp(digest, b + NI_HDR_SHA256, 32), 0)) return NI_ERR_IMAGE_HASH;
    return NI_OK;
}

static ni_status open_checked(const uint8_t *b, uint32_t len, ni_image *img)
{
    uint32_t count = 0;
    ni_status st = check_header(b, len, &count);
    if (st != NI_OK) return st;
    img->base = b;
    img->length = len;
    img->version = ni_rd16(b + NI_HDR_VERSION);
    img->board_id = ni_rd32(b + NI_HDR_BOARD_ID);
    img->arena_bytes = ni_rd32(b + NI_HDR_ARENA_BYTES);
    img->flags = ni_rd32(b + NI_HDR_FLAGS);
    if ((st = check_section_table(b, len, count, img)) != NI_OK) return st;
    if ((st = check_checksums(b, len, img)) != NI_OK) return st;
    if ((st = ni_image_check_model(img)) != NI_OK) return st;
    if ((st = ni_image_check_tensors(img, NI_SECTION_EMBEDDINGS)) != NI_OK) return st;
    if ((st = ni_image_check_tensors(img, NI_SECTION_LAYER)) != NI_OK) return st;
    if ((st = ni_image_check_tensors(img, NI_SECTION_EXIT_HEADS)) != NI_OK) return st;
    if (img->sections[NI_SECTION_QUANT_PARAMS].length == 0) return NI_ERR_SECTION_FORMAT;
    if ((st = ni_qparams_check(img->sections[NI_SECTION_QUANT_PARAMS].data, img->sections[NI_SECTION_QUANT_PARAMS].length,
                               &img->dims)) != NI_OK)
        return st;
    if ((st = ni_image_check_vocabulary(img)) != NI_OK) return st;
    if ((st = ni_image_check_labels(img)) != NI_OK) return st;
    if ((st = ni_image_check_thresholds(img)) != NI_OK) return st;
    if ((st = ni_image_check_test_vectors(img)) != NI_OK) return st;
    if ((st = ni_image_check_normalizer(img)) != NI_OK) return st;
    return ni_image_check_attention_span(img);
}

ni_status ni_image_open(const uint8_t *image, uint32_t len, ni_image *out)
{
    ni_status st;
    if (out == NULL) return NI_ERR_NULL_ARG;
    memset(out, 0, sizeof *out);
    if (image == NULL) return NI_ERR_NULL_ARG;
    st = open_checked(image, len, out);
    if (st != NI_OK) memset(out, 0, sizeof *out);
    return st;
}

ni_status ni_image_check_board(const ni_image *img, uint32_t board_id)
{
    if (img == NULL) return NI_ERR_NULL_ARG;
    return (img->board_id == 0 || img->board_id == board_id) ? NI_OK : NI_ERR_BOARD;
}
