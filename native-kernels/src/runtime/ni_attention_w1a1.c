/* Attention block of NI_SCHEME_W1A1 (docs/numerics.md "Scheme W1A1: the layer"): Q, K, V as sign bits of their
 * binary linear layers (bit = acc + bias >= 0) in one pass over the tokens, then Bi-Attention (ni_b1_attention). */
#include "ni_attention_block.h"
#include "ni_linear.h"
#include "ni_profile.h"
#include "nano_intent/ni_kernels_b1.h"

/* The context int8 [T][H] and ni_b1_attention's scratch. Wide's spare half (T*H bytes) holds h packed for each of
 * Q, K and V (their act_thresholds may differ) and the three sign-bit buffers: 6 * T*H/8 bytes. */
static uint32_t buf_bytes(const ni_model_dims *d)
{
    return d->max_positions * d->hidden_size + ni_b1_attention_scratch_bytes(d->max_positions, d->hidden_size, d->num_heads);
}

/* 1 when a and b read h as the same bits: one encoding, thresholds equal (Q, K and V usually share theirs). */
static int same_input(const ni_tensor *a, const ni_tensor *b)
{
    const ni_encoding_traits *e = ni_encoding_find(a->encoding);
    int32_t ta, tb;
    return a->encoding == b->encoding && e->pack_input != NULL && e->input_threshold(a, &ta) &&
           e->input_threshold(b, &tb) && ta == tb;
}

static const uint8_t *run(const ni_model *m, const ni_arena_view *a, uint32_t n, uint32_t *stride_out)
{
    const uint32_t H = m->dims.hidden_size, T = a->max_positions, words = H / 32u;
    const ni_tensor *t[3] = { &m->query, &m->key, &m->value };
    const uint8_t *in[3];
    uint32_t stride[3], *bits[3];
    uint8_t *room = a->spare;
    for (int i = 0; i < 3; i++) {
        int j = 0;
        while (j < i && !same_input(t[i], t[j])) j++;
        if (j < i) { /* the same bits as an earlier one's: packed once (its room stays reserved) */
            in[i] = in[j];
            stride[i] = stride[j];
        } else {
            in[i] = ni_linear_input(t[i], a->hidden, H, n, room, &stride[i]);
        }
        room += T * ni_input_bytes(t[i]);
    }
    for (int i = 0; i < 3; i++) { /* every bit of the n tokens' words is written by the sign epilogue */
        bits[i] = (uint32_t *)(void *)room;
        room += 4u * words * T;
    }
    const ni_epilogue ep[3] = { ni_epilogue_sign_bits(bits[0], words), ni_epilogue_sign_bits(bits[1], words),
                                ni_epilogue_sign_bits(bits[2], words) };
    ni_linear_tiles(t, in, stride, ep, 3, n, a);
    NI_PROFILE_STEP(NI_STEP_ATTENTION);
    const int32_t threshold = ni_ld32(&m->qp->attn_threshold);
    uint32_t *scratch = (uint32_t *)(void *)(a->buf + T * H);
    int32_t ctx_threshold;
    if (ni_encoding_find(m->attn_out.encoding)->input_threshold(&m->attn_out, &ctx_threshold)) {
        /* the output layer reads bits: the context goes straight into them, at the start of buf */
        *stride_out = 4u * words;
        ni_b1_attention_bits(bits[0], bits[1], bits[2], n, H, m->dims.num_heads, threshold, ctx_threshold, scratch,
                             (uint32_t *)(void *)a->buf);
        return a->buf;
    }
    ni_b1_attention(bits[0], bits[1], bits[2], n, H, m->dims.num_heads, threshold, scratch, (int8_t *)(void *)a->buf);
    return ni_linear_input(&m->attn_out, (const int8_t *)(const void *)a->buf, H, n, a->buf + T * H, stride_out);
}

const ni_attention_block ni_attention_bi = { buf_bytes, run };
