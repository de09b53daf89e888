/* Linear layers over all tokens, row tile by row tile, with the epilogue fused after each tile (ni_linear.h). */
#include <string.h>
#include "ni_linear.h"

uint32_t ni_input_bytes(const ni_tensor *t) { return ni_encoding_find(t->encoding)->input_bytes(t->cols); }

void ni_store_input(const ni_tensor *t, const int8_t *x, uint32_t c0, uint32_t count, uint8_t *in)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    if (e->pack_input == NULL) memcpy(in + c0, x, count);
    else e->pack_input(t, x, c0, count, in);
}

const uint8_t *ni_linear_input(const ni_tensor *t, const int8_t *x, uint32_t x_stride, uint32_t n, uint8_t *room,
                               uint32_t *stride)
{
    const ni_encoding_traits *e = ni_encoding_find(t->encoding);
    if (e->pack_input == NULL) {
        *stride = x_stride;
        return (const uint8_t *)x;
    }
    *stride = e->input_bytes(t->cols);
    for (uint32_t k = 0; k < n; k++) e->pack_input(t, x + k * x_stride, 0, t->cols, room + k * *stride);
    return room;
}

static void apply_s8(const ni_epilogue *ep, const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                     uint32_t acc_stride, uint32_t n)
{
    const uint32_t w = r1 - r0;
    const int packs = ep->consumer != NULL && ni_encoding_find(ep->consumer->encoding)->pack_input != NULL;
    /* plain int8 goes straight to its place; a packed consumer's tile goes through row_tmp */
    int8_t *out = packs ? ep->row_tmp : (int8_t *)(void *)(ep->out + r0);
    const uint32_t stride = packs ? w : ep->out_stride;
    ni_requant_tile_s8_gemm(t, r0, r1, acc, acc_stride, n, out, stride);
    for (uint32_t k = 0; k < n; k++) {
        if (ep->lut != NULL) ni_lut_s8(out + k * stride, ep->lut, out + k * stride, w);
        if (packs) ni_store_input(ep->consumer, out + k * stride, r0, w, ep->out + k * ep->out_stride);
    }
}

/* A binary consumer's bits straight from the accumulators; the int8 path when the tile's shape is not handled. */
static void apply_bits(const ni_epilogue *ep, const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                       uint32_t acc_stride, uint32_t n)
{
    if (!ni_requant_tile_bits(t, r0, r1, acc, acc_stride, n, &ep->interval, (uint32_t *)(void *)ep->out,
                              ep->out_stride / 4u))
        apply_s8(ep, t, r0, r1, acc, acc_stride, n);
}

static void apply_add_s16(const ni_epilogue *ep, const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                          uint32_t acc_stride, uint32_t n)
{
    ni_requant_tile_add_s16_gemm(t, r0, r1, acc, acc_stride, n, ep->res_rq, ep->wide, ep->wide_stride);
}

static void apply_plus_s16(const ni_epilogue *ep, const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                           uint32_t acc_stride, uint32_t n)
{
    ni_requant_tile_plus_s16_gemm(t, r0, r1, acc, acc_stride, n, ep->wide, ep->wide_stride);
}

static void apply_sign_bits(const ni_epilogue *ep, const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                            uint32_t acc_stride, uint32_t n)
{
    ni_sign_tile_bits_gemm(t, r0, r1, acc, acc_stride, n, ep->bits, ep->bits_stride);
}

static void apply_logits(const ni_epilogue *ep, const ni_tensor *t, uint32_t r0, uint32_t r1, const int32_t *acc,
                         uint32_t acc_stride, uint32_t n)
{
    (void)acc_stride;
    (void)n;
    ni_requant_tile_logits(t, r0, r1, acc, ep->logits);
}

ni_epilogue ni_epilogue_s8(uint8_t *out, uint32_t out_stride, const int8_t *lut, const ni_tensor *consumer,
                           int8_t *row_tmp)
{
    ni_epilogue e;
    memset(&e, 0, sizeof e);
    e.apply = apply_s8;
    e.out = out;
    e.out_stride = out_stride;
    e.lut = lut;
    e.consumer = consumer;
    e.row_tmp = row_tmp;
    int32_t threshold;
    if (consumer != NULL && out_stride % 4u == 0 &&
        ni_encoding_find(consumer->encoding)->input_threshold(consumer, &threshold) &&
        ni_bit_interval_of(lut, threshold, &e.interval))
        e.apply = apply_bits;
    return e;
}

ni_epilogue ni_epilogue_add_s16(int16_t *wide, uint32_t wide_stride, ni_requant res_rq)
{
    ni_epilogue e;
    memset(&e, 0, sizeof e);
    e.apply = apply_add_s16;
    e.wide = wide;
    e.wide_stride = wide_stride;
    e.res_rq = res_rq;
    return e;
}

ni_epilogue ni_epilogue_plus_s16(int16_t *wide, uint32_t wide_stride)
{
    ni_epilogue e;
    memset(&e, 0, sizeof e);
    e.apply = apply_plus_s16;
    e.wide = wide;
    e.wide_stride = wide_stride;
    return e;
}

ni_epilogue ni_epilogue_sign_bits(uint32_t *bits, uint32_t bits_stride)
{
    ni_epilogue e;
    memset(&e, 0, sizeof e);
    e.apply = apply_sign_bits;
    e.bits = bits;
    e.bits_stride = bits_stride;
    return e;
}

ni_epilogue ni_epilogue_logits(int32_t *logits)
{
    ni_epilogue e;
    memset(&e, 0, sizeof e);
    e.apply = apply_logits;
    e.logits = logits;
    return e;
}

void ni_linear_tiles(const ni_tensor *const *tensors, const uint8_t *const *in, const uint32_t *in_stride,
                     const ni_epilogue *epilogues, uint32_t count, uint32_t n, const ni_arena_view *a)
{
    ni_linear_tiles_rows(tensors, in, in_stride, epilogues, count, n, a, 0, tensors[0]->rows);
}

void ni_linear_tiles_rows(const ni_tensor *const *tensors, const uint8_t *const *in, const uint32_t *in_stride,
                          const ni_epilogue *epilogues, uint32_t count, uint32_t n, const ni_arena_view *a,
                          uint32_t row0, uint32_t rows)
{
    const uint32_t R = a->tile_rows;
    for (uint32_t r0 = row0; r0 < rows; r0 += R) {
        const uint32_t r1 = rows - r0 < R ? rows : r0 + R;
        for (uint32_t i = 0; i < count; i++) {
            ni_encoding_find(tensors[i]->encoding)->gemm(tensors[i], in[i], in_stride[i], n, r0, r1, a->acc, R);
            epilogues[i].apply(&epilogues[i], tensors[i], r0, r1, a->acc, R, n);
        }
    }
}

void ni_linear(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, const ni_epilogue *epilogue, uint32_t n,
               const ni_arena_view *a)
{
    ni_linear_tiles(&t, &in, &in_stride, epilogue, 1, n, a);
}
