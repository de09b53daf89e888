/* The device tokenizer (ni_tokenizer.h): one pass over the UTF-8 text, no malloc, no float.
 *
 * BertNormalizer.Split and WordPieceTokenizer.Encode (tools/ModelPacker/Text) as a stream: every code point is
 * classified by the NORMALIZER ranges (drop / space / CJK / word); a word code point is replaced by its mapping
 * (lower-casing, accent stripping) or its Hangul jamo; every code point of the result that is PUNCT becomes a word
 * of its own, the others extend the current word. A finished word is split into the longest vocabulary pieces,
 * left to right ("##" before every piece after the first); a word longer than max_word_chars code points, or one
 * that cannot be covered, is one [UNK]. The pieces are truncated to max_ids - 2, as Encode does, and wrapped in
 * [CLS] ... [SEP]. The image was validated by ni_image_open, so every table read below is in bounds. */
#include <stddef.h>
#include "nano_intent/ni_tokenizer.h"

typedef struct tok_state {
    const ni_image *img;
    uint8_t *word;            /* 2 bytes of room for "##", then the word's UTF-8 */
    uint32_t *bounds;         /* byte offset (into word) of each code point, max_word_chars + 1 of them */
    uint32_t max_chars;
    uint32_t chars;           /* code points in the current word (may exceed max_chars: then only counted) */
    uint32_t bytes;           /* end of the stored UTF-8, an offset into word */
    int32_t *ids;
    uint32_t cap;             /* pieces that fit between [CLS] and [SEP] */
    uint32_t count;           /* pieces written (<= cap) */
} tok_state;

static uint32_t align4(uint32_t x) { return (x + 3u) & ~3u; }

uint32_t ni_tokenizer_scratch_bytes(const ni_image *img)
{
    uint32_t m;
    if (img == NULL) return 0;
    m = img->max_word_chars;
    return align4(2u + 4u * m) + 4u * (m + 1u);
}

/* Properties of a code point: binary search for the last range starting at or before it. */
static uint32_t props_of(const ni_image *img, uint32_t cp)
{
    uint32_t lo = 0, hi = img->norm_range_count - 1u;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo + 1u) / 2u;
        if ((ni_rd24(img->norm_ranges + mid * NI_NORM_RANGE_SIZE) & NI_NORM_CP_MASK) <= cp) lo = mid;
        else hi = mid - 1u;
    }
    return ni_norm_kind_props(ni_rd24(img->norm_ranges + lo * NI_NORM_RANGE_SIZE) >> NI_NORM_KIND_SHIFT);
}

/* The mapping entry of a MAPPED code point (the loader guarantees there is one). */
static const uint8_t *mapping_of(const ni_image *img, uint32_t cp)
{
    uint32_t lo = 0, hi = img->norm_map_count;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2u;
        uint32_t key = ni_rd24(img->norm_maps + mid * NI_NORM_MAP_SIZE) & NI_NORM_CP_MASK;
        if (key == cp) return img->norm_maps + mid * NI_NORM_MAP_SIZE;
        if (key < cp) lo = mid + 1u;
        else hi = mid;
    }
    return NULL;
}

static void push(tok_state *t, int32_t id)
{
    if (t->count < t->cap) t->ids[1u + t->count] = id;
    t->count++;
}

static int32_t lookup(const tok_state *t, uint32_t from, uint32_t to, int continuation)
{
    if (continuation) {
        t->word[from - 2u] = '#';
        t->word[from - 1u] = '#';
        from -= 2u;
    }
    return ni_image_vocab_find(t->img, (const char *)(t->word + from), to - from);
}

/* WordPiece of the current word, then an empty word. Pieces past cap are counted, not written, so a word that
 * turns out uncoverable still rolls back to one [UNK]. */
static void end_word(tok_state *t)
{
    uint32_t n = t->chars, start = 0, mark = t->count;
    if (n == 0) return;
    t->chars = 0;
    t->bytes = 2u;
    if (n > t->max_chars) {
        push(t, (int32_t)t->img->unk_id);
        return;
    }
    while (start < n) {
        uint32_t end = n;
        int32_t id = -1;
        for (; end > start; end--) {
            id = lookup(t, t->bounds[start], t->bounds[end], start > 0);
            if (id >= 0) break;
        }
        if (end == start) {
            t->count = mark;
            push(t, (int32_t)t->img->unk_id);
            return;
        }
        push(t, id);
        start = end;
    }
}

/* Appends a code point of the normalized text: a PUNCT one is a word of its own. */
static void add_char(tok_state *t, uint32_t cp, int own_word)
{
    if (own_word) end_word(t);
    if (t->chars < t->max_chars) {
        uint8_t *w = t->word + t->bytes;
        uint32_t n;
        if (cp < 0x80u) { w[0] = (uint8_t)cp; n = 1; }
        else if (cp < 0x800u) { w[0] = (uint8_t)(0xC0u | (cp >> 6)); w[1] = (uint8_t)(0x80u | (cp & 0x3Fu)); n = 2; }
        else if (cp < 0x10000u) {
            w[0] = (uint8_t)(0xE0u | (cp >> 12)); w[1] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu));
            w[2] = (uint8_t)(0x80u | (cp & 0x3Fu)); n = 3;
        } else {
            w[0] = (uint8_t)(0xF0u | (cp >> 18)); w[1] = (uint8_t)(0x80u | ((cp >> 12) & 0x3Fu));
            w[2] = (uint8_t)(0x80u | ((cp >> 6) & 0x3Fu)); w[3] = (uint8_t)(0x80u | (cp & 0x3Fu)); n = 4;
        }
        t->bounds[t->chars] = t->bytes;
        t->bytes += n;
        t->bounds[t->chars + 1u] = t->bytes;
    }
    t->chars++;
    if (own_word) end_word(t);
}

static void add_mapped(tok_state *t, uint32_t cp)
{
    add_char(t, cp, (props_of(t->img, cp) & NI_NORM_PUNCT) != 0);
}

/* One code point of the text. */
static void add_text_char(tok_state *t, uint32_t cp)
{
    uint32_t props = props_of(t->img, cp), k;
    switch (props & NI_NORM_CLASS_MASK) {
    case NI_NORM_CLASS_DROP: return;
    case NI_NORM_CLASS_SPACE: end_word(t); return;
    case NI_NORM_CLASS_CJK: add_char(t, cp, 1); return;
    default: break;
    }
    if (props & NI_NORM_HANGUL) {
        uint32_t s = cp - NI_NORM_HANGUL_BASE;
        add_mapped(t, 0x1100u + s / (21u * 28u));
        add_mapped(t, 0x1161u + s % (21u * 28u) / 28u);
        if (s % 28u != 0) add_mapped(t, 0x11A7u + s % 28u);
    } else if (props & NI_NORM_MAPPED) {
        const uint8_t *e = mapping_of(t->img, cp);
        uint32_t n, value;
        if (e == NULL) return; /* not in a validated image */
        n = (ni_rd24(e) >> NI_NORM_KIND_SHIFT) + 1u;
        value = ni_rd24(e + 3);
        if (n == 1) add_mapped(t, value);
        else
            for (k = 0; k < n; k++) add_mapped(t, ni_rd24(t->img->norm_pool + NI_NORM_POOL_SIZE * (value + k)));
    } else {
        add_char(t, cp, (props & NI_NORM_PUNCT) != 0);
    }
}

/* Decodes the next code point at p[*i] (i < len) as .NET's UTF-8 decoder does: an ill-formed sequence is replaced
 * by U+FFFD per maximal subpart (Unicode 3.9, "U+FFFD Substitution of Maximal Subparts"), so the bytes after it
 * are decoded on their own. */
static uint32_t decode(const uint8_t *p, uint32_t len, uint32_t *i)
{
    uint32_t c = p[*i], need, cp, lo = 0x80u, hi = 0xBFu, k;
    (*i)++;
    if (c < 0x80u) return c;
    if (c >= 0xC2u && c <= 0xDFu) { need = 1; cp = c & 0x1Fu; }
    else if (c >= 0xE0u && c <= 0xEFu) {
        need = 2; cp = c & 0x0Fu;
        if (c == 0xE0u) lo = 0xA0u;
        if (c == 0xEDu) hi = 0x9Fu;
    } else if (c >= 0xF0u && c <= 0xF4u) {
        need = 3; cp = c & 0x07u;
        if (c == 0xF0u) lo = 0x90u;
        if (c == 0xF4u) hi = 0x8Fu;
    } else return 0xFFFDu;
    for (k = 0; k < need; k++) {
        uint32_t b;
        if (*i >= len) return 0xFFFDu;
        b = p[*i];
        if (b < lo || b > hi) return 0xFFFDu;
        cp = (cp << 6) | (b & 0x3Fu);
        (*i)++;
        lo = 0x80u;
        hi = 0xBFu;
    }
    return cp;
}

int ni_tokenize(const ni_image *img, const uint8_t *utf8, uint32_t len, int32_t *ids, uint32_t max_ids,
                uint8_t *scratch, uint32_t scratch_len)
{
    tok_state t;
    uint32_t i = 0, wbytes;
    if (img == NULL || ids == NULL || scratch == NULL || (utf8 == NULL && len > 0) || img->norm_ranges == NULL ||
        img->vocab_blocks == NULL)
        return NI_ERR_NULL;
    if (max_ids < 2u) return NI_ERR_SEQ_LEN;
    if (scratch_len < ni_tokenizer_scratch_bytes(img)) return NI_ERR_ARENA_SMALL;
    if (((uintptr_t)scratch & 3u) != 0) return NI_ERR_ALIGNMENT;
    wbytes = align4(2u + 4u * img->max_word_chars);
    t.img = img;
    t.word = scratch;
    t.bounds = (uint32_t *)(void *)(scratch + wbytes);
    t.max_chars = img->max_word_chars;
    t.chars = 0;
    t.bytes = 2u;
    t.ids = ids;
    t.cap = max_ids - 2u;
    t.count = 0;
    while (i < len && t.count < t.cap) add_text_char(&t, decode(utf8, len, &i));
    end_word(&t);
    if (t.count > t.cap) t.count = t.cap;
    ids[0] = (int32_t)img->cls_id;
    ids[t.count + 1u] = (int32_t)img->sep_id;
    return (int)(t.count + 2u);
}
