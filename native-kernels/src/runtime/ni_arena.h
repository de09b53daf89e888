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

/* Byte offsets of every buffer from the arena start; each 4-aligned. */
typedef struct ni_arena_layout {
    uint32_t hidden, q, k, v; /* int8 [T_max][H] each */
    uint32_t acc;             /* int32 [max(I, H, C)] */
    uint32_t scores;          /* int32 [T_max] */
    uint32_t wide;            /* int16 [max(E, H)] */
    uint32_t narrow;          /* int8  [max(I, E, H)] */
    uint32_t total;
} ni_arena_layout;

void ni_arena_layout_of(const ni_model_dims *d, ni_arena_layout *out);

#endif
