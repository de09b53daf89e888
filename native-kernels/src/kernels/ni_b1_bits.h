/* Portable SWAR popcount pieces shared by the 1-bit kernels (ni_b1_*.c). Written with the masks applied before
 * the shifts, (v & 0xAAAAAAAA) >> 1 rather than (v >> 1) & 0x55555555, so Thumb-2 folds each step into an AND
 * with an immediate and an ADD/SUB with a shifted operand: no mask registers, which the GEMM needs for weights. */
#ifndef NANO_INTENT_NI_B1_BITS_H
#define NANO_INTENT_NI_B1_BITS_H

#include <stdint.h>

#if defined(__GNUC__)
#define NI_B1_INLINE static inline __attribute__((always_inline))
#else
#define NI_B1_INLINE static inline
#endif

/* Bit counts of each 4-bit field of v (each 0..4). */
NI_B1_INLINE uint32_t ni_b1_nibble_counts(uint32_t v)
{
    v -= (v & 0xAAAAAAAAu) >> 1;                        /* 2-bit fields: 0..2 */
    return (v & 0x33333333u) + ((v & 0xCCCCCCCCu) >> 2); /* 4-bit fields: 0..4 */
}

/* Nibble counts (each field <= 15) summed pairwise into bytes (each <= 30). */
NI_B1_INLINE uint32_t ni_b1_byte_counts(uint32_t nibbles)
{
    return (nibbles & 0x0F0F0F0Fu) + ((nibbles & 0xF0F0F0F0u) >> 4);
}

/* Sum of the four bytes of v (their total <= 255). */
NI_B1_INLINE uint32_t ni_b1_sum_bytes(uint32_t v)
{
    return (v * 0x01010101u) >> 24;
}

NI_B1_INLINE uint32_t ni_b1_popcount(uint32_t v)
{
#if defined(__POPCNT__) || (defined(__riscv_zbb) && defined(__GNUC__))
    return (uint32_t)__builtin_popcount(v);
#elif defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__thumb2__) && defined(__GNUC__)
    /* Armv7E-M: the same steps in 9 instructions (GCC turns the C into 13: it moves each mask after its shift,
     * which Thumb-2 cannot fold), USAD8 against zero adding the four bytes. */
    uint32_t t;
    __asm__("and %1, %0, #0xAAAAAAAA\n\t"
            "sub %0, %0, %1, lsr #1\n\t"
            "and %1, %0, #0xCCCCCCCC\n\t"
            "and %0, %0, #0x33333333\n\t"
            "add %0, %0, %1, lsr #2\n\t"
            "and %1, %0, #0xF0F0F0F0\n\t"
            "and %0, %0, #0x0F0F0F0F\n\t"
            "add %0, %0, %1, lsr #4\n\t"
            "usad8 %0, %0, %2"
            : "+r"(v), "=&r"(t)
            : "r"(0u));
    return v;
#else
    return ni_b1_sum_bytes(ni_b1_byte_counts(ni_b1_nibble_counts(v)));
#endif
}

#endif
