/* Content check of the NORMALIZER section (docs/flash-image.md, "NORMALIZER"): after it, the tokenizer reads
 * ranges, mappings and pool without any further bounds check. The C# NormalizerTable.Parse applies the same rules
 * in the same order. Every 3-byte record has no unused bit: a range's kind names one of eight props values, a
 * mapping's length is 1..8. */
#include "image_internal.h"

static int is_scalar(uint32_t c) { return c <= 0x10FFFFu && (c < 0xD800u || c > 0xDFFFu); }

static uint32_t range_start(const uint8_t *ranges, uint32_t i)
{
    return ni_rd24(ranges + i * NI_NORM_RANGE_SIZE) & NI_NORM_CP_MASK;
}

static uint32_t range_kind(const uint8_t *ranges, uint32_t i)
{
    return ni_rd24(ranges + i * NI_NORM_RANGE_SIZE) >> NI_NORM_KIND_SHIFT;
}

ni_status ni_image_check_normalizer(ni_image *img)
{
    const uint8_t *s = img->sections[NI_SECTION_NORMALIZER].data;
    uint32_t len = img->sections[NI_SECTION_NORMALIZER].length, r, m, p, rest, i, k, ri, prev_key = 0;
    uint32_t mapped = 0;
    const uint8_t *ranges, *maps, *pool;
    if (len < NI_NORM_HEADER_SIZE) return NI_ERR_SECTION_FORMAT;
    if (ni_rd32(s + NI_NORM_RESERVED) != 0) return NI_ERR_RESERVED;
    r = ni_rd32(s + NI_NORM_RANGE_COUNT);
    m = ni_rd32(s + NI_NORM_MAP_COUNT);
    p = ni_rd32(s + NI_NORM_POOL_COUNT);
    rest = len - NI_NORM_HEADER_SIZE;
    if (r == 0 || r > rest / NI_NORM_RANGE_SIZE) return NI_ERR_NORMALIZER;
    rest -= r * NI_NORM_RANGE_SIZE;
    if (m > rest / NI_NORM_MAP_SIZE) return NI_ERR_NORMALIZER;
    rest -= m * NI_NORM_MAP_SIZE;
    if (rest % NI_NORM_POOL_SIZE != 0 || rest / NI_NORM_POOL_SIZE != p) return NI_ERR_NORMALIZER;
    ranges = s + NI_NORM_HEADER_SIZE;
    maps = ranges + r * NI_NORM_RANGE_SIZE;
    pool = maps + m * NI_NORM_MAP_SIZE;
    for (i = 0; i < r; i++) {
        uint32_t start = range_start(ranges, i);
        if (i == 0 ? start != 0 : (start <= range_start(ranges, i - 1) || start > 0x10FFFFu)) return NI_ERR_NORMALIZER;
        if (i > 0 && range_kind(ranges, i) == range_kind(ranges, i - 1)) return NI_ERR_NORMALIZER;
    }
    for (i = 0; i < r; i++) {
        uint32_t start = range_start(ranges, i), props = ni_norm_kind_props(range_kind(ranges, i));
        uint32_t end = i + 1 < r ? range_start(ranges, i + 1) : 0x110000u;
        if ((props & NI_NORM_HANGUL) != 0 &&
            (start < NI_NORM_HANGUL_BASE || end > NI_NORM_HANGUL_BASE + NI_NORM_HANGUL_COUNT))
            return NI_ERR_NORMALIZER;
        if (props & NI_NORM_MAPPED) mapped += end - start; /* at most 0x110000 in all: no overflow */
    }
    if (mapped != m) return NI_ERR_NORMALIZER;
    for (k = 0; k < p; k++)
        if (!is_scalar(ni_rd24(pool + NI_NORM_POOL_SIZE * k))) return NI_ERR_NORMALIZER;
    ri = 0;
    for (i = 0; i < m; i++) {
        uint32_t key = ni_rd24(maps + i * NI_NORM_MAP_SIZE), value = ni_rd24(maps + i * NI_NORM_MAP_SIZE + 3);
        uint32_t cp = key & NI_NORM_CP_MASK, n = (key >> NI_NORM_KIND_SHIFT) + 1u;
        if (cp > 0x10FFFFu || (i > 0 && cp <= prev_key)) return NI_ERR_NORMALIZER;
        while (ri + 1 < r && range_start(ranges, ri + 1) <= cp) ri++;
        if ((ni_norm_kind_props(range_kind(ranges, ri)) & NI_NORM_MAPPED) == 0) return NI_ERR_NORMALIZER;
        if (n == 1 ? !is_scalar(value) : (value > p || n > p - value)) return NI_ERR_NORMALIZER;
        prev_key = cp;
    }
    img->norm_range_count = r;
    img->norm_ranges = ranges;
    img->norm_map_count = m;
    img->norm_maps = maps;
    img->norm_pool_count = p;
    img->norm_pool = pool;
    return NI_OK;
}
