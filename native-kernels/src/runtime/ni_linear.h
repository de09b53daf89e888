/* A linear layer over all n tokens of the utterance, tile by tile: the encoding's token-batched GEMM fills an
 * int32 tile of rows [r0, r1) for every token, then an epilogue requantizes it at once (docs/numerics.md "Linear
 * layers over tokens"). Shared by the steps and the attention blocks. Internal. */
#ifndef NANO_INTENT_NI_LINEAR_H
#define NANO_INTENT_NI_LINEAR_H

#include "ni_arena.h"
#include "nano_intent/ni_kernels.h"

/* What happens to one finished tile (acc[t * acc_stride + (r - r0)], t < n). */
typedef struct ni_epilogue {
    void (*apply)(const struct ni_epilogue *e, const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                  uint32_t acc_stride, uint32_t n);
    /* int8 outputs: row t at out + t * out_stride, passed through lut (NULL: none) and stored as `consumer`'s input
     * (NULL: plain int8); row_tmp holds one tile's int8 [n][tile] before packing */
    uint8_t *out;
    uint32_t out_stride;
    const int8_t *lut;
    const ni_tensor *consumer;
    int8_t *row_tmp;
    /* when the consumer reads bits x >= threshold and lut's test against it holds on an interval of int8 values: the
     * bits come from the accumulators (apply_bits) */
    ni_bit_interval interval;
    /* int16 residual sums in place (wide), sign bits, logits */
    int16_t *wide;
    uint32_t wide_stride;
    ni_requant res_rq;
    uint32_t *bits;
    uint32_t bits_stride;
    int32_t *logits;
} ni_epilogue;

ni_epilogue ni_epilogue_s8(uint8_t *out, uint32_t out_stride, const int8_t *lut, const ni_tensor *consumer,
                           int8_t *row_tmp);
ni_epilogue ni_epilogue_add_s16(int16_t *wide, uint32_t wide_stride, ni_requant res_rq);
/* wide already holds the requantized residual: wide = sat16(requantized tile + wide) */
ni_epilogue ni_epilogue_plus_s16(int16_t *wide, uint32_t wide_stride);
ni_epilogue ni_epilogue_sign_bits(uint32_t *bits, uint32_t bits_stride);
ni_epilogue ni_epilogue_logits(int32_t *logits);

/* Runs tensors[0..count) (all with the same row count) over the same n tokens, row tile by row tile: for each
 * tile, each tensor's GEMM and then its epilogue (Q, K and V in one pass). in[i]/in_stride[i]: tensor i's input
 * rows as its encoding reads them (ni_linear_input). */
void ni_linear_tiles(const ni_tensor *const *tensors, const uint8_t *const *in, const uint32_t *in_stride,
                     const ni_epilogue *epilogues, uint32_t count, uint32_t n, const ni_arena_view *a);
/* The same over output rows [row0, rows) only (the attention block skips the Q, K, V rows of heads of span 0). */
void ni_linear_tiles_rows(const ni_tensor *const *tensors, const uint8_t *const *in, const uint32_t *in_stride,
                          const ni_epilogue *epilogues, uint32_t count, uint32_t n, const ni_arena_view *a,
                          uint32_t row0, uint32_t rows);
/* One tensor. */
void ni_linear(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, const ni_epilogue *epilogue, uint32_t n,
               const ni_arena_view *a);

/* The input rows of t for int8 rows x (row k at x + k * x_stride): x itself when t's encoding reads int8, else the
 * n rows packed into `room` (t's input_bytes per row); *stride gets the row stride. */
const uint8_t *ni_linear_input(const ni_tensor *t, const int8_t *x, uint32_t x_stride, uint32_t n, uint8_t *room,
                               uint32_t *stride);

/* Stores int8 values x[0..count) as input columns [c0, c0 + count) of t's input row `in`. */
void ni_store_input(const ni_tensor *t, const int8_t *x, uint32_t c0, uint32_t count, uint8_t *in);

/* Bytes of one input row of t. */
uint32_t ni_input_bytes(const ni_tensor *t);

#endif
