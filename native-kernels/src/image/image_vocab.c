/* VOCABULARY (docs/flash-image.md): the front-coded strings in blocks of NI_VOCAB_BLOCK_ENTRIES, their validation,
 * the lookup of a string's token id in place in the image, and the decoding of one token's string. */
#include <string.h>
#include "image_internal.h"

/* One length of an entry's lengths byte: the nibble, or the escape byte after it. */
static uint32_t length_of(uint32_t nibble, const uint8_t *s, uint32_t *pos)
{
    return nibble == NI_VOCAB_LENGTH_ESCAPE ? s[(*pos)++] : nibble;
}

/* The entry at s[*pos] of a validated section: prefix and suffix lengths; *pos moves to the suffix. */
static void entry_at(const uint8_t *s, uint32_t *pos, uint32_t *prefix, uint32_t *suffix)
{
    uint8_t h = s[(*pos)++];
    *prefix = length_of(h >> 4, s, pos);
    *suffix = length_of(h & 0xFu, s, pos);
}

static uint32_t block_count(uint32_t count) { return (count + NI_VOCAB_BLOCK_ENTRIES - 1u) / NI_VOCAB_BLOCK_ENTRIES; }

/* Reads one length (nibble or escape byte) of an unvalidated entry; 0 when the escape byte is missing or < 15. */
static int read_length(uint32_t nibble, const uint8_t *s, uint32_t len, uint32_t *pos, uint32_t *out)
{
    if (nibble != NI_VOCAB_LENGTH_ESCAPE) { *out = nibble; return 1; }
    if (*pos >= len || s[*pos] < NI_VOCAB_LENGTH_ESCAPE) return 0;
    *out = s[(*pos)++];
    return 1;
}

ni_status ni_image_check_vocabulary(ni_image *img)
{
    const uint8_t *s = img->sections[NI_SECTION_VOCABULARY].data;
    uint32_t len = img->sections[NI_SECTION_VOCABULARY].length, count, blocks, pos, i, b;
    uint32_t last = 0;                      /* length of the previous string, held in str */
    uint8_t str[NI_VOCAB_MAX_TOKEN_BYTES];
    if (len < NI_VOCAB_HEADER_SIZE) return NI_ERR_SECTION_FORMAT;
    if (ni_rd32(s + NI_VOC_FLAGS) & ~NI_VOCAB_FLAGS_KNOWN) return NI_ERR_FLAGS;
    if (!ni_all_zero(s + NI_VOC_RESERVED, NI_VOCAB_HEADER_SIZE - NI_VOC_RESERVED)) return NI_ERR_RESERVED;
    count = ni_rd32(s + NI_VOC_COUNT);
    if (count == 0 || count > img->dims.vocab_size) return NI_ERR_VOCAB_COUNT;
    for (i = NI_VOC_PAD_ID; i <= NI_VOC_MASK_ID; i += 2)
        if (ni_rd16(s + i) >= count) return NI_ERR_VOCAB_ID;
    blocks = block_count(count);
    pos = NI_VOCAB_HEADER_SIZE + blocks * NI_VOCAB_BLOCK_OFFSET_SIZE; /* count <= 65535: no overflow */
    if (pos > len) return NI_ERR_SECTION_FORMAT;
    for (i = 0, b = 0; b < blocks; b++) {
        uint32_t end = i + NI_VOCAB_BLOCK_ENTRIES < count ? i + NI_VOCAB_BLOCK_ENTRIES : count;
        uint32_t in_block = 0;              /* length of the block's previous string: what a prefix may reuse */
        if (ni_rd32(s + NI_VOCAB_HEADER_SIZE + b * NI_VOCAB_BLOCK_OFFSET_SIZE) != pos) return NI_ERR_VOCAB_BOUNDS;
        for (; i < end; i++) {
            uint32_t p, n;
            int c;
            uint8_t h;
            if (pos >= len) return NI_ERR_VOCAB_BOUNDS;
            h = s[pos++];
            if (!read_length(h >> 4, s, len, &pos, &p) || !read_length(h & 0xFu, s, len, &pos, &n))
                return NI_ERR_VOCAB_BOUNDS;
            if (n == 0 || p > in_block || p + n > NI_VOCAB_MAX_TOKEN_BYTES || n > len - pos) return NI_ERR_VOCAB_BOUNDS;
            /* the new string is str[0..p) + suffix; both share str[0..p), so the order is decided after it */
            c = i == 0 ? -1 : ni_bytes_compare(str + p, last - p, s + pos, n);
            memcpy(str + p, s + pos, n);
            pos += n;
            last = in_block = p + n;
            if (!ni_utf8_valid(str, last)) return NI_ERR_UTF8;
            if (c >= 0) return NI_ERR_VOCAB_ORDER;
        }
    }
    if (pos != len) return NI_ERR_VOCAB_BOUNDS;
    img->vocab_count = count;
    img->vocab_blocks = s + NI_VOCAB_HEADER_SIZE;
    img->pad_id = ni_rd16(s + NI_VOC_PAD_ID);
    img->unk_id = ni_rd16(s + NI_VOC_UNK_ID);
    img->cls_id = ni_rd16(s + NI_VOC_CLS_ID);
    img->sep_id = ni_rd16(s + NI_VOC_SEP_ID);
    img->mask_id = ni_rd16(s + NI_VOC_MASK_ID);
    img->max_word_chars = ni_rd16(s + NI_VOC_MAX_WORD_CHARS);
    img->vocab_flags = ni_rd32(s + NI_VOC_FLAGS);
    return NI_OK;
}

int32_t ni_image_vocab_find(const ni_image *img, const char *utf8, uint32_t len)
{
    const uint8_t *key = (const uint8_t *)utf8, *s;
    uint32_t lo = 0, hi, b, pos, p, n, m, k, end;
    if (img == NULL || img->vocab_blocks == NULL || utf8 == NULL || len == 0) return -1; /* no empty strings */
    s = img->sections[NI_SECTION_VOCABULARY].data;
    hi = block_count(img->vocab_count);
    while (lo < hi) {                       /* the first block whose head (stored whole) is > key */
        uint32_t mid = lo + (hi - lo) / 2u;
        int c;
        pos = ni_rd32(img->vocab_blocks + mid * NI_VOCAB_BLOCK_OFFSET_SIZE);
        entry_at(s, &pos, &p, &n);
        c = ni_bytes_compare(s + pos, n, key, len);
        if (c == 0) return (int32_t)(mid * NI_VOCAB_BLOCK_ENTRIES);
        if (c < 0) lo = mid + 1u; else hi = mid;
    }
    if (lo == 0) return -1;                 /* key < the first string */
    b = lo - 1u;
    pos = ni_rd32(img->vocab_blocks + b * NI_VOCAB_BLOCK_OFFSET_SIZE);
    entry_at(s, &pos, &p, &n);
    for (m = 0; m < n && m < len && s[pos + m] == key[m]; m++) {}
    pos += n;
    /* m = common prefix length of key and the previous string, which is < key */
    end = img->vocab_count - b * NI_VOCAB_BLOCK_ENTRIES;
    if (end > NI_VOCAB_BLOCK_ENTRIES) end = NI_VOCAB_BLOCK_ENTRIES;
    for (k = 1; k < end; k++) {
        uint32_t j = 0;
        entry_at(s, &pos, &p, &n);
        if (p > m) { pos += n; continue; }  /* shares the previous string's byte m, which is < key's: still < key */
        while (j < n && p + j < len && s[pos + j] == key[p + j]) j++;
        if (j == n && p + j == len) return (int32_t)(b * NI_VOCAB_BLOCK_ENTRIES + k);
        if (j < n && (p + j == len || s[pos + j] > key[p + j])) return -1; /* past the key */
        m = p + j;
        pos += n;
    }
    return -1;                              /* the next block's head is > key */
}

int ni_image_vocab_entry(const ni_image *img, uint32_t id, uint8_t *buf, uint32_t cap, uint32_t *len)
{
    const uint8_t *s;
    uint32_t pos, p, n, k, last = 0;
    uint8_t str[NI_VOCAB_MAX_TOKEN_BYTES];
    if (img == NULL || img->vocab_blocks == NULL || buf == NULL || id >= img->vocab_count) return 0;
    s = img->sections[NI_SECTION_VOCABULARY].data;
    pos = ni_rd32(img->vocab_blocks + (id / NI_VOCAB_BLOCK_ENTRIES) * NI_VOCAB_BLOCK_OFFSET_SIZE);
    for (k = 0; k <= id % NI_VOCAB_BLOCK_ENTRIES; k++) {
        entry_at(s, &pos, &p, &n);
        memcpy(str + p, s + pos, n);
        pos += n;
        last = p + n;
    }
    if (last > cap) return 0;
    memcpy(buf, str, last);
    if (len != NULL) *len = last;
    return 1;
}
