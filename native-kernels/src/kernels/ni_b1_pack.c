/* Binarization of int8 activations into sign bits: the input of every binary linear layer (docs/numerics.md).
 *
 * Four bytes per step (SWAR) on little-endian targets: with u = x + 128 (x ^ 0x80) and c = 128 - threshold,
 * x >= threshold  <=>  u + c >= 256  <=>  the byte addition carries out, which is the majority of bit 7 of u, bit 7
 * of c and bit 7 of (u & 0x7F) + (c & 0x7F). The four carry bits (bits 7, 15, 23, 31) land in bits 28..31 of
 * m * 0x00204081 without overlapping, in element order. About 2.5 instructions per element on Cortex-M4 against 10
 * for the byte loop, which stays as the definition (big-endian targets, thresholds outside -127..127 need none). */
#include <string.h>
#include "nano_intent/ni_kernels_b1.h"
#include "ni_b1_bits.h"

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define NI_B1_PACK_SWAR 1
#endif

static void ni_b1_pack_bytes(const int8_t *x, uint32_t cols, int32_t threshold, uint32_t *bits)
{
    for (uint32_t k = 0; k < cols / 32u; k++, x += 32) {
        uint32_t word = 0;
        for (uint32_t b = 0; b < 32u; b++) word |= (uint32_t)(x[b] >= threshold) << b;
        bits[k] = word;
    }
}

#ifdef NI_B1_PACK_SWAR
#include <stdint.h>
#if defined(__GNUC__)
#define NI_B1_ALIGNED4(p) ((const int8_t *)__builtin_assume_aligned((p), 4))
#else
#define NI_B1_ALIGNED4(p) (p)
#endif

/* Sign bits of x[0..3] as bits 0..3. c_high: bit 7 of c is set (threshold <= 0). aligned: x is 4-aligned, so
 * targets without unaligned loads (RV32) read the word with one load instead of four byte loads. */
NI_B1_INLINE uint32_t ni_b1_pack4(const int8_t *x, uint32_t c_low, int c_high, int aligned)
{
    uint32_t u;
    if (aligned)
        memcpy(&u, NI_B1_ALIGNED4(x), sizeof u);
    else
        memcpy(&u, x, sizeof u);
    u ^= 0x80808080u;
    uint32_t s = (u & 0x7F7F7F7Fu) + c_low;
    uint32_t carry = (c_high ? (u | s) : (u & s)) & 0x80808080u;
    return (carry * 0x00204081u) >> 28;
}

NI_B1_INLINE void ni_b1_pack_words(const int8_t *x, uint32_t cols, uint32_t c_low, int c_high, int aligned,
                                   uint32_t *bits)
{
    for (uint32_t k = 0; k < cols / 32u; k++, x += 32) {
        uint32_t word = 0;
        for (uint32_t q = 0; q < 8u; q++) word |= ni_b1_pack4(x + 4u * q, c_low, c_high, aligned) << (4u * q);
        bits[k] = word;
    }
}

static void ni_b1_pack_swar(const int8_t *x, uint32_t cols, uint32_t c, uint32_t *bits)
{
    const uint32_t c_low = (c & 0x7Fu) * 0x01010101u;
    const int aligned = ((uintptr_t)x & 3u) == 0;
    if (c & 0x80u) {
        if (aligned) ni_b1_pack_words(x, cols, c_low, 1, 1, bits);
        else ni_b1_pack_words(x, cols, c_low, 1, 0, bits);
    } else {
        if (aligned) ni_b1_pack_words(x, cols, c_low, 0, 1, bits);
        else ni_b1_pack_words(x, cols, c_low, 0, 0, bits);
    }
}
#endif

void ni_b1_pack_s8(const int8_t *x, uint32_t cols, int32_t threshold, uint32_t *bits)
{
#ifdef NI_B1_PACK_SWAR
    if (threshold > -128 && threshold < 128) {
        ni_b1_pack_swar(x, cols, (uint32_t)(128 - threshold), bits); /* c in 1..255 */
        return;
    }
#endif
    ni_b1_pack_bytes(x, cols, threshold, bits);
}
