/* libFuzzer target of the integer runtime: the input chooses the scheme (INT8, W1A1, AF8, GOBO3, INT4, IPQ, INT8_2OF4 or INT8_SPARSE) and the model's dimensions
 * (within ni_dims_validate's limits, ni_image.h NI_MAX_*), every weight, row param, table and LayerNorm param
 * (mapped into the ranges ni_model_bind accepts for each tensor's encoding, docs/numerics.md), the sequence length
 * and the tokens, and for INT8 and AF8 half the time attention spans; then embed, every layer and every exit head run. The claim under test: for ANY dims and params the validators accept, no kernel overflows (UBSan
 * aborts on signed overflow and bad shifts) or reads/writes outside its buffers (ASan: every tensor, its params,
 * QUANT_PARAMS and the arena are separate exact-size heap blocks).
 *
 * Dimensions are drawn log-uniformly, most inputs asking for a small model so executions stay fast (draw_dims),
 * some for up to NI_MAX_DIM = 1024 columns, which crosses the Cortex-M DSP GEMM's 64-column passes
 * (src/arm/gemm_s8_dsp.c), and some for sequences of 256..NI_MAX_POSITIONS = 512 tokens. Two caps keep one
 * execution bounded; an input over them is skipped:
 *   FUZZ_MAX_BYTES  weights + row params + QUANT_PARAMS + arena <= 4 MiB
 *   FUZZ_MAX_MACS   multiply-accumulates of one run <= 2^23 (the sequence length, then the layer count, is cut
 *                   to fit; a model whose single-token, single-layer run exceeds it is skipped) */
#include <stdlib.h>
#include <string.h>
#include "nano_intent/ni_runtime.h"
#include "nano_intent/ni_scheme.h"
#include "nano_intent/ni_kernels_2of4.h"

/* NI_ENC_INT8_2OF4: the drawn bytes with every position nibble mapped onto one of the 6 valid ones (p0 < p1) and an
 * unused last nibble cleared. */
static void fix_2of4_positions(uint8_t *w, uint32_t rows, uint32_t cols)
{
    static const uint8_t valid[6] = { 0x4, 0x8, 0xC, 0x9, 0xD, 0xE };
    const uint32_t groups = cols / 4u, row_bytes = ni_2of4_row_bytes(cols);
    for (uint32_t r = 0; r < rows; r++) {
        uint8_t *pos = w + (size_t)r * row_bytes + cols / 2u;
        for (uint32_t i = 0; i < (groups + 1u) / 2u; i++) {
            const uint8_t lo = valid[(pos[i] & 15u) % 6u], hi = valid[(pos[i] >> 4) % 6u];
            pos[i] = (uint8_t)(lo | (2u * i + 1u < groups ? (uint32_t)hi << 4 : 0u));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_MAX_BYTES (4ull << 20)
#define FUZZ_MAX_MACS (1ull << 23)

typedef struct { const uint8_t *p; size_t n, i; } src;
static uint32_t next32(src *s)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) v = v << 8 | (s->n ? s->p[s->i++ % s->n] : 0u);
    return v;
}
static int32_t in_range(src *s, int64_t lo, int64_t hi) { return (int32_t)(lo + (int64_t)(next32(s) % (uint64_t)(hi - lo + 1))); }
/* The next input byte (cycled, like next32). */
static uint32_t take8(src *s) { return s->n ? s->p[s->i++ % s->n] : 0u; }
/* lo..hi, log-uniform from three bytes: a bit width first, then a value of that width (up to 16 bits). */
static uint32_t log_range(src *s, uint32_t lo, uint32_t hi)
{
    uint32_t width = 0;
    while (width < 16 && (hi - lo) >> width) width++;
    uint32_t bits = take8(s) % (width + 1), high = take8(s), low = take8(s);
    uint32_t v = lo + ((high << 8 | low) & ((1u << bits) - 1u));
    return v > hi ? hi : v;
}

/* n bytes from the input, cycled (fast: big tensors are memcpy'd, not drawn byte by byte). */
static void fill_bytes(src *s, void *dst, size_t n)
{
    uint8_t *d = dst;
    if (s->n == 0) { memset(d, 0, n); return; }
    while (n > 0) {
        size_t at = s->i % s->n, k = s->n - at < n ? s->n - at : n;
        memcpy(d, s->p + at, k);
        d += k; n -= k; s->i += k;
    }
}

static int cmp_desc(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x < y) - (x > y);
}

typedef struct { uint32_t id, rows, cols; } tensor_shape;

/* The 9 shared tensors, then L x (pooler, classifier). Returns the count. */
static uint32_t shapes_of(const ni_model_dims *d, tensor_shape *t)
{
    uint32_t V = d->vocab_size, E = d->embedding_size, H = d->hidden_size, I = d->intermediate_size, k = 0;
    t[k++] = (tensor_shape){ NI_TENSOR_WORD_EMBEDDINGS, V, E };
    t[k++] = (tensor_shape){ NI_TENSOR_POSITION_EMBEDDINGS, d->max_positions, E };
    t[k++] = (tensor_shape){ NI_TENSOR_EMBEDDING_MAPPING_IN, H, E };
    t[k++] = (tensor_shape){ NI_TENSOR_ATTENTION_QUERY, H, H };
    t[k++] = (tensor_shape){ NI_TENSOR_ATTENTION_KEY, H, H };
    t[k++] = (tensor_shape){ NI_TENSOR_ATTENTION_VALUE, H, H };
    t[k++] = (tensor_shape){ NI_TENSOR_ATTENTION_DENSE, H, H };
    t[k++] = (tensor_shape){ NI_TENSOR_FFN, I, H };
    t[k++] = (tensor_shape){ NI_TENSOR_FFN_OUTPUT, H, I };
    for (uint32_t l = 0; l < d->num_layers; l++) {
        t[k++] = (tensor_shape){ NI_TENSOR_EXIT(l, NI_EXIT_POOLER), H, H };
        t[k++] = (tensor_shape){ NI_TENSOR_EXIT(l, NI_EXIT_CLASSIFIER), d->num_labels, H };
    }
    return k;
}

/* Multiply-accumulates of embed + L layers + L exit heads on n tokens (linear layers and attention). */
static uint64_t macs(const ni_model_dims *d, uint64_t n, uint64_t L)
{
    uint64_t E = d->embedding_size, H = d->hidden_size, I = d->intermediate_size, C = d->num_labels;
    return n * H * E + L * (n * (4 * H * H + 2 * I * H) + 2 * n * n * H + H * H + C * H);
}

static uint32_t min_u32(uint32_t a, uint32_t b) { return a < b ? a : b; }

/* The kind of model an input asks for (its first byte): most stay small so executions are fast. */
typedef enum { SHAPE_SMALL, SHAPE_LONG, SHAPE_FULL } shape_class;

/* The schemes an input may ask for. */
static const uint32_t drawn_schemes[] = { NI_SCHEME_INT8, NI_SCHEME_GOBO3, NI_SCHEME_AF8, NI_SCHEME_W1A1, NI_SCHEME_INT4,
                                           NI_SCHEME_IPQ, NI_SCHEME_INT8_2OF4, NI_SCHEME_INT8_SPARSE };

/* Valid dims drawn from the input's first bytes; the scheme one of drawn_schemes, each as often (W1A1: dims multiples
 * of 32, not 4).
 *   SMALL (6 in 8): dims <= 64 (W1A1: 128), <= 64 positions, <= 4 layers
 *   LONG  (1 in 8): 256..512 positions and a sequence that fills most of them, hidden size <= 16 (W1A1: 32),
 *                   <= 2 layers
 *   FULL  (1 in 8): the validator's whole range (1024 columns, 512 positions, 32 layers, V up to 65535) */
static shape_class draw_dims(src *s, ni_model_dims *d)
{
    uint32_t k = take8(s) % 8;
    shape_class c = k == 7 ? SHAPE_FULL : k == 6 ? SHAPE_LONG : SHAPE_SMALL;
    d->scheme = drawn_schemes[take8(s) % (sizeof drawn_schemes / sizeof drawn_schemes[0])];
    const uint32_t m = d->scheme == NI_SCHEME_W1A1 ? 32u : 4u; /* the scheme's multiple */
    uint32_t dim_max = c == SHAPE_FULL ? NI_MAX_DIM : (c == SHAPE_LONG ? 4u : 16u) * m;
    uint32_t heads = log_range(s, 1, c == SHAPE_LONG ? 2u : 16u), head_dim = m * log_range(s, 1, dim_max / m);
    if (heads > dim_max / m) heads = dim_max / m;
    if (heads * head_dim > dim_max) head_dim = m * (dim_max / m / heads);
    if (c == SHAPE_LONG) head_dim = m;
    d->num_heads = heads;
    d->hidden_size = heads * head_dim;
    d->embedding_size = m * log_range(s, 1, dim_max / m);
    d->intermediate_size = m * log_range(s, 1, dim_max / m);
    d->vocab_size = log_range(s, 5, c == SHAPE_FULL ? NI_MAX_VOCAB : 1024u);
    d->num_layers = log_range(s, 1, c == SHAPE_FULL ? NI_MAX_LAYERS : c == SHAPE_LONG ? 2u : 4u);
    d->max_positions = c == SHAPE_LONG ? log_range(s, 256, NI_MAX_POSITIONS)
                                       : log_range(s, 3, c == SHAPE_FULL ? NI_MAX_POSITIONS : 64u);
    d->num_labels = log_range(s, 2, min_u32(dim_max, NI_MAX_DIM));
    d->activation = 1 + take8(s) % NI_ACT_MAX;
    return c;
}

/* QUANT_PARAMS: the fixed part with every field in range, then LayerNorm params and tanh tables (any values). */
static void fill_qparams(src *s, const ni_model_dims *d, uint8_t *out, uint32_t len)
{
    ni_qparams_fixed q;
    memset(&q, 0, sizeof q);
    q.version = NI_QPARAMS_VERSION;
    if (d->scheme == NI_SCHEME_W1A1) { /* |attn_threshold| <= head size */
        int32_t head = (int32_t)(d->hidden_size / d->num_heads);
        q.attn_threshold = in_range(s, -head, head);
    }
    q.tables = ni_scheme_find(d->scheme)->qparams_tables;
    ni_requant *rq[2] = { &q.attn_residual, &q.full_residual };
    for (int k = 0; k < 2; k++) { rq[k]->multiplier = (int32_t)(next32(s) & 0x7fffffffu); rq[k]->shift = in_range(s, 1, 62); }
    for (int k = 0; k < NI_FRAC_TABLE_LEN; k++) {
        q.exp2_frac[k] = in_range(s, 1L << 29, 1L << 30);
        q.log2_frac[k] = -in_range(s, 0, 65536); /* sorted descending, negated below -> ascending */
    }
    qsort(q.exp2_frac, NI_FRAC_TABLE_LEN, 4, cmp_desc);
    qsort(q.log2_frac, NI_FRAC_TABLE_LEN, 4, cmp_desc);
    for (int k = 0; k < NI_FRAC_TABLE_LEN; k++) q.log2_frac[k] = -q.log2_frac[k];
    q.exp2_frac[0] = 1L << 30;
    q.log2_frac[0] = 0;
    fill_bytes(s, q.gelu, sizeof q.gelu);
    memcpy(out, &q, sizeof q);
    uint32_t o = sizeof q;
    if (q.tables & NI_QP_TABLE_SOFTMAX) {
        ni_qparams_softmax sm;
        ni_requant *srq[2] = { &sm.softmax_index, &sm.context };
        for (int k = 0; k < 2; k++) { srq[k]->multiplier = (int32_t)(next32(s) & 0x7fffffffu); srq[k]->shift = in_range(s, 1, 62); }
        for (int k = 0; k < NI_EXP_TABLE_LEN; k++) sm.exp_table[k] = in_range(s, 0, 65536);
        qsort(sm.exp_table, NI_EXP_TABLE_LEN, 4, cmp_desc);
        sm.exp_table[0] = 65536;
        memcpy(out + o, &sm, sizeof sm);
        o += sizeof sm;
    }
    fill_bytes(s, out + o, len - o);
}

static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); } /* little-endian targets only (ni_encoding.h) */
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }

/* Raw input bytes, then each field mapped into its encoding's valid range.
 *   INT8_ROW per row: |bias| <= 2^30, multiplier >= 0, shift 1..62
 *   BINARY header: act_threshold -128..127, shift 1..62, reserved 0; rows: any int16 bias, uint16 multiplier
 *   BINARY_EMBED header: shift 0..7, reserved 0; rows: any uint8 magnitude
 *   BINARY_SIGN header: act_threshold -128..127, reserved 0; rows: any int16 bias
 *   BINARY_S8 header: shift 1..62, reserved 0; rows: any int16 bias, uint16 multiplier
 *   ADAPTIVFLOAT header: multiplier >= 0, shift 1..62; rows: |bias| <= 2^30
 *   GOBO3 header: multiplier >= 0, shift 1..62, 0 outliers (the data has the least length), centroids within +-4095;
 *         rows: |bias| <= 2^30
 *   INT4: INT8_ROW's (the last branch)
 *   INT4, INT8_2OF4, INT8_SPARSE: INT8_ROW's (the last branch)
 *   IPQ: the header {K, d} is the caller's (drawn with the data's length); then INT8_ROW's rows */
static void fill_params(src *s, uint8_t encoding, uint8_t *p, uint32_t len, uint32_t rows)
{
    fill_bytes(s, p, len);
    if (encoding == NI_ENC_BINARY_EMBED) {
        wr32(p, rd32(p) % (NI_BINARY_EMBED_MAX_SHIFT + 1u));
        wr32(p + 4, 0);
        return;
    }
    if (encoding == NI_ENC_BINARY_SIGN) {
        wr32(p, (uint32_t)((int32_t)(rd32(p) % 256u) - 128));
        wr32(p + 4, 0);
        return;
    }
    if (encoding == NI_ENC_BINARY_S8) {
        wr32(p, 1u + rd32(p) % 62u);
        wr32(p + 4, 0);
        return;
    }
    if (encoding == NI_ENC_ADAPTIVFLOAT) {
        wr32(p, rd32(p) & 0x7fffffffu);
        wr32(p + 4, 1u + rd32(p + 4) % 62u);
        for (uint32_t r = 0; r < rows; r++) {
            uint8_t *q = p + NI_AF8_HEADER_BYTES + (size_t)r * NI_AF8_ROW_BYTES;
            uint32_t b = rd32(q);
            wr32(q, (uint32_t)((int32_t)(b % (1u << 31)) - (int32_t)(1u << 30) + (int32_t)(b >> 31)));
        }
        return;
    }
    if (encoding == NI_ENC_GOBO3) {
        wr32(p, rd32(p) & 0x7fffffffu);
        wr32(p + 4, 1u + rd32(p + 4) % 62u);
        wr32(p + 8, 0);
        for (uint32_t k = 0; k < 8; k++) {
            uint8_t *c = p + 12 + 2 * k;
            const uint32_t v = (uint32_t)((int32_t)(((uint32_t)c[0] | (uint32_t)c[1] << 8) % 8191u) - 4095);
            c[0] = (uint8_t)v;
            c[1] = (uint8_t)(v >> 8);
        }
        for (uint32_t r = 0; r < rows; r++) {
            uint8_t *q = p + NI_GOBO3_HEADER_BYTES + (size_t)r * NI_GOBO3_ROW_BYTES;
            uint32_t b = rd32(q);
            wr32(q, (uint32_t)((int32_t)(b % (1u << 31)) - (int32_t)(1u << 30) + (int32_t)(b >> 31)));
        }
        return;
    }
    if (encoding == NI_ENC_IPQ) p += NI_IPQ_HEADER_BYTES;
    if (encoding == NI_ENC_BINARY) {
        wr32(p, (uint32_t)((int32_t)(rd32(p) % 256u) - 128));
        wr32(p + 4, 1u + rd32(p + 4) % 62u);
        wr32(p + 8, 0);
        wr32(p + 12, 0);
        return;
    }
    for (uint32_t r = 0; r < rows; r++) {
        uint8_t *q = p + (size_t)r * NI_INT8_ROW_PARAMS_BYTES;
        uint32_t b = rd32(q);
        wr32(q, (uint32_t)((int32_t)(b % (1u << 31)) - (int32_t)(1u << 30) + (int32_t)(b >> 31))); /* -2^30 .. 2^30 */
        wr32(q + 4, rd32(q + 4) & 0x7fffffffu);
        wr32(q + 8, 1u + rd32(q + 8) % 62u);
    }
}

/* NI_ENC_INT8_SPARSE_EMBED (a word table's embedding_alternative): row offsets, then per row a bitmap drawn from the
 * input (bits past cols cleared) and that many drawn values; the offsets exact. Returns the data length, at most
 * sparse_max_bytes. */
static uint32_t sparse_max_bytes(uint32_t rows, uint32_t cols) { return rows * (4u + (cols + 7u) / 8u + cols); }
static uint32_t fill_sparse_embed(src *s, uint8_t *w, uint32_t rows, uint32_t cols)
{
    const uint32_t bb = (cols + 7u) / 8u, pad = bb * 8u - cols;
    uint32_t at = rows * 4u;
    for (uint32_t r = 0; r < rows; r++) {
        uint32_t kept = 0;
        wr32(w + 4u * r, at);
        fill_bytes(s, w + at, bb);
        if (pad != 0) w[at + bb - 1u] &= (uint8_t)(0xFFu >> pad);
        for (uint32_t i = 0; i < bb; i++)
            for (uint32_t b = w[at + i]; b != 0; b &= b - 1u) kept++;
        fill_bytes(s, w + at + bb, kept);
        at += bb + kept;
    }
    return at;
}

/* NI_ENC_INT8_SPARSE (a variable-length tensor: drawn bytes of its least length would fail validate_data): the block
 * size b (1, 4 or 16 = 4x4 when rows % 4 == 0), a keep rate and per block of every unit (row, or group of 4 rows) a
 * keep draw from the input; the unit starts, the ascending block columns, the zero padding and the values laid out
 * exactly. Returns the data length, at most sparse_rows_max_bytes. */
static uint32_t sparse_rows_max_bytes(uint32_t rows, uint32_t cols) { return 12u + 4u * rows + 3u * rows * cols; }
static uint32_t fill_sparse_rows(src *s, uint8_t *w, uint32_t rows, uint32_t cols)
{
    const uint32_t draw = take8(s) % 3u;
    const uint32_t b = draw == 0 ? 1u : draw == 2 && rows % 4u == 0 ? 16u : 4u;
    const uint32_t h = b == 16u ? 4u : 1u, units = rows / h, per_unit = cols / (b / h), keep = take8(s);
    const uint32_t cols_at = 8u + 4u * units;
    uint32_t nb = 0;
    wr32(w, b);
    for (uint32_t u = 0; u < units; u++) {
        wr32(w + 4u + 4u * u, nb);
        for (uint32_t c = 0; c < per_unit; c++)
            if (take8(s) < keep) { /* keep 0: every block pruned; 255: almost all kept */
                w[cols_at + 2u * nb] = (uint8_t)c;
                w[cols_at + 2u * nb + 1u] = (uint8_t)(c >> 8);
                nb++;
            }
    }
    wr32(w + 4u + 4u * units, nb);
    uint32_t at = cols_at + 2u * nb;
    while (at % 4u != 0) w[at++] = 0;
    fill_bytes(s, w + at, (size_t)nb * b);
    return at + nb * b;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    src s = { data, size, 0 };
    ni_model_dims d;
    shape_class c = draw_dims(&s, &d);
    if (!ni_dims_validate(&d)) abort(); /* draw_dims only makes valid dims */

    static ni_model m; /* ~6 KB: static, as on a device */
    if (ni_model_init(&m, &d) != NI_OK) abort();
    tensor_shape t[9 + 2 * NI_MAX_LAYERS];
    uint32_t nt = shapes_of(&d, t), qlen = ni_qparams_size(&d), arena_len = ni_arena_bytes(&m);
    uint32_t dlen[9 + 2 * NI_MAX_LAYERS], plen[9 + 2 * NI_MAX_LAYERS];
    uint8_t enc[9 + 2 * NI_MAX_LAYERS];
    uint32_t ipq_codes[9 + 2 * NI_MAX_LAYERS] = { 0 }, ipq_block[9 + 2 * NI_MAX_LAYERS] = { 0 };
    uint64_t bytes = (uint64_t)qlen + arena_len;
    /* the scheme's pooler alternative (W1A1: BINARY_S8 over the int8 h[CLS]) on the poolers of every other exit, as
     * the input's next byte says */
    const uint8_t alternative = ni_scheme_find(d.scheme)->pooler_alternative, alt_bits = (uint8_t)take8(&s);
    const uint8_t embedding_alternative = ni_scheme_find(d.scheme)->embedding_alternative;
    for (uint32_t k = 0; k < nt; k++) {
        enc[k] = ni_tensor_encoding(&d, t[k].id);
        if (alternative != 0 && t[k].id >= NI_TENSOR_EXIT_BASE &&
            (t[k].id - NI_TENSOR_EXIT_BASE) % NI_TENSOR_EXIT_STRIDE == NI_EXIT_POOLER &&
            (alt_bits >> ((t[k].id - NI_TENSOR_EXIT_BASE) / NI_TENSOR_EXIT_STRIDE % 8u) & 1u))
            enc[k] = alternative;
        if (t[k].id == NI_TENSOR_WORD_EMBEDDINGS && embedding_alternative != 0 && (alt_bits & 0x80u))
            enc[k] = embedding_alternative; /* pruned word rows, as the same byte's top bit says */
        if (!ni_encoding_find(enc[k])->sizes(t[k].rows, t[k].cols, &dlen[k], &plen[k])) return 0;
        if (enc[k] == NI_ENC_INT8_SPARSE_EMBED) dlen[k] = sparse_max_bytes(t[k].rows, t[k].cols); /* the budget's bound */
        if (enc[k] == NI_ENC_INT8_SPARSE) dlen[k] = sparse_rows_max_bytes(t[k].rows, t[k].cols); /* the budget's bound */
        if (enc[k] == NI_ENC_IPQ) { /* K 1..256 codewords of d = 1, 2, 4, 8 or 16 weights (the largest of those dividing cols) */
            ipq_block[k] = 1u << (take8(&s) % 5u);
            while (t[k].cols % ipq_block[k] != 0) ipq_block[k] >>= 1;
            ipq_codes[k] = 1u + take8(&s) % NI_IPQ_MAX_CODES;
            dlen[k] = ipq_codes[k] * ipq_block[k] + t[k].rows * (t[k].cols / ipq_block[k]);
        }
        bytes += (uint64_t)dlen[k] + plen[k];
    }
    if (bytes > FUZZ_MAX_BYTES) return 0;

    /* sequence length and layers run: as drawn, cut to the MAC budget */
    uint32_t n = c == SHAPE_LONG ? d.max_positions - log_range(&s, 0, 64) : log_range(&s, 1, d.max_positions);
    uint32_t layers = d.num_layers;
    while (n > 1 && macs(&d, n, layers) > FUZZ_MAX_MACS) n = n / 2;
    while (layers > 1 && macs(&d, n, layers) > FUZZ_MAX_MACS) layers--;
    if (macs(&d, n, layers) > FUZZ_MAX_MACS) return 0;

    uint8_t *w[9 + 2 * NI_MAX_LAYERS] = { 0 }, *p[9 + 2 * NI_MAX_LAYERS] = { 0 };
    uint8_t *qp = malloc(qlen), *arena = malloc(arena_len), *spans = malloc(2u * d.num_heads);
    int32_t *ids = malloc(n * sizeof *ids), *logits = malloc(d.num_labels * sizeof *logits), entropy;
    int ok = qp && arena && ids && logits && spans;
    for (uint32_t k = 0; ok && k < nt; k++) {
        w[k] = malloc(dlen[k]);
        p[k] = malloc(plen[k]);
        ok = w[k] && p[k];
        if (!ok) break;
        if (enc[k] == NI_ENC_INT8_SPARSE_EMBED) dlen[k] = fill_sparse_embed(&s, w[k], t[k].rows, t[k].cols);
        else if (enc[k] == NI_ENC_INT8_SPARSE) dlen[k] = fill_sparse_rows(&s, w[k], t[k].rows, t[k].cols);
        else fill_bytes(&s, w[k], dlen[k]);
        if (enc[k] == NI_ENC_INT8_2OF4) fix_2of4_positions(w[k], t[k].rows, t[k].cols);
        fill_params(&s, enc[k], p[k], plen[k], t[k].rows);
        if (enc[k] == NI_ENC_IPQ) { /* the header, and every index below K */
            wr32(p[k], ipq_codes[k]);
            wr32(p[k] + 4, ipq_block[k]);
            for (uint32_t i = ipq_codes[k] * ipq_block[k]; i < dlen[k]; i++) w[k][i] = (uint8_t)(w[k][i] % ipq_codes[k]);
        }
        if (ni_model_set_tensor(&m, t[k].id, enc[k], w[k], dlen[k], p[k], plen[k], t[k].rows, t[k].cols) != NI_OK) abort();
    }
    if (ok) {
        fill_qparams(&s, &d, qp, qlen);
        if (ni_model_bind(&m, qp, qlen) != NI_OK) abort(); /* every value is in range */
        /* attention spans (softmax schemes, half the inputs): 0..max_positions per head, 0 skipping the head */
        if (d.scheme != NI_SCHEME_W1A1 && (take8(&s) & 1u)) {
            for (uint32_t h = 0; h < d.num_heads; h++) {
                uint32_t span = log_range(&s, 0, d.max_positions);
                spans[2u * h] = (uint8_t)span;
                spans[2u * h + 1u] = (uint8_t)(span >> 8);
            }
            if (ni_model_set_attention_spans(&m, spans) != NI_OK) abort();
        }
        for (uint32_t k = 0; k < n; k++) ids[k] = in_range(&s, 0, d.vocab_size - 1);
        if (ni_embed(&m, ids, n, arena, arena_len) != NI_OK) abort();
        for (uint32_t l = 0; l < layers; l++) {
            if (ni_run_layer(&m, l, arena, arena_len) != NI_OK) abort();
            if (ni_exit_head(&m, l, arena, arena_len, logits, d.num_labels, &entropy) != NI_OK) abort();
            if (entropy < 0) abort(); /* an entropy is never negative */
        }
    }
    for (uint32_t k = 0; k < nt; k++) { free(w[k]); free(p[k]); }
    free(qp); free(arena); free(ids); free(logits); free(spans);
    return 0;
}
