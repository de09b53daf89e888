/* The arena layout (docs/numerics.md "Arena"); the packer computes the same number (ArenaLayout). */
#include <stddef.h>
#include "ni_arena.h"
#include "ni_attention_block.h"
#include "nano_intent/ni_scheme.h"

static uint32_t align4(uint32_t n) { return (n + 3u) & ~3u; }
static uint32_t max2(uint32_t a, uint32_t b) { return a > b ? a : b; }

uint32_t ni_tile_rows(uint32_t T)
{
    uint32_t r = (256u / T) & ~3u;
    return r < 4u ? 4u : (r > 32u ? 32u : r);
}

/* Bytes of T tokens' rows as the tensor's encoding reads its input; `packed_only`: 0 when its input is int8 as is. */
static uint32_t input_rows_bytes(uint8_t encoding, uint32_t cols, uint32_t T, int packed_only)
{
    const ni_encoding_traits *e = ni_encoding_find(encoding);
    if (packed_only && e->pack_input == NULL) return 0;
    return T * e->input_bytes(cols);
}

void ni_arena_layout_of(const ni_model_dims *d, ni_arena_layout *o)
{
    const ni_scheme_traits *s = ni_scheme_find(d->scheme);
    const uint32_t T = d->max_positions, E = d->embedding_size, H = d->hidden_size, I = d->intermediate_size;
    const uint32_t S = T * H, R = ni_tile_rows(T);
    const uint8_t w = s->weight_encoding, c = s->classifier_encoding;
    uint32_t buf = input_rows_bytes(w, E, T, 0);                          /* mapping_in's input */
    buf = max2(buf, s->attention->buf_bytes(d));                          /* the attention block */
    buf = max2(buf, S + input_rows_bytes(w, H, T, 1));                    /* context, Dense's packed input */
    buf = max2(buf, input_rows_bytes(w, I, T, 0));                        /* GELU output, FfnOutput's input */
    buf = max2(buf, input_rows_bytes(c, H, 1, 0));                        /* the classifier's input row */
    /* wide's spare half also holds a pooler's packed input row; wide also holds one token's embedding sums (int64, 8-aligned: up to 4 bytes skipped), int16 row and LayerNorm
     * row before h exists */
    uint32_t wide = max2(2u * S, 4u + 8u * E + align4(2u * E) + align4(E));
    if (s->pooler_alternative != 0) wide = max2(wide, S + input_rows_bytes(s->pooler_alternative, H, 1, 0)); /* spare: its input */
    uint32_t off = NI_ARENA_HEADER_BYTES;
    o->tile_rows = R;
    o->wide = off; off += wide;
    o->buf = off; off += align4(buf);
    o->acc = off; off += 4u * T * R;
    o->row = off; off += align4(T * R);
    o->total = off;
}

void ni_arena_view_of(uint8_t *arena, const ni_arena_layout *lay, const ni_model_dims *d, ni_arena_view *v)
{
    v->hidden = (int8_t *)(void *)(arena + lay->wide);
    v->wide = (int16_t *)(void *)(arena + lay->wide);
    v->spare = arena + lay->wide + d->max_positions * d->hidden_size;
    v->buf = arena + lay->buf;
    v->acc = (int32_t *)(void *)(arena + lay->acc);
    v->row = arena + lay->row;
    v->tile_rows = lay->tile_rows;
    v->max_positions = d->max_positions;
}
