/* Arena layout of the step API (docs/numerics.md, "Arena"). Internal to the runtime. */
#ifndef NANO_INTENT_NI_ARENA_H
#define NANO_INTENT_NI_ARENA_H

#include <stdint.h>
#include "nano_intent/ni_runtime.h"

#define NI_ARENA_MAGIC 0x5241494Eu /* "NIAR" */
#define NI_ARENA_HEADER_BYTES 16u

typedef struct ni_arena_header {
    uint32_t magic;       /* NI_ARENA_MAGIC once ni_embed succeeded */
    uint32_t n_tokens;
    uint32_t layers_done; /* layers run since ni_embed */
    uint32_t reserved;
} ni_arena_header;

/* Byte offsets of the regions from the arena start (each 4-aligned), T = max_positions:
 *   wide  2*T*H: h int8 [T][H] in its first half (the "spare" half after it is free while wide holds no int16);
 *               the int16 residual sums [T][H] over all of it; before h exists, one token's embedding sums
 *   buf   one buffer per phase: the mapping_in input, the attention block's buffers, the context and Dense's
 *         input, the GELU output (FfnOutput's input), the exit head's rows
 *   acc   int32 [T][tile_rows]: the GEMM accumulators of one row tile
 *   row   int8 [T][tile_rows]: a tile's int8 outputs before they are packed as the next layer's input */
typedef struct ni_arena_layout {
    uint32_t wide, buf, acc, row, total;
    uint32_t tile_rows;
} ni_arena_layout;

/* Rows per GEMM tile for T positions: the int32 tile [T][rows] stays about 1 KB. */
uint32_t ni_tile_rows(uint32_t max_positions);

/* Fills *out; dims must be valid (ni_dims_validate). */
void ni_arena_layout_of(const ni_model_dims *d, ni_arena_layout *out);

/* Pointers into one arena, for the steps and the attention blocks. */
typedef struct ni_arena_view {
    int8_t *hidden;       /* wide: h int8 [T][H] */
    int16_t *wide;        /* wide: int16 [T][H] */
    uint8_t *spare;       /* wide + T*H */
    uint8_t *buf;
    int32_t *acc;
    uint8_t *row;
    uint32_t tile_rows;
    uint32_t max_positions;
} ni_arena_view;

void ni_arena_view_of(uint8_t *arena, const ni_arena_layout *lay, const ni_model_dims *d, ni_arena_view *out);

#endif
