/* The attention block of a scheme (the ni_scheme_traits row points at one): Q, K, V from the layer input and the
 * context, written where the rest of the layer (ni_steps.c, shared by every scheme) reads it. Internal. */
#ifndef NANO_INTENT_NI_ATTENTION_BLOCK_H
#define NANO_INTENT_NI_ATTENTION_BLOCK_H

#include "ni_arena.h"

typedef struct ni_attention_block {
    /* Bytes of the arena's buf the block needs at T = max_positions (it also has wide's spare half, T*H bytes). */
    uint32_t (*buf_bytes)(const ni_model_dims *d);
    /* h (a->hidden, int8 [n][H]) -> the context [n][H] as the attention output layer's input rows (int8, or
     * packed as its encoding reads them), in buf; returns them and their stride. May use the spare half, buf, acc
     * and row. */
    const uint8_t *(*run)(const ni_model *m, const ni_arena_view *a, uint32_t n, uint32_t *stride);
} ni_attention_block;

extern const ni_attention_block ni_attention_softmax_s8; /* ni_attention_int8.c: NI_SCHEME_INT8 */
extern const ni_attention_block ni_attention_bi;         /* ni_attention_w1a1.c: NI_SCHEME_W1A1 */

#endif
