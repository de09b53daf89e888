#include "ni_arena.h"

static uint32_t align4(uint32_t n) { return (n + 3u) & ~3u; }
static uint32_t max2(uint32_t a, uint32_t b) { return a > b ? a : b; }

void ni_arena_layout_of(const ni_model_dims *d, ni_arena_layout *o)
{
    uint32_t th = align4(d->max_positions * d->hidden_size);
    uint32_t off = NI_ARENA_HEADER_BYTES;
    o->hidden = off; off += th;
    o->q = off; off += th;
    o->k = off; off += th;
    o->v = off; off += th;
    o->acc = off; off += 4u * max2(d->intermediate_size, max2(d->hidden_size, d->num_labels));
    o->scores = off; off += 4u * d->max_positions;
    o->wide = off; off += align4(2u * max2(d->embedding_size, d->hidden_size));
    o->narrow = off; off += align4(max2(d->intermediate_size, max2(d->embedding_size, d->hidden_size)));
    o->total = off;
}
