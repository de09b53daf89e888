/* libFuzzer target of the integer runtime: builds a small model whose every weight, row param, table and LayerNorm
 * param comes from the input, mapped into the ranges ni_model_bind accepts (docs/numerics.md), then runs embed,
 * every layer and every exit head on input-chosen tokens. The claim under test: for ANY params the validators
 * accept, no kernel overflows (UBSan aborts on signed overflow and bad shifts) or reads/writes outside its buffers
 * (ASan; the arena is an exact-size heap block). */
#include <stdlib.h>
#include <string.h>
#include "nano_intent/ni_runtime.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum { V = 9, E = 8, H = 8, HEADS = 2, I = 12, L = 2, P = 5, C = 3 };

typedef struct { const uint8_t *p; size_t n, i; } src;
static uint32_t next32(src *s)
{
    uint32_t v = 0;
    for (int k = 0; k < 4; k++) v = v << 8 | (s->n ? s->p[s->i++ % s->n] : 0u);
    return v;
}
static int32_t in_range(src *s, int64_t lo, int64_t hi) { return (int32_t)(lo + (int64_t)(next32(s) % (uint64_t)(hi - lo + 1))); }

static void fill_tensor(src *s, int8_t *w, ni_int8_row_params *p, uint32_t rows, uint32_t cols)
{
    for (uint32_t i = 0; i < rows * cols; i++) w[i] = (int8_t)next32(s);
    for (uint32_t r = 0; r < rows; r++) {
        p[r].bias = in_range(s, -(1L << 30), 1L << 30);
        p[r].multiplier = (int32_t)(next32(s) & 0x7fffffffu);
        p[r].shift = in_range(s, 1, 62);
    }
}

static int cmp_desc(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x < y) - (x > y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int8_t w[V * E + P * E + H * E + 4 * H * H + 2 * I * H + L * (H * H + C * H)];
    static ni_int8_row_params prm[V + P + H + 4 * H + I + H + L * (H + C)];
    static uint8_t qp_bytes[sizeof(ni_qparams_fixed) + 8 * (E + 2 * H) + 256 * L];
    src s = { data, size, 0 };
    ni_model_dims d = { V, E, H, HEADS, I, L, P, C, NI_ACT_GELU_TANH, NI_SCHEME_INT8 };
    ni_model m;
    if (ni_model_init(&m, &d) != NI_OK) abort();
    int8_t *wp = w;
    ni_int8_row_params *pp = prm;
    struct { uint32_t id, rows, cols; } t[9 + 2 * L] = {
        { NI_TENSOR_WORD_EMBEDDINGS, V, E }, { NI_TENSOR_POSITION_EMBEDDINGS, P, E }, { NI_TENSOR_EMBEDDING_MAPPING_IN, H, E },
        { NI_TENSOR_ATTENTION_QUERY, H, H }, { NI_TENSOR_ATTENTION_KEY, H, H }, { NI_TENSOR_ATTENTION_VALUE, H, H },
        { NI_TENSOR_ATTENTION_DENSE, H, H }, { NI_TENSOR_FFN, I, H }, { NI_TENSOR_FFN_OUTPUT, H, I },
        { NI_TENSOR_EXIT(0, 0), H, H }, { NI_TENSOR_EXIT(0, 1), C, H }, { NI_TENSOR_EXIT(1, 0), H, H }, { NI_TENSOR_EXIT(1, 1), C, H },
    };
    for (uint32_t k = 0; k < 9 + 2 * L; k++) {
        fill_tensor(&s, wp, pp, t[k].rows, t[k].cols);
        if (ni_model_set_tensor(&m, t[k].id, wp, pp, t[k].rows, t[k].cols) != NI_OK) abort();
        wp += t[k].rows * t[k].cols;
        pp += t[k].rows;
    }
    ni_qparams_fixed q;
    memset(&q, 0, sizeof q);
    q.version = NI_QPARAMS_VERSION;
    ni_requant *rq[4] = { &q.attn_residual, &q.full_residual, &q.softmax_index, &q.context };
    for (int k = 0; k < 4; k++) { rq[k]->multiplier = (int32_t)(next32(&s) & 0x7fffffffu); rq[k]->shift = in_range(&s, 1, 62); }
    for (int k = 0; k < NI_EXP_TABLE_LEN; k++) q.exp_table[k] = in_range(&s, 0, 65536);
    qsort(q.exp_table, NI_EXP_TABLE_LEN, 4, cmp_desc);
    q.exp_table[0] = 65536;
    for (int k = 0; k < NI_FRAC_TABLE_LEN; k++) {
        q.exp2_frac[k] = in_range(&s, 1L << 29, 1L << 30);
        q.log2_frac[k] = -in_range(&s, 0, 65536); /* sorted descending, negated below -> ascending */
    }
    qsort(q.exp2_frac, NI_FRAC_TABLE_LEN, 4, cmp_desc);
    qsort(q.log2_frac, NI_FRAC_TABLE_LEN, 4, cmp_desc);
    for (int k = 0; k < NI_FRAC_TABLE_LEN; k++) q.log2_frac[k] = -q.log2_frac[k];
    q.exp2_frac[0] = 1L << 30;
    q.log2_frac[0] = 0;
    for (int k = 0; k < NI_LUT8_LEN; k++) q.gelu[k] = (int8_t)next32(&s);
    memcpy(qp_bytes, &q, sizeof q);
    for (size_t k = sizeof q; k < sizeof qp_bytes; k++) qp_bytes[k] = (uint8_t)next32(&s);
    if (ni_model_bind(&m, qp_bytes, (uint32_t)sizeof qp_bytes) != NI_OK) abort(); /* every value is in range */

    uint32_t arena_len = ni_arena_bytes(&m);
    uint8_t *arena = malloc(arena_len);
    int32_t ids[P], logits[C], entropy;
    uint32_t n = (uint32_t)in_range(&s, 1, P);
    for (uint32_t k = 0; k < n; k++) ids[k] = in_range(&s, 0, V - 1);
    if (arena == NULL) return 0;
    if (ni_embed(&m, ids, n, arena, arena_len) != NI_OK) abort();
    for (uint32_t l = 0; l < L; l++) {
        if (ni_run_layer(&m, l, arena, arena_len) != NI_OK) abort();
        if (ni_exit_head(&m, l, arena, arena_len, logits, C, &entropy) != NI_OK) abort();
        if (entropy < 0) abort(); /* an entropy is never negative */
    }
    free(arena);
    return 0;
}
