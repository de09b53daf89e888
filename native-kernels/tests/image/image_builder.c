/* Test image builder: the C twin of the C# ImageWriter's layout (see image_builder.h). */
#include <stdio.h>
#include <string.h>
#include "image_builder.h"
#include "nano_intent/ni_encoding.h"
#include "nano_intent/ni_scheme.h"
#include "nano_intent/ni_kernels_2of4.h"
#include "image_internal.h"

void tb_wr16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
void tb_wr32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}

static uint32_t align32(uint32_t x) { return (x + 31u) & ~31u; }

uint32_t tb_rng_next(uint32_t *s)
{
    *s = *s * 1664525u + 1013904223u;
    return *s >> 8;
}

tb_options tb_w1a1_options(void)
{
    tb_options o = tb_default_options();
    o.dims.embedding_size = 32;
    o.dims.hidden_size = 64;
    o.dims.num_heads = 2;
    o.dims.intermediate_size = 96;
    o.dims.scheme = NI_SCHEME_W1A1;
    o.seed = 777u;
    o.reject_kind = NI_REJECT_CONFIDENCE;
    o.reject_threshold = 32768;
    o.unknown_label = NI_LABEL_NONE;
    return o;
}

tb_options tb_w1a1_s8_options(void)
{
    tb_options o = tb_w1a1_options();
    o.pooler_encoding = NI_ENC_BINARY_S8;
    o.seed = 778u;
    return o;
}

tb_options tb_af8_options(void)
{
    tb_options o = tb_default_options();
    o.dims.scheme = NI_SCHEME_AF8;
    o.seed = 779u;
    return o;
}

tb_options tb_gobo3_options(void)
{
    tb_options o = tb_default_options();
    o.dims.scheme = NI_SCHEME_GOBO3;
    o.seed = 883u;
    return o;
}

uint32_t tb_gobo3_outliers(uint32_t rows) { return rows < 3u ? rows : 3u; }

/* The outlier list after the indices (whose slots it clears to 0) and its count in params. */
static void write_gobo3_outliers(uint8_t *data, uint8_t *params, uint32_t rows, uint32_t cols)
{
    const uint32_t row_bytes = 3u * ((cols + 7u) / 8u), n = tb_gobo3_outliers(rows);
    uint8_t *o = data + rows * row_bytes;
    tb_wr32(params + 8, n);
    for (uint32_t r = 0; r < n; r++, o += NI_GOBO3_OUTLIER_BYTES) {
        const uint32_t c = (5u * r + 1u) % cols;
        uint8_t *g = data + r * row_bytes + 3u * (c / 8u);
        uint32_t v = (uint32_t)g[0] | (uint32_t)g[1] << 8 | (uint32_t)g[2] << 16;
        v &= ~(7u << (3u * (c % 8u)));
        g[0] = (uint8_t)v; g[1] = (uint8_t)(v >> 8); g[2] = (uint8_t)(v >> 16);
        tb_wr16(o, r);
        tb_wr16(o + 2, c);
        tb_wr16(o + 4, (uint32_t)(4095 - 100 * (int32_t)r));
    }
}

tb_options tb_sparse_embed_options(void)
{
    tb_options o = tb_default_options();
    o.word_encoding = NI_ENC_INT8_SPARSE_EMBED;
    o.dims.embedding_size = 12; /* bitmaps of 2 bytes, 4 bits past cols */
    o.seed = 780u;
    return o;
}

tb_options tb_int4_options(void)
{
    tb_options o = tb_default_options();
    o.dims.scheme = NI_SCHEME_INT4;
    o.seed = 780u;
    return o;
}

tb_options tb_ipq_options(void)
{
    tb_options o = tb_default_options();
    o.dims.scheme = NI_SCHEME_IPQ;
    o.seed = 781u;
    return o;
}

tb_options tb_2of4_options(void)
{
    tb_options o = tb_default_options();
    o.dims.scheme = NI_SCHEME_INT8_2OF4;
    o.dims.embedding_size = 12; /* 3 groups: the mapping's rows end with an unused nibble */
    o.seed = 2424u;
    return o;
}

/* Random values; each group's nibble one of the 6 valid ones (p0 < p1), the unused last nibble 0. */
static void write_2of4_positions(uint8_t *data, uint32_t rows, uint32_t cols, uint32_t *rng)
{
    static const uint8_t valid[6] = { 0x4, 0x8, 0xC, 0x9, 0xD, 0xE };
    const uint32_t groups = cols / 4u, row_bytes = ni_2of4_row_bytes(cols);
    for (uint32_t r = 0; r < rows; r++) {
        uint8_t *pos = data + r * row_bytes + cols / 2u;
        memset(pos, 0, (groups + 1u) / 2u);
        for (uint32_t g = 0; g < groups; g++) pos[g / 2u] |= (uint8_t)(valid[tb_rng_next(rng) % 6u] << (4u * (g % 2u)));
    }
}

uint32_t tb_sparse_embed_data(uint8_t *out, uint32_t room, uint32_t rows, uint32_t cols, uint32_t *rng)
{
    const uint32_t bb = (cols + 7u) / 8u;
    uint32_t at = rows * NI_SPARSE_EMBED_OFFSET_BYTES, r, c;
    if (at > room) return 0;
    for (r = 0; r < rows; r++) {
        const uint32_t keep_per_256 = r == 0 ? 0u : r == 1 ? 256u : tb_rng_next(rng) % 257u;
        uint32_t bitmap = at;
        if (at + bb + cols > room) return 0;
        tb_wr32(out + r * NI_SPARSE_EMBED_OFFSET_BYTES, at);
        memset(out + bitmap, 0, bb);
        at += bb;
        for (c = 0; c < cols; c++) {
            if (tb_rng_next(rng) % 256u >= keep_per_256) continue;
            out[bitmap + c / 8u] |= (uint8_t)(1u << (c % 8u));
            out[at++] = (uint8_t)tb_rng_next(rng);
        }
    }
    return at;
}

tb_options tb_int8_sparse_options(void)
{
    tb_options o = tb_default_options();
    o.dims.scheme = NI_SCHEME_INT8_SPARSE;
    o.seed = 781u;
    return o;
}

tb_options tb_int8_sparse_4x4_options(void)
{
    tb_options o = tb_int8_sparse_options();
    o.sparse_block = 16u;
    o.seed = 1616u;
    return o;
}

uint32_t tb_int8_sparse_data(uint8_t *out, uint32_t room, uint32_t rows, uint32_t cols, uint32_t b, uint32_t *rng)
{
    if (b == 0) b = tb_rng_next(rng) % 2u ? 4u : 1u;
    const uint32_t h = b == 16u ? 4u : 1u, w = b / h, units = rows / h, at0 = 8u + 4u * units;
    uint32_t nb = 0, u, c, j, at;
    if (rows % h != 0 || at0 + (units * cols / w) * (2u + b) + 4u > room) return 0;
    tb_wr32(out, b);
    for (u = 0; u < units; u++) { /* unit (row or group of 4 rows) 0 empty, 1 full, the others kept at random */
        const uint32_t keep_per_256 = u == 0 ? 0u : u == 1 ? 256u : tb_rng_next(rng) % 257u;
        tb_wr32(out + 4u + 4u * u, nb);
        for (c = 0; c < cols / w; c++)
            if (tb_rng_next(rng) % 256u < keep_per_256) tb_wr16(out + at0 + 2u * nb++, c);
    }
    tb_wr32(out + 4u + 4u * units, nb);
    for (at = at0 + 2u * nb; at % 4u != 0; at++) out[at] = 0;
    for (j = 0; j < nb * b; j++) out[at++] = (uint8_t)tb_rng_next(rng);
    return at;
}

tb_options tb_span_options(void)
{
    static const uint16_t spans[2] = { 3, 0 };
    tb_options o = tb_default_options();
    o.attention_spans = spans;
    o.seed = 4242u;
    return o;
}

tb_options tb_default_options(void)
{
    tb_options o;
    memset(&o, 0, sizeof o);
    o.dims.vocab_size = 40;
    o.dims.embedding_size = 8;
    o.dims.hidden_size = 8;
    o.dims.num_heads = 2;
    o.dims.intermediate_size = 16;
    o.dims.num_layers = 2;
    o.dims.max_positions = 8;
    o.dims.num_labels = 3;
    o.dims.activation = NI_ACT_GELU_TANH;
    o.dims.scheme = NI_SCHEME_INT8;
    o.seed = 12345u;
    o.test_vectors = 3;
    o.with_test_vectors = 1;
    o.board_id = 0;
    o.arena_bytes = 4096;
    o.reject_kind = NI_REJECT_ENTROPY;
    o.reject_threshold = 2 << 16;
    o.unknown_label = 2;
    o.with_answers = 1;
    return o;
}

uint32_t tb_vocab_word(uint32_t id, char *out)
{
    static const char *special[5] = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"};
    uint32_t n = 0, k, digits[8], nd = 0;
    if (id < 5) {
        strcpy(out, special[id]);
        return (uint32_t)strlen(out);
    }
    k = id - 5;
    if (k % 3u == 2u) { out[n++] = '#'; out[n++] = '#'; }
    do { digits[nd++] = k % 26u; k /= 26u; } while (k > 0);
    while (nd > 0) out[n++] = (char)('a' + digits[--nd]);
    if ((id - 5) % 7u == 6u) { out[n++] = (char)0xC3; out[n++] = (char)0xA9; } /* "é": multi-byte entries too */
    out[n] = 0;
    return n;
}

uint32_t tb_quant_params(uint8_t *out, uint32_t cap, const ni_model_dims *dims)
{
    /* A QUANT_PARAMS section that ni_qparams_validate accepts (docs/numerics.md): version 3, the scheme's tables bits,
     * the attention threshold (0 for INT8, within the head size for W1A1), two requantizations, monotone exp2 / log2
     * tables, GELU bytes, the softmax block (two requantizations, a monotone exp table) when the scheme has one, then
     * LayerNorm and tanh bytes of any value. */
    uint32_t i, n = ni_qparams_size(dims), o = 0, tables = ni_scheme_find(dims->scheme)->qparams_tables;
    if (n == 0 || cap < n) return 0;
    for (i = 0; i < n; i++) out[i] = (uint8_t)(i * 7u + 1u);
    tb_wr32(out + o, NI_QPARAMS_VERSION); o += 4;
    tb_wr32(out + o, tables); o += 4;
    tb_wr32(out + o, dims->scheme == NI_SCHEME_W1A1 ? TB_W1A1_ATTN_THRESHOLD : 0); o += 4;
    for (i = 0; i < 2; i++) { tb_wr32(out + o, 1u << 30); tb_wr32(out + o + 4, 31); o += 8; }
    for (i = 0; i < NI_FRAC_TABLE_LEN; i++, o += 4) tb_wr32(out + o, (1u << 30) - i * (1u << 21));
    for (i = 0; i < NI_FRAC_TABLE_LEN; i++, o += 4) tb_wr32(out + o, i * 256u);
    o += NI_LUT8_LEN;
    if (tables & NI_QP_TABLE_SOFTMAX) {
        for (i = 0; i < 2; i++) { tb_wr32(out + o, 1u << 30); tb_wr32(out + o + 4, 31); o += 8; }
        for (i = 0; i < NI_EXP_TABLE_LEN; i++, o += 4) tb_wr32(out + o, 65536u >> (i / 32u));
    }
    return n;
}

void tb_fill_params(uint8_t encoding, uint8_t *p, uint32_t len, uint32_t *rng)
{
    uint32_t j;
    if (encoding == NI_ENC_BINARY_EMBED) {
        /* header {shift 0..7, 0}, then one magnitude byte per row */
        if (len < NI_BINARY_EMBED_HEADER_BYTES) return;
        tb_wr32(p, tb_rng_next(rng) % (NI_BINARY_EMBED_MAX_SHIFT + 1u));
        tb_wr32(p + 4, 0);
        for (j = NI_BINARY_EMBED_HEADER_BYTES; j < len; j++) p[j] = (uint8_t)tb_rng_next(rng);
        return;
    }
    if (encoding == NI_ENC_BINARY_SIGN) {
        /* header {act_threshold -8..8, 0}, then one int16 bias per row */
        if (len < NI_BINARY_SIGN_HEADER_BYTES) return;
        tb_wr32(p, (tb_rng_next(rng) % 17u) - 8u);
        tb_wr32(p + 4, 0);
        for (j = NI_BINARY_SIGN_HEADER_BYTES; j + NI_BINARY_SIGN_ROW_BYTES <= len; j += NI_BINARY_SIGN_ROW_BYTES)
            tb_wr16(p + j, (tb_rng_next(rng) % 61u) - 30u);
        return;
    }
    if (encoding == NI_ENC_BINARY_S8) {
        /* header {shift 16..23, 0}, then {int16 bias, uint16 multiplier} per row (acc up to 128 x cols) */
        if (len < NI_BINARY_S8_HEADER_BYTES) return;
        tb_wr32(p, 16u + tb_rng_next(rng) % 8u);
        tb_wr32(p + 4, 0);
        for (j = NI_BINARY_S8_HEADER_BYTES; j + NI_BINARY_S8_ROW_BYTES <= len; j += NI_BINARY_S8_ROW_BYTES) {
            tb_wr16(p + j, (tb_rng_next(rng) % 2001u) - 1000u);
            tb_wr16(p + j + 2, tb_rng_next(rng) & 0xFFFFu);
        }
        return;
    }
    if (encoding == NI_ENC_ADAPTIVFLOAT) {
        /* header {multiplier >= 0, shift 20..39}, then one int32 bias per row */
        if (len < NI_AF8_HEADER_BYTES) return;
        tb_wr32(p, (tb_rng_next(rng) & 0x3FFFFFFFu) + 1u);
        tb_wr32(p + 4, 20u + tb_rng_next(rng) % 20u);
        for (j = NI_AF8_HEADER_BYTES; j + NI_AF8_ROW_BYTES <= len; j += NI_AF8_ROW_BYTES)
            tb_wr32(p + j, (tb_rng_next(rng) % 2001u) - 1000u);
        return;
    }
    if (encoding == NI_ENC_GOBO3) {
        /* header {multiplier >= 0, shift 20..39, outlier count 0 (write_gobo3_outliers sets it), 8 centroids within
         * +-4095}, then one int32 bias per row */
        if (len < NI_GOBO3_HEADER_BYTES) return;
        tb_wr32(p, (tb_rng_next(rng) & 0x3FFFFFFFu) + 1u);
        tb_wr32(p + 4, 20u + tb_rng_next(rng) % 20u);
        tb_wr32(p + 8, 0);
        for (j = 0; j < 8; j++) tb_wr16(p + 12 + 2 * j, (tb_rng_next(rng) % 8191u) - 4095u);
        for (j = NI_GOBO3_HEADER_BYTES; j + NI_GOBO3_ROW_BYTES <= len; j += NI_GOBO3_ROW_BYTES)
            tb_wr32(p + j, (tb_rng_next(rng) % 2001u) - 1000u);
        return;
    }
    if (encoding == NI_ENC_BINARY) {
        /* header {act_threshold -8..8, shift 12..19, 0, 0}, then {int16 bias, uint16 multiplier} per row */
        if (len < NI_BINARY_HEADER_BYTES) return;
        memset(p, 0, NI_BINARY_HEADER_BYTES);
        tb_wr32(p, (tb_rng_next(rng) % 17u) - 8u);
        tb_wr32(p + 4, 12u + tb_rng_next(rng) % 8u);
        for (j = NI_BINARY_HEADER_BYTES; j + NI_BINARY_ROW_BYTES <= len; j += NI_BINARY_ROW_BYTES) {
            tb_wr16(p + j, (tb_rng_next(rng) % 61u) - 30u);
            tb_wr16(p + j + 2, tb_rng_next(rng) & 0xFFFFu);
        }
        return;
    }
    if (encoding == NI_ENC_IPQ) {
        /* header {K, d}, then INT8_ROW's rows */
        if (len < NI_IPQ_HEADER_BYTES) return;
        tb_wr32(p, TB_IPQ_CODES);
        tb_wr32(p + 4, TB_IPQ_BLOCK);
        p += NI_IPQ_HEADER_BYTES;
        len -= NI_IPQ_HEADER_BYTES;
    }
    /* INT8_ROW and INT4: {bias, multiplier >= 0, shift 1..62} per row */
    /* INT8_ROW, INT4 and INT8_SPARSE: {bias, multiplier >= 0, shift 1..62} per row */
    /* INT8_ROW, INT4 and INT8_2OF4: {bias, multiplier >= 0, shift 1..62} per row */
    for (j = 0; j + 12u <= len; j += 12u) {
        tb_wr32(p + j, (tb_rng_next(rng) % 2001u) - 1000u);
        tb_wr32(p + j + 4, (tb_rng_next(rng) & 0x3FFFFFFFu) + 1u);
        tb_wr32(p + j + 8, 10u + tb_rng_next(rng) % 40u);
    }
}

typedef struct tb_tensor { uint16_t id; uint32_t rows, cols; } tb_tensor;

static uint32_t tensor_list(uint16_t kind, const ni_model_dims *d, tb_tensor *t)
{
    uint32_t n = 0, l;
    if (kind == NI_SECTION_EMBEDDINGS) {
        t[n++] = (tb_tensor){NI_TENSOR_WORD_EMBEDDINGS, d->vocab_size, d->embedding_size};
        t[n++] = (tb_tensor){NI_TENSOR_POSITION_EMBEDDINGS, d->max_positions, d->embedding_size};
        t[n++] = (tb_tensor){NI_TENSOR_EMBEDDING_MAPPING_IN, d->hidden_size, d->embedding_size};
    } else if (kind == NI_SECTION_LAYER) {
        t[n++] = (tb_tensor){NI_TENSOR_ATTENTION_QUERY, d->hidden_size, d->hidden_size};
        t[n++] = (tb_tensor){NI_TENSOR_ATTENTION_KEY, d->hidden_size, d->hidden_size};
        t[n++] = (tb_tensor){NI_TENSOR_ATTENTION_VALUE, d->hidden_size, d->hidden_size};
        t[n++] = (tb_tensor){NI_TENSOR_ATTENTION_DENSE, d->hidden_size, d->hidden_size};
        t[n++] = (tb_tensor){NI_TENSOR_FFN, d->intermediate_size, d->hidden_size};
        t[n++] = (tb_tensor){NI_TENSOR_FFN_OUTPUT, d->hidden_size, d->intermediate_size};
    } else {
        for (l = 0; l < d->num_layers; l++) {
            t[n++] = (tb_tensor){NI_TENSOR_EXIT(l, NI_EXIT_POOLER), d->hidden_size, d->hidden_size};
            t[n++] = (tb_tensor){NI_TENSOR_EXIT(l, NI_EXIT_CLASSIFIER), d->num_labels, d->hidden_size};
        }
    }
    return n;
}

/* Writes a tensor-table section at s; returns its length (0 if it would pass end). */
static uint32_t write_tensors(uint8_t *s, uint32_t room, uint16_t kind, const ni_model_dims *d, uint8_t pooler_encoding,
                              uint8_t word_encoding, uint32_t sparse_block, uint32_t *rng)
{
    tb_tensor t[2 * NI_MAX_LAYERS];
    uint32_t n = tensor_list(kind, d, t), i, cur, dl, pl, j;
    cur = NI_TENSOR_TABLE_HEADER_SIZE + n * NI_TENSOR_ENTRY_SIZE;
    if (cur > room) return 0;
    memset(s, 0, cur);
    tb_wr32(s, n);
    tb_wr32(s + 4, NI_TENSOR_ENTRY_SIZE);
    for (i = 0; i < n; i++) {
        uint8_t *e = s + NI_TENSOR_TABLE_HEADER_SIZE + i * NI_TENSOR_ENTRY_SIZE;
        uint32_t doff, poff;
        const int pooler = t[i].id >= NI_TENSOR_EXIT_BASE && (t[i].id - NI_TENSOR_EXIT_BASE) % NI_TENSOR_EXIT_STRIDE == NI_EXIT_POOLER;
        const uint8_t enc = pooler && pooler_encoding != 0 ? pooler_encoding
                            : t[i].id == NI_TENSOR_WORD_EMBEDDINGS && word_encoding != 0 ? word_encoding
                            : ni_tensor_encoding(d, t[i].id);
        if (ni_encoding_find(enc) == NULL || !ni_encoding_find(enc)->sizes(t[i].rows, t[i].cols, &dl, &pl)) return 0;
        if (enc == NI_ENC_GOBO3) dl += tb_gobo3_outliers(t[i].rows) * NI_GOBO3_OUTLIER_BYTES;
        if (enc == NI_ENC_IPQ) dl += TB_IPQ_CODES * TB_IPQ_BLOCK + t[i].rows * (t[i].cols / TB_IPQ_BLOCK);
        doff = align32(cur);
        if (enc == NI_ENC_INT8_SPARSE_EMBED) { /* its length is its content's */
            if (doff > room || (dl = tb_sparse_embed_data(s + doff, room - doff, t[i].rows, t[i].cols, rng)) == 0) return 0;
        }
        if (enc == NI_ENC_INT8_SPARSE) { /* so is this one's */
            if (doff > room || (dl = tb_int8_sparse_data(s + doff, room - doff, t[i].rows, t[i].cols, sparse_block, rng)) == 0) return 0;
        }
        poff = pl ? align32(doff + dl) : 0;
        cur = pl ? poff + pl : doff + dl;
        if (cur > room) return 0;
        tb_wr16(e + NI_TEN_ID, t[i].id);
        e[NI_TEN_ENCODING] = enc;
        tb_wr32(e + NI_TEN_ROWS, t[i].rows);
        tb_wr32(e + NI_TEN_COLS, t[i].cols);
        tb_wr32(e + NI_TEN_DATA_OFFSET, doff);
        tb_wr32(e + NI_TEN_DATA_LENGTH, dl);
        tb_wr32(e + NI_TEN_PARAMS_OFFSET, poff);
        tb_wr32(e + NI_TEN_PARAMS_LENGTH, pl);
        if (enc != NI_ENC_INT8_SPARSE_EMBED && enc != NI_ENC_INT8_SPARSE)
            for (j = 0; j < dl; j++) s[doff + j] = (uint8_t)tb_rng_next(rng);
        tb_fill_params(enc, s + poff, pl, rng);
        if (enc == NI_ENC_GOBO3) write_gobo3_outliers(s + doff, s + poff, t[i].rows, t[i].cols);
        if (enc == NI_ENC_IPQ) /* every index < K */
            for (j = TB_IPQ_CODES * TB_IPQ_BLOCK; j < dl; j++) s[doff + j] = (uint8_t)(s[doff + j] % TB_IPQ_CODES);
        if (enc == NI_ENC_INT8_2OF4) write_2of4_positions(s + doff, t[i].rows, t[i].cols, rng);
    }
    return cur;
}

static uint32_t ni_words_sorted[NI_MAX_VOCAB]; /* word numbers in UTF-8 byte order, for ni_sorted_v words */
static uint32_t ni_sorted_v;

static void sort_words(uint32_t v)
{
    char a[64], b[64];
    uint32_t i, j;
    if (ni_sorted_v == v) return;
    for (i = 0; i < v; i++) ni_words_sorted[i] = i;
    for (i = 1; i < v; i++) { /* insertion sort by UTF-8 bytes */
        uint32_t k = ni_words_sorted[i], la = tb_vocab_word(k, a);
        for (j = i; j > 0; j--) {
            uint32_t lb = tb_vocab_word(ni_words_sorted[j - 1], b);
            uint32_t m = la < lb ? la : lb;
            int c = memcmp(b, a, m);
            if (c < 0 || (c == 0 && lb < la)) break;
            ni_words_sorted[j] = ni_words_sorted[j - 1];
        }
        ni_words_sorted[j] = k;
    }
    ni_sorted_v = v;
}

uint32_t tb_vocab_id(uint32_t k, uint32_t v)
{
    uint32_t i;
    sort_words(v);
    for (i = 0; i < v; i++)
        if (ni_words_sorted[i] == k) return i;
    return 0xFFFFFFFFu;
}

/* One length of an entry: the nibble, with the byte after the lengths byte when it is 15 or more. */
static uint32_t put_entry(uint8_t *s, uint32_t cur, uint32_t p, const char *suffix, uint32_t n)
{
    s[cur++] = (uint8_t)(((p < NI_VOCAB_LENGTH_ESCAPE ? p : NI_VOCAB_LENGTH_ESCAPE) << 4) |
                         (n < NI_VOCAB_LENGTH_ESCAPE ? n : NI_VOCAB_LENGTH_ESCAPE));
    if (p >= NI_VOCAB_LENGTH_ESCAPE) s[cur++] = (uint8_t)p;
    if (n >= NI_VOCAB_LENGTH_ESCAPE) s[cur++] = (uint8_t)n;
    memcpy(s + cur, suffix, n);
    return cur + n;
}

/* The front-coded VOCABULARY of the synthetic words (docs/flash-image.md), as ImageWriter writes it. */
static uint32_t write_vocab(uint8_t *s, uint32_t room, const ni_model_dims *d)
{
    char a[64], prev[64];
    uint32_t v = d->vocab_size, i, cur, blocks = (v + NI_VOCAB_BLOCK_ENTRIES - 1u) / NI_VOCAB_BLOCK_ENTRIES, plen = 0;
    cur = NI_VOCAB_HEADER_SIZE + blocks * NI_VOCAB_BLOCK_OFFSET_SIZE;
    if (cur > room) return 0;
    memset(s, 0, cur);
    sort_words(v);
    tb_wr32(s + NI_VOC_COUNT, v);
    tb_wr16(s + NI_VOC_PAD_ID, (uint16_t)tb_vocab_id(0, v));
    tb_wr16(s + NI_VOC_UNK_ID, (uint16_t)tb_vocab_id(1, v));
    tb_wr16(s + NI_VOC_CLS_ID, (uint16_t)tb_vocab_id(2, v));
    tb_wr16(s + NI_VOC_SEP_ID, (uint16_t)tb_vocab_id(3, v));
    tb_wr16(s + NI_VOC_MASK_ID, (uint16_t)tb_vocab_id(4, v));
    tb_wr16(s + NI_VOC_MAX_WORD_CHARS, 100);
    tb_wr32(s + NI_VOC_FLAGS, NI_VOCAB_FLAG_LOWERCASE | NI_VOCAB_FLAG_STRIP_ACCENTS);
    for (i = 0; i < v; i++) {
        uint32_t n = tb_vocab_word(ni_words_sorted[i], a), p = 0;
        if (i % NI_VOCAB_BLOCK_ENTRIES == 0) tb_wr32(s + NI_VOCAB_HEADER_SIZE + (i / NI_VOCAB_BLOCK_ENTRIES) * 4u, cur);
        else while (p < n && p < plen && a[p] == prev[p]) p++;
        if (cur + 3u + n - p > room) return 0;
        cur = put_entry(s, cur, p, a + p, n - p);
        memcpy(prev, a, n);
        plen = n;
    }
    return cur;
}

static uint32_t write_labels(uint8_t *s, uint32_t room, const ni_model_dims *d)
{
    uint32_t c = d->num_labels, i, cur = NI_LABELS_HEADER_SIZE + c * NI_LABEL_ENTRY_SIZE;
    char name[32];
    if (cur > room) return 0;
    memset(s, 0, cur);
    tb_wr32(s, c);
    for (i = 0; i < c; i++) {
        uint32_t n = (uint32_t)sprintf(name, "Intent%u", (unsigned)i);
        if (cur + n > room) return 0;
        memcpy(s + cur, name, n);
        tb_wr32(s + NI_LABELS_HEADER_SIZE + i * NI_LABEL_ENTRY_SIZE, cur);
        tb_wr32(s + NI_LABELS_HEADER_SIZE + i * NI_LABEL_ENTRY_SIZE + 4, n);
        cur += n;
    }
    return cur;
}

static uint32_t write_thresholds(uint8_t *s, uint32_t room, const tb_options *opt)
{
    const ni_model_dims *d = &opt->dims;
    uint32_t l, end = NI_THRESHOLDS_HEADER_SIZE + 4u * d->num_layers;
    uint32_t n = end + (opt->reject_kind == NI_REJECT_NONE ? 0u : NI_REJECTION_FIELDS_SIZE);
    if (n > room) return 0;
    memset(s, 0, n);
    tb_wr32(s + NI_THR_COUNT, d->num_layers);
    tb_wr32(s + NI_THR_REJECT_KIND, opt->reject_kind);
    for (l = 0; l < d->num_layers; l++) tb_wr32(s + 8 + 4 * l, (uint32_t)(20000 + 1000 * (int32_t)l));
    if (opt->reject_kind != NI_REJECT_NONE) {
        tb_wr32(s + end + NI_REJ_THRESHOLD, (uint32_t)opt->reject_threshold);
        tb_wr32(s + end + NI_REJ_UNKNOWN_LABEL, (uint32_t)opt->unknown_label);
    }
    return n;
}

static uint32_t write_test_vectors(uint8_t *s, uint32_t room, const ni_model_dims *d, uint32_t count, int answers,
                                   uint32_t *rng)
{
    uint32_t cur = NI_TEST_VECTORS_HEADER_SIZE, i, k;
    if (cur > room) return 0;
    memset(s, 0, cur);
    tb_wr32(s, count);
    tb_wr32(s + 4, d->num_layers);
    tb_wr32(s + 8, d->num_labels);
    tb_wr32(s + 12, answers ? NI_TEST_VECTORS_FLAG_ANSWERS : 0u);
    for (i = 0; i < count; i++) {
        uint32_t t = 3u + i % (d->max_positions - 2u); /* 3..P tokens */
        uint32_t tok_bytes = (2u * t + 3u) & ~3u;
        uint32_t rec = NI_TEST_VECTOR_HEADER_SIZE + tok_bytes + 4u * d->num_layers * d->num_labels +
                       4u * d->num_layers * (answers ? 2u : 1u);
        uint8_t *r = s + cur;
        if (cur + rec > room) return 0;
        memset(r, 0, rec);
        tb_wr32(r, rec);
        tb_wr16(r + 4, t);
        for (k = 0; k < t; k++)
            tb_wr16(r + 8 + 2 * k, k == 0 ? 2u : (k == t - 1 ? 3u : 5u + tb_rng_next(rng) % (d->vocab_size - 5u)));
        for (k = 0; k < d->num_layers * d->num_labels + d->num_layers; k++)
            tb_wr32(r + 8 + tok_bytes + 4 * k, tb_rng_next(rng) - (1u << 23));
        /* answers: -1 (unknown) .. C-1 */
        for (k = 0; answers && k < d->num_layers; k++)
            tb_wr32(r + rec - 4u * d->num_layers + 4 * k, tb_rng_next(rng) % (d->num_labels + 1u) - 1u);
        cur += rec;
    }
    return cur;
}

/* A small NORMALIZER (docs/flash-image.md) with every feature the format has: ASCII as BERT classifies it, A-Z
 * mapped to a-z, U+00C9 and U+00E9 to "e", the combining marks U+0300..U+036F dropped, U+FB01 to "fi" (a pool
 * entry), CJK ideographs U+4E00..U+9FFF, Hangul syllables by the algorithm, surrogates and U+FFFD dropped. */
static const uint32_t tb_norm_ranges[][2] = {
    {0x00, NI_NORM_KIND_DROP}, {0x09, NI_NORM_KIND_SPACE}, {0x0E, NI_NORM_KIND_DROP},
    {0x20, NI_NORM_KIND_SPACE}, {0x21, NI_NORM_KIND_WORD_PUNCT}, {0x30, NI_NORM_KIND_WORD},
    {0x3A, NI_NORM_KIND_WORD_PUNCT}, {0x41, NI_NORM_KIND_WORD_MAPPED},
    {0x5B, NI_NORM_KIND_WORD_PUNCT}, {0x61, NI_NORM_KIND_WORD}, {0x7B, NI_NORM_KIND_WORD_PUNCT},
    {0x7F, NI_NORM_KIND_DROP}, {0xA0, NI_NORM_KIND_SPACE}, {0xA1, NI_NORM_KIND_WORD},
    {0xC9, NI_NORM_KIND_WORD_MAPPED}, {0xCA, NI_NORM_KIND_WORD}, {0xE9, NI_NORM_KIND_WORD_MAPPED},
    {0xEA, NI_NORM_KIND_WORD}, {0x300, NI_NORM_KIND_DROP}, {0x370, NI_NORM_KIND_WORD},
    {0x4E00, NI_NORM_KIND_CJK}, {0xA000, NI_NORM_KIND_WORD}, {0xAC00, NI_NORM_KIND_WORD_HANGUL},
    {0xD7A4, NI_NORM_KIND_WORD}, {0xD800, NI_NORM_KIND_DROP}, {0xE000, NI_NORM_KIND_WORD},
    {0xFB01, NI_NORM_KIND_WORD_MAPPED}, {0xFB02, NI_NORM_KIND_WORD}, {0xFFFD, NI_NORM_KIND_DROP},
    {0xFFFE, NI_NORM_KIND_WORD},
};

static void tb_wr24(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
}

/* One 6-byte mapping: code point, replacement length n (1..8), value (the code point, or the pool index). */
static uint8_t *tb_mapping(uint8_t *e, uint32_t cp, uint32_t n, uint32_t value)
{
    tb_wr24(e, cp | (n - 1u) << NI_NORM_KIND_SHIFT);
    tb_wr24(e + 3, value);
    return e + NI_NORM_MAP_SIZE;
}

uint32_t tb_normalizer(uint8_t *s, uint32_t room)
{
    uint32_t r = (uint32_t)(sizeof tb_norm_ranges / sizeof tb_norm_ranges[0]), m = 26u + 2u + 1u, p = 2u;
    uint32_t n = NI_NORM_HEADER_SIZE + r * NI_NORM_RANGE_SIZE + m * NI_NORM_MAP_SIZE + NI_NORM_POOL_SIZE * p, i, cp;
    uint8_t *e;
    if (n > room) return 0;
    memset(s, 0, n);
    tb_wr32(s + NI_NORM_RANGE_COUNT, r);
    tb_wr32(s + NI_NORM_MAP_COUNT, m);
    tb_wr32(s + NI_NORM_POOL_COUNT, p);
    for (i = 0; i < r; i++)
        tb_wr24(s + NI_NORM_HEADER_SIZE + i * NI_NORM_RANGE_SIZE,
                tb_norm_ranges[i][0] | tb_norm_ranges[i][1] << NI_NORM_KIND_SHIFT);
    e = s + NI_NORM_HEADER_SIZE + r * NI_NORM_RANGE_SIZE;
    for (cp = 0x41; cp <= 0x5A; cp++) e = tb_mapping(e, cp, 1, cp + 0x20u);
    e = tb_mapping(e, 0xC9u, 1, 'e');
    e = tb_mapping(e, 0xE9u, 1, 'e');
    e = tb_mapping(e, 0xFB01u, 2, 0);
    tb_wr24(e, 'f');
    tb_wr24(e + NI_NORM_POOL_SIZE, 'i');
    return n;
}

static uint32_t write_attention_spans(uint8_t *s, uint32_t room, const ni_model_dims *d, const uint16_t *spans)
{
    uint32_t n = NI_ATTENTION_SPAN_HEADER_SIZE + ((2u * d->num_heads + 3u) & ~3u), h;
    if (n > room) return 0;
    tb_wr32(s, d->num_heads);
    for (h = 0; h < d->num_heads; h++) tb_wr16(s + NI_ATTENTION_SPAN_HEADER_SIZE + 2u * h, spans[h]);
    return n;
}

uint32_t tb_build(uint8_t *buf, uint32_t cap, const tb_options *opt, tb_layout *layout)
{
    uint32_t rng = opt->seed, count = (opt->with_test_vectors ? 10u : 9u) + (opt->attention_spans ? 1u : 0u), cur, kind, row = 0;
    const ni_model_dims *d = &opt->dims;
    if (cap < NI_HEADER_SIZE + count * NI_SECTION_ENTRY_SIZE) return 0;
    memset(buf, 0, cap);
    memset(layout, 0, sizeof *layout);
    cur = NI_HEADER_SIZE + count * NI_SECTION_ENTRY_SIZE;
    for (kind = 1; kind <= NI_SECTION_KIND_MAX; kind++) {
        uint32_t off = align32(cur), n = 0;
        uint8_t *s = buf + off;
        if (kind == NI_SECTION_TEST_VECTORS && !opt->with_test_vectors) continue;
        if (kind == NI_SECTION_ATTENTION_SPAN && opt->attention_spans == NULL) continue;
        if (off > cap) return 0;
        switch (kind) {
        case NI_SECTION_EMBEDDINGS: case NI_SECTION_LAYER: case NI_SECTION_EXIT_HEADS:
            n = write_tensors(s, cap - off, (uint16_t)kind, d, opt->pooler_encoding, opt->word_encoding, opt->sparse_block, &rng); break;
        case NI_SECTION_MODEL:
            if (cap - off < NI_MODEL_SIZE) return 0;
            tb_wr32(s, d->vocab_size); tb_wr32(s + 4, d->embedding_size); tb_wr32(s + 8, d->hidden_size);
            tb_wr32(s + 12, d->num_heads); tb_wr32(s + 16, d->intermediate_size); tb_wr32(s + 20, d->num_layers);
            tb_wr32(s + 24, d->max_positions); tb_wr32(s + 28, d->num_labels); tb_wr32(s + 32, d->activation);
            tb_wr32(s + 36, d->scheme);
            n = NI_MODEL_SIZE; break;
        case NI_SECTION_QUANT_PARAMS: n = tb_quant_params(s, cap - off, d); break;
        case NI_SECTION_VOCABULARY: n = write_vocab(s, cap - off, d); break;
        case NI_SECTION_LABELS: n = write_labels(s, cap - off, d); break;
        case NI_SECTION_THRESHOLDS: n = write_thresholds(s, cap - off, opt); break;
        case NI_SECTION_TEST_VECTORS: n = write_test_vectors(s, cap - off, d, opt->test_vectors, opt->with_answers, &rng); break;
        case NI_SECTION_NORMALIZER: n = tb_normalizer(s, cap - off); break;
        case NI_SECTION_ATTENTION_SPAN: n = write_attention_spans(s, cap - off, d, opt->attention_spans); break;
        }
        if (n == 0) return 0;
        tb_wr16(buf + NI_HEADER_SIZE + row * NI_SECTION_ENTRY_SIZE + NI_SEC_KIND, kind);
        tb_wr32(buf + NI_HEADER_SIZE + row * NI_SECTION_ENTRY_SIZE + NI_SEC_OFFSET, off);
        tb_wr32(buf + NI_HEADER_SIZE + row * NI_SECTION_ENTRY_SIZE + NI_SEC_LENGTH, n);
        layout->section_offset[kind] = off;
        layout->section_length[kind] = n;
        layout->section_index[kind] = row++;
        cur = off + n;
    }
    tb_wr32(buf + NI_HDR_MAGIC, NI_IMAGE_MAGIC);
    tb_wr16(buf + NI_HDR_VERSION, NI_IMAGE_VERSION);
    tb_wr16(buf + NI_HDR_HEADER_SIZE, NI_HEADER_SIZE);
    tb_wr32(buf + NI_HDR_BOARD_ID, opt->board_id);
    tb_wr32(buf + NI_HDR_TOTAL_LENGTH, cur);
    tb_wr32(buf + NI_HDR_ARENA_BYTES, opt->arena_bytes);
    tb_wr16(buf + NI_HDR_SECTION_COUNT, count);
    tb_wr16(buf + NI_HDR_SECTION_ENTRY_SIZE, NI_SECTION_ENTRY_SIZE);
    tb_wr32(buf + NI_HDR_SECTION_TABLE_OFFSET, NI_HEADER_SIZE);
    layout->length = cur;
    layout->section_count = count;
    tb_fix_checksums(buf, cur);
    return cur;
}

void tb_fix_checksums(uint8_t *buf, uint32_t len)
{
    static const uint8_t zero[32];
    uint32_t count, i, table_end, crc;
    ni_sha256 sha;
    if (len < NI_HEADER_SIZE) return;
    count = ni_rd16(buf + NI_HDR_SECTION_COUNT);
    if (count > NI_MAX_SECTIONS) count = NI_MAX_SECTIONS;
    table_end = NI_HEADER_SIZE + count * NI_SECTION_ENTRY_SIZE;
    if (table_end > len) return;
    for (i = 0; i < count; i++) {
        uint8_t *e = buf + NI_HEADER_SIZE + i * NI_SECTION_ENTRY_SIZE;
        uint32_t off = ni_rd32(e + NI_SEC_OFFSET), n = ni_rd32(e + NI_SEC_LENGTH);
        if (off <= len && n <= len - off) tb_wr32(e + NI_SEC_CRC32, ni_crc32_update(0, buf + off, n));
    }
    memset(buf + NI_HDR_HEADER_CRC, 0, 4);
    memset(buf + NI_HDR_SHA256, 0, 32);
    crc = ni_crc32_update(0, buf, table_end);
    tb_wr32(buf + NI_HDR_HEADER_CRC, crc);
    ni_sha256_init(&sha);
    ni_sha256_update(&sha, buf, NI_HDR_SHA256);
    ni_sha256_update(&sha, zero, 32);
    ni_sha256_update(&sha, buf + NI_HDR_RESERVED1, len - NI_HDR_RESERVED1);
    ni_sha256_final(&sha, buf + NI_HDR_SHA256);
}
