/* Scheme W1A1 through the step API, against a naive reimplementation of docs/numerics.md in this file.
 *
 * A tiny W1A1 model is built in memory (ni_model_set_tensor + ni_model_bind): 1-bit tensors with random sign bits,
 * act_thresholds, biases and multipliers, int8 classifiers, LayerNorm gains that keep values off saturation. Every
 * utterance length 1..P runs through ni_embed / ni_run_layer / ni_exit_head (token-batched tiles, packed inputs,
 * residual sums in place, Bi-Attention) and, token by token, through the naive code below, which shares nothing with
 * the runtime but ni_round_shift, ni_isqrt64, ni_div_round and ni_entropy_q16: +-1 products one at a time, attention
 * by its definition. Logits and entropies must agree at every layer. Two positions counts give two tile shapes
 * (P = 8: 32-row tiles; P = 40: 4-row tiles, so sign bits and packed inputs are written a part of a word at a time),
 * the attention threshold takes several values, and Q, K and V's act_thresholds are all different, all equal or
 * two equal (the runtime packs the layer input once per distinct threshold). Some cases give exit poolers
 * NI_ENC_BINARY_S8 (1-bit weights over the int8 h[CLS]), one with P = 3, where the pooler's group tables (8 bytes a
 * column) outgrow the spare half of the arena's wide region and the arena grows for them. */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_runtime.h"

enum { V = 23, E = 32, H = 64, HEADS = 2, I = 96, L = 2, C = 3, PMAX = 40 };

static int failures;
static uint32_t rng = 2024u;
static uint32_t rnd(void) { rng = rng * 1664525u + 1013904223u; return rng >> 8; }

static void wr32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void wr16(uint8_t *p, uint32_t v) { uint16_t h = (uint16_t)v; memcpy(p, &h, 2); }

/* ---- the model's bytes (4-aligned) ---- */
/* sized for the largest tensor (FFN: I x H bits; INT8_ROW classifiers C x H bytes), small enough for a 128 KB MCU */
typedef struct { uint32_t id, rows, cols; uint8_t enc; uint32_t data[I * H / 32]; uint32_t params[(16 + 4 * I) / 4]; } tensor_buf;
static tensor_buf tensors[9 + 2 * L];
static uint32_t qparams_words[2048];

/* naive readers of the tensors */
static int wbit(const tensor_buf *t, uint32_t r, uint32_t c) { return (t->data[r * (t->cols / 32) + c / 32] >> (c % 32)) & 1u; }
static int32_t bin_threshold(const tensor_buf *t) { int32_t v; memcpy(&v, t->params, 4); return v; }
static int32_t bin_shift(const tensor_buf *t) { int32_t v; memcpy(&v, (const uint8_t *)t->params + 4, 4); return v; }
static int32_t bin_bias(const tensor_buf *t, uint32_t r) { int16_t v; memcpy(&v, (const uint8_t *)t->params + 16 + 4 * r, 2); return v; }
/* BINARY_SIGN (Q, K, V): header {act_threshold, 0}, then one int16 bias a row */
static int32_t sign_bias(const tensor_buf *t, uint32_t r) { int16_t v; memcpy(&v, (const uint8_t *)t->params + 8 + 2 * r, 2); return v; }
static int32_t bin_mult(const tensor_buf *t, uint32_t r) { uint16_t v; memcpy(&v, (const uint8_t *)t->params + 18 + 4 * r, 2); return v; }

/* BINARY_S8 (poolers over the int8 h[CLS]): header {shift, 0}, then {int16 bias, uint16 multiplier} a row */
static int32_t s8_shift(const tensor_buf *t) { int32_t v; memcpy(&v, t->params, 4); return v; }
static int32_t s8_bias(const tensor_buf *t, uint32_t r) { int16_t v; memcpy(&v, (const uint8_t *)t->params + 8 + 4 * r, 2); return v; }
static int32_t s8_mult(const tensor_buf *t, uint32_t r) { uint16_t v; memcpy(&v, (const uint8_t *)t->params + 10 + 4 * r, 2); return v; }

static int32_t emb_shift(const tensor_buf *t) { int32_t v; memcpy(&v, t->params, 4); return v; }
static int32_t emb_mag(const tensor_buf *t, uint32_t r) { return ((const uint8_t *)t->params)[8 + r]; }

/* BINARY_EMBED: sign bits, {shift 0..2, 0}, magnitudes 2..9 (elements of a few tens at most) */
static void make_embed(tensor_buf *t, uint32_t id, uint32_t rows, uint32_t cols)
{
    t->id = id; t->rows = rows; t->cols = cols; t->enc = NI_ENC_BINARY_EMBED;
    for (uint32_t i = 0; i < rows * cols / 32; i++) t->data[i] = rnd() ^ (rnd() << 12);
    uint8_t *p = (uint8_t *)t->params;
    wr32(p, rnd() % 3u);
    wr32(p + 4, 0);
    for (uint32_t r = 0; r < rows; r++) p[8 + r] = (uint8_t)(2u + rnd() % 8u);
}

/* BINARY_SIGN: sign bits, {act_threshold -4..4, 0}, biases -10..10 */
static void make_sign(tensor_buf *t, uint32_t id, uint32_t rows, uint32_t cols)
{
    t->id = id; t->rows = rows; t->cols = cols; t->enc = NI_ENC_BINARY_SIGN;
    for (uint32_t i = 0; i < rows * cols / 32; i++) t->data[i] = rnd() ^ (rnd() << 12);
    uint8_t *p = (uint8_t *)t->params;
    wr32(p, (uint32_t)((int32_t)(rnd() % 9) - 4));
    wr32(p + 4, 0);
    for (uint32_t r = 0; r < rows; r++) wr16(p + 8 + 2 * r, (uint32_t)((int32_t)(rnd() % 21) - 10));
}

/* BINARY_S8: sign bits over int8 inputs, {shift 15, 0}; acc is a sum of +-x (a few hundred), outputs a few tens */
static void make_s8(tensor_buf *t, uint32_t id, uint32_t rows, uint32_t cols)
{
    t->id = id; t->rows = rows; t->cols = cols; t->enc = NI_ENC_BINARY_S8;
    for (uint32_t i = 0; i < rows * cols / 32; i++) t->data[i] = rnd() ^ (rnd() << 12);
    uint8_t *p = (uint8_t *)t->params;
    wr32(p, 15u);
    wr32(p + 4, 0);
    for (uint32_t r = 0; r < rows; r++) {
        wr16(p + 8 + 4 * r, (uint32_t)((int32_t)(rnd() % 401) - 200));
        wr16(p + 10 + 4 * r, 1500u + rnd() % 3500u);
    }
}

static void make_binary(tensor_buf *t, uint32_t id, uint32_t rows, uint32_t cols)
{
    t->id = id; t->rows = rows; t->cols = cols; t->enc = NI_ENC_BINARY;
    for (uint32_t i = 0; i < rows * cols / 32; i++) t->data[i] = rnd() ^ (rnd() << 12);
    uint8_t *p = (uint8_t *)t->params;
    memset(p, 0, 16);
    wr32(p, (uint32_t)((int32_t)(rnd() % 9) - 4));    /* act_threshold */
    /* output ~ acc * M / 2^s: acc is within +-cols; aim at int8 values of a few tens */
    wr32(p + 4, 11u + rnd() % 3u);
    for (uint32_t r = 0; r < rows; r++) {
        wr16(p + 16 + 4 * r, (uint32_t)((int32_t)(rnd() % 21) - 10));
        wr16(p + 18 + 4 * r, 2000u + rnd() % 6000u);
    }
}

static void make_int8(tensor_buf *t, uint32_t id, uint32_t rows, uint32_t cols)
{
    t->id = id; t->rows = rows; t->cols = cols; t->enc = NI_ENC_INT8_ROW;
    int8_t *w = (int8_t *)t->data;
    for (uint32_t i = 0; i < rows * cols; i++) w[i] = (int8_t)(rnd() & 0xff);
    uint8_t *p = (uint8_t *)t->params;
    for (uint32_t r = 0; r < rows; r++) {
        wr32(p + 12 * r, (uint32_t)((int32_t)(rnd() % 2001) - 1000));
        wr32(p + 12 * r + 4, (1u << 30) + rnd() % (1u << 20));
        wr32(p + 12 * r + 8, 32); /* ~ 2^-2 per unit: Q16 logits of about a nat */
    }
}

static uint32_t bytes_of(const tensor_buf *t, uint32_t *params_len)
{
    uint32_t dl = 0, pl = 0;
    ni_encoding_find(t->enc)->sizes(t->rows, t->cols, &dl, &pl);
    *params_len = pl;
    return dl;
}

static const tensor_buf *find(uint32_t id)
{
    for (uint32_t k = 0; k < sizeof tensors / sizeof tensors[0]; k++)
        if (tensors[k].id == id) return &tensors[k];
    return NULL;
}

/* ---- naive reimplementation ---- */
static const ni_qparams_fixed *QP;
static const ni_ln_param *emb_ln, *attn_ln, *full_ln;
static const int8_t *tanh_tables;

static int8_t sat8(int64_t v) { return (int8_t)(v > 127 ? 127 : v < -128 ? -128 : v); }
static int16_t sat16(int64_t v) { return (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v); }
static int64_t rq(int64_t v, int32_t m, int32_t s) { return ni_round_shift(v * m, s); }

static void layernorm(const int16_t *x, const ni_ln_param *p, uint32_t n, int8_t *out)
{
    int64_t sum = 0;
    for (uint32_t i = 0; i < n; i++) sum += x[i];
    int64_t mean = ni_div_round(sum, n);
    uint64_t ss = 0;
    for (uint32_t i = 0; i < n; i++) ss += (uint64_t)((x[i] - mean) * (x[i] - mean));
    uint32_t sigma = ni_isqrt64((ss << 16) / n);
    if (sigma == 0) sigma = 1;
    int32_t e = 0;
    while (((uint64_t)2 << e) <= sigma) e++;                 /* floor(log2 sigma) */
    int64_t inv = ni_div_round((int64_t)1 << (30 + e), sigma); /* 2^(30+e) / sigma */
    for (uint32_t i = 0; i < n; i++) {
        int64_t xn = ni_round_shift((x[i] - mean) * inv, e + 2); /* (d / std) * 2^20 */
        out[i] = sat8(ni_round_shift(xn * p[i].gain + p[i].bias * ((int64_t)1 << 20), 36));
    }
}

/* sum_c w[r][c] * b_c, b_c = +1 when x_c >= the tensor's act_threshold, else -1 */
static int32_t bin_acc(const tensor_buf *t, uint32_t r, const int8_t *x)
{
    int32_t s = 0;
    for (uint32_t c = 0; c < t->cols; c++) s += (wbit(t, r, c) ? 1 : -1) * (x[c] >= bin_threshold(t) ? 1 : -1);
    return s;
}

static int64_t bin_value(const tensor_buf *t, uint32_t r, const int8_t *x)
{
    return rq((int64_t)bin_acc(t, r, x) + bin_bias(t, r), bin_mult(t, r), bin_shift(t));
}

static void naive_run(const int32_t *ids, uint32_t n, int32_t threshold, int32_t logits[L][C], int32_t entropy[L])
{
    static int8_t h[PMAX][H], a[PMAX][H], ctx[PMAX][H], g[I], ln[E], p[H];
    static int qb[PMAX][H], kb[PMAX][H], vb[PMAX][H];
    int16_t wide[H > E ? H : E];
    const tensor_buf *word = find(NI_TENSOR_WORD_EMBEDDINGS), *pos = find(NI_TENSOR_POSITION_EMBEDDINGS);
    for (uint32_t t = 0; t < n; t++) {
        for (uint32_t c = 0; c < E; c++) {
            int64_t wv = (int64_t)emb_mag(word, (uint32_t)ids[t]) << emb_shift(word);
            int64_t pv = (int64_t)emb_mag(pos, t) << emb_shift(pos);
            wide[c] = sat16((wbit(word, (uint32_t)ids[t], c) ? wv : -wv) + (wbit(pos, t, c) ? pv : -pv));
        }
        layernorm(wide, emb_ln, E, ln);
        for (uint32_t r = 0; r < H; r++) h[t][r] = sat8(bin_value(find(NI_TENSOR_EMBEDDING_MAPPING_IN), r, ln));
    }
    for (uint32_t l = 0; l < L; l++) {
        const tensor_buf *Q = find(NI_TENSOR_ATTENTION_QUERY), *K = find(NI_TENSOR_ATTENTION_KEY), *Vt = find(NI_TENSOR_ATTENTION_VALUE);
        for (uint32_t t = 0; t < n; t++)
            for (uint32_t r = 0; r < H; r++) {
                qb[t][r] = bin_acc(Q, r, h[t]) + sign_bias(Q, r) >= 0;
                kb[t][r] = bin_acc(K, r, h[t]) + sign_bias(K, r) >= 0;
                vb[t][r] = bin_acc(Vt, r, h[t]) + sign_bias(Vt, r) >= 0;
            }
        const uint32_t dh = H / HEADS;
        for (uint32_t hd = 0; hd < HEADS; hd++)
            for (uint32_t i = 0; i < n; i++)
                for (uint32_t d = 0; d < dh; d++) {
                    int32_t c = 0;
                    for (uint32_t j = 0; j < n; j++) {
                        int32_t s = 0;
                        for (uint32_t e = 0; e < dh; e++) s += qb[i][hd * dh + e] == kb[j][hd * dh + e] ? 1 : -1;
                        if (s >= threshold) c += vb[j][hd * dh + d] ? 1 : -1;
                    }
                    ctx[i][hd * dh + d] = sat8(c);
                }
        for (uint32_t t = 0; t < n; t++) {
            for (uint32_t r = 0; r < H; r++)
                wide[r] = sat16(bin_value(find(NI_TENSOR_ATTENTION_DENSE), r, ctx[t])
                                + rq(h[t][r], QP->attn_residual.multiplier, QP->attn_residual.shift));
            layernorm(wide, attn_ln, H, a[t]);
            for (uint32_t r = 0; r < I; r++) g[r] = QP->gelu[sat8(bin_value(find(NI_TENSOR_FFN), r, a[t])) + 128];
            for (uint32_t r = 0; r < H; r++)
                wide[r] = sat16(bin_value(find(NI_TENSOR_FFN_OUTPUT), r, g)
                                + rq(a[t][r], QP->full_residual.multiplier, QP->full_residual.shift));
            layernorm(wide, full_ln, H, h[t]);
        }
        const tensor_buf *pool = find(NI_TENSOR_EXIT(l, NI_EXIT_POOLER)), *cls = find(NI_TENSOR_EXIT(l, NI_EXIT_CLASSIFIER));
        for (uint32_t r = 0; r < H; r++) {
            int64_t v;
            if (pool->enc == NI_ENC_BINARY_S8) { /* +-x over the int8 h[CLS] as it is */
                int32_t sum = 0;
                for (uint32_t c = 0; c < H; c++) sum += wbit(pool, r, c) ? h[0][c] : -h[0][c];
                v = rq((int64_t)sum + s8_bias(pool, r), s8_mult(pool, r), s8_shift(pool));
            } else v = bin_value(pool, r, h[0]);
            p[r] = tanh_tables[l * 256 + sat8(v) + 128];
        }
        for (uint32_t r = 0; r < C; r++) {
            const int8_t *w = (const int8_t *)cls->data + r * H;
            const uint8_t *pp = (const uint8_t *)cls->params + 12 * r;
            int32_t bias, mult, shift;
            memcpy(&bias, pp, 4); memcpy(&mult, pp + 4, 4); memcpy(&shift, pp + 8, 4);
            int64_t acc = bias;
            for (uint32_t c = 0; c < H; c++) acc += (int64_t)w[c] * p[c];
            int64_t v = rq(acc, mult, shift);
            logits[l][r] = (int32_t)(v > NI_LOGIT_LIMIT ? NI_LOGIT_LIMIT : v < -NI_LOGIT_LIMIT ? -NI_LOGIT_LIMIT : v);
        }
        entropy[l] = ni_entropy_q16(logits[l], C, QP->exp2_frac, QP->log2_frac);
    }
}

/* ---- the model and the comparison ---- */
static ni_model model;
static uint32_t arena_words[16384 / 4];

static int build(uint32_t positions, int32_t threshold, uint32_t qkv, uint32_t s8_poolers)
{
    ni_model_dims d = { V, E, H, HEADS, I, L, positions, C, NI_ACT_GELU_TANH, NI_SCHEME_W1A1 };
    uint32_t k = 0;
    make_embed(&tensors[k++], NI_TENSOR_WORD_EMBEDDINGS, V, E);
    make_embed(&tensors[k++], NI_TENSOR_POSITION_EMBEDDINGS, positions, E);
    make_binary(&tensors[k++], NI_TENSOR_EMBEDDING_MAPPING_IN, H, E);
    for (uint32_t id = NI_TENSOR_ATTENTION_QUERY; id <= NI_TENSOR_ATTENTION_VALUE; id++) make_sign(&tensors[k++], id, H, H);
    make_binary(&tensors[k++], NI_TENSOR_ATTENTION_DENSE, H, H);
    /* Q, K, V act_thresholds: all different, K = Q, all equal, V = Q != K */
    static const int32_t qkv_thresholds[4][3] = { { -1, 0, 1 }, { 2, 2, -3 }, { 1, 1, 1 }, { 0, -2, 0 } };
    for (uint32_t i = 0; i < 3; i++)
        wr32((uint8_t *)find(NI_TENSOR_ATTENTION_QUERY + i)->params, (uint32_t)qkv_thresholds[qkv % 4][i]);
    make_binary(&tensors[k++], NI_TENSOR_FFN, I, H);
    make_binary(&tensors[k++], NI_TENSOR_FFN_OUTPUT, H, I);
    for (uint32_t l = 0; l < L; l++) {
        if (s8_poolers >> l & 1u) make_s8(&tensors[k++], NI_TENSOR_EXIT(l, NI_EXIT_POOLER), H, H);
        else make_binary(&tensors[k++], NI_TENSOR_EXIT(l, NI_EXIT_POOLER), H, H);
        make_int8(&tensors[k++], NI_TENSOR_EXIT(l, NI_EXIT_CLASSIFIER), C, H);
    }
    if (ni_model_init(&model, &d) != NI_OK) return 0;
    for (k = 0; k < sizeof tensors / sizeof tensors[0]; k++) {
        uint32_t pl, dl = bytes_of(&tensors[k], &pl);
        if (ni_model_set_tensor(&model, tensors[k].id, tensors[k].enc, (const uint8_t *)tensors[k].data, dl,
                                (const uint8_t *)tensors[k].params, pl, tensors[k].rows, tensors[k].cols) != NI_OK) return 0;
    }
    /* QUANT_PARAMS: valid tables, residual requants 1/2, LayerNorm gains that keep outputs within int8 */
    uint8_t *q = (uint8_t *)qparams_words;
    uint32_t qlen = ni_qparams_size(&d);
    if (qlen == 0 || qlen > sizeof qparams_words) return 0;
    for (uint32_t i = 0; i < qlen; i++) q[i] = (uint8_t)rnd();
    ni_qparams_fixed f;
    memset(&f, 0, sizeof f);
    f.version = NI_QPARAMS_VERSION;
    f.attn_threshold = threshold;
    f.attn_residual = (ni_requant){ 1 << 30, 31 };
    f.full_residual = (ni_requant){ 3 << 29, 31 };
    f.tables = 0; /* W1A1 reads no softmax block */
    for (int i = 0; i < NI_FRAC_TABLE_LEN; i++) {
        f.exp2_frac[i] = (1 << 30) - i * (1 << 21);
        f.log2_frac[i] = i * 256;
    }
    for (int i = 0; i < NI_LUT8_LEN; i++) f.gelu[i] = (int8_t)(i < 128 ? -((128 - i) / 16) : (i - 128)); /* a GELU-like table */
    memcpy(q, &f, sizeof f);
    ni_ln_param *ln = (ni_ln_param *)(void *)(q + sizeof f);
    for (uint32_t i = 0; i < E + 2 * H; i++) {
        ln[i].gain = (int32_t)((20 + rnd() % 30) << 16);
        ln[i].bias = (int32_t)(((int32_t)(rnd() % 11) - 5) * 65536);
    }
    int st = ni_model_bind(&model, q, qlen);
    if (st != NI_OK) { printf("FAIL ni_model_bind: %s\n", ni_status_name((ni_status)st)); return 0; }
    QP = model.qp;
    emb_ln = model.emb_ln;
    attn_ln = model.attn_ln;
    full_ln = model.full_ln;
    tanh_tables = model.tanh_tables;
    return 1;
}

static void compare(uint32_t positions, int32_t threshold)
{
    int32_t ids[PMAX], logits[C], entropy, want_logits[L][C], want_entropy[L];
    uint32_t arena_len = ni_arena_bytes(&model), distinct = 0;
    int32_t first = 0;
    if (arena_len == 0 || arena_len > sizeof arena_words) { printf("FAIL arena %lu bytes\n", (unsigned long)arena_len); failures++; return; }
    for (uint32_t n = 1; n <= positions; n++) {
        for (uint32_t t = 0; t < n; t++) ids[t] = t == 0 ? 2 : (int32_t)(rnd() % V);
        naive_run(ids, n, threshold, want_logits, want_entropy);
        int st = ni_embed(&model, ids, n, (uint8_t *)arena_words, arena_len);
        for (uint32_t l = 0; st == NI_OK && l < L; l++) {
            st = ni_run_layer(&model, l, (uint8_t *)arena_words, arena_len);
            if (st == NI_OK) st = ni_exit_head(&model, l, (uint8_t *)arena_words, arena_len, logits, C, &entropy);
            if (st != NI_OK) break;
            int bad = entropy != want_entropy[l];
            for (uint32_t c = 0; c < C; c++) bad |= logits[c] != want_logits[l][c];
            if (bad) {
                printf("FAIL P=%lu threshold %ld n=%lu layer %lu: logits %ld %ld %ld entropy %ld, naive %ld %ld %ld "
                       "entropy %ld\n", (unsigned long)positions, (long)threshold, (unsigned long)n, (unsigned long)l,
                       (long)logits[0], (long)logits[1], (long)logits[2], (long)entropy, (long)want_logits[l][0],
                       (long)want_logits[l][1], (long)want_logits[l][2], (long)want_entropy[l]);
                failures++;
            }
            if (n == 1 && l == 0) first = logits[0];
            if (n == positions && l == L - 1 && threshold == 0)
                printf("  n=%lu layer %lu logits %ld %ld %ld entropy %ld\n", (unsigned long)n, (unsigned long)l,
                       (long)logits[0], (long)logits[1], (long)logits[2], (long)entropy);
            else distinct += logits[0] != first; /* the logits move with the input: the check is not vacuous */
        }
        if (st != NI_OK) {
            printf("FAIL P=%lu n=%lu: %s\n", (unsigned long)positions, (unsigned long)n, ni_status_name((ni_status)st));
            failures++;
        }
    }
    if (distinct == 0) {
        printf("FAIL P=%lu threshold %ld: every logit equal\n", (unsigned long)positions, (long)threshold);
        failures++;
    }
    printf("w1a1 P=%lu threshold %ld: %lu sequence lengths x %d layers, arena %lu bytes\n", (unsigned long)positions,
           (long)threshold, (unsigned long)positions, L, (unsigned long)arena_len);
}

int main(void)
{
    /* s8: a bit per exit whose pooler is BINARY_S8 */
    static const struct { uint32_t positions; int32_t threshold; uint32_t s8; } cases[] = {
        { 8, 0, 0 }, { 8, 6, 0 }, { 40, -4, 0 }, { 40, 0, 0 }, { 8, 1, 1 }, { 40, 0, 3 }, { 3, 0, 2 },
    };
    for (uint32_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        if (!build(cases[k].positions, cases[k].threshold, k, cases[k].s8)) { printf("FAIL cannot build the model\n"); return 1; }
        compare(cases[k].positions, cases[k].threshold);
    }
    printf("runtime w1a1: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
