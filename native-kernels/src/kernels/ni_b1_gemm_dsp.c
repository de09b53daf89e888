/* Binary GEMM for Armv7E-M (Cortex-M4/M7, and Armv8-M Mainline with DSP): the portable SWAR popcount, scheduled
 * by hand.
 *
 * A chunk of four (or three) words of one weight row sits in r4-r7 while every token streams past it, so each
 * weight word is read once for all tokens. Per token: LDRD the token's words two at a time, EOR, then the SWAR
 * steps with their masks as Thumb-2 immediates (AND #0xAAAAAAAA, SUB ..., LSR #1: no mask registers), pairs of
 * words summed in nibbles (<= 8), the pairs in bytes (<= 32), and USAD8 against zero adds the four bytes. 44
 * instructions per token for 128 binary MACs (0.34 per MAC; 33 for three words). The functions are naked: the
 * loop needs all fourteen general registers, which a compiler-scheduled asm statement cannot be given.
 * Rows whose length leaves one or two words after the chunks of four finish them in C. */
#include <stddef.h>
#include <stdint.h>
#include "nano_intent/ni_kernels_b1.h"
#include "ni_b1_bits.h"

#if defined(NI_HAVE_B1_GEMM_DSP)
#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP && defined(__thumb2__) && defined(__GNUC__)

/* Token loop arguments of the asm sweeps (read with one LDM: keep the order). */
typedef struct ni_b1_sweep {
    uint32_t x_step;   /* bytes between two tokens' bits */
    uint32_t acc_step; /* bytes between two tokens' accumulators */
    uintptr_t acc_end; /* address of the accumulator after the last token's */
} ni_b1_sweep;

/* r0 x (token's chunk), r1 acc, r2 x_step, r3 acc_step, r4-r7 weight words, r8-r10 data, r11 temporary,
 * r12 zero (USAD8's second operand), lr acc_end. */
#define NI_B1_ENTER(wregs)                                                     \
    "push {r4-r11, lr}\n\t"                                                    \
    "ldm r0, {" wregs "}\n\t"                                                  \
    "mov r0, r1\n\t"                                                           \
    "mov r1, r2\n\t"                                                           \
    "ldm r3, {r2, r3, lr}\n\t"                                                 \
    "mov r12, #0\n"                                                            \
    "1:\n\t"

#define NI_B1_LEAVE                                                            \
    "add r1, r1, r3\n\t"                                                       \
    "cmp r1, lr\n\t"                                                           \
    "bne 1b\n\t"                                                               \
    "pop {r4-r11, pc}\n\t"

/* xa, xb = the token's words at offset off, xor'ed with wa, wb; xa = their bit counts per nibble (<= 8). */
#define NI_B1_PAIR(xa, xb, wa, wb, off)                                        \
    "ldrd " xa ", " xb ", [r0, #" off "]\n\t"                                  \
    "eor " xa ", " xa ", " wa "\n\t"                                           \
    "eor " xb ", " xb ", " wb "\n\t"                                           \
    "and r11, " xa ", #0xAAAAAAAA\n\t"                                         \
    "sub " xa ", " xa ", r11, lsr #1\n\t"                                      \
    "and r11, " xb ", #0xAAAAAAAA\n\t"                                         \
    "sub " xb ", " xb ", r11, lsr #1\n\t"                                      \
    "and r11, " xa ", #0xCCCCCCCC\n\t"                                         \
    "and " xa ", " xa ", #0x33333333\n\t"                                      \
    "add " xa ", " xa ", r11, lsr #2\n\t"                                      \
    "and r11, " xb ", #0xCCCCCCCC\n\t"                                         \
    "add " xa ", " xa ", r11, lsr #2\n\t"                                      \
    "and " xb ", " xb ", #0x33333333\n\t"                                      \
    "add " xa ", " xa ", " xb "\n\t"

/* r8 = bit count of the four words: two pairs, nibbles to bytes, USAD8. */
#define NI_B1_COUNT4                                                           \
    NI_B1_PAIR("r8", "r9", "r4", "r5", "0")                                    \
    NI_B1_PAIR("r9", "r10", "r6", "r7", "8")                                   \
    "add r0, r0, r2\n\t"                                                       \
    "and r11, r8, #0xF0F0F0F0\n\t"                                             \
    "and r8, r8, #0x0F0F0F0F\n\t"                                              \
    "add r8, r8, r11, lsr #4\n\t"                                              \
    "and r11, r9, #0xF0F0F0F0\n\t"                                             \
    "add r8, r8, r11, lsr #4\n\t"                                              \
    "and r9, r9, #0x0F0F0F0F\n\t"                                              \
    "add r8, r8, r9\n\t"                                                       \
    "usad8 r8, r8, r12\n\t"

/* r8 = bit count of the three words: a pair plus one word in nibbles (<= 12), then bytes, USAD8. */
#define NI_B1_COUNT3                                                           \
    NI_B1_PAIR("r8", "r9", "r4", "r5", "0")                                    \
    "ldr r9, [r0, #8]\n\t"                                                     \
    "add r0, r0, r2\n\t"                                                       \
    "eor r9, r9, r6\n\t"                                                       \
    "and r11, r9, #0xAAAAAAAA\n\t"                                             \
    "sub r9, r9, r11, lsr #1\n\t"                                              \
    "and r11, r9, #0xCCCCCCCC\n\t"                                             \
    "and r9, r9, #0x33333333\n\t"                                              \
    "add r9, r9, r11, lsr #2\n\t"                                              \
    "add r8, r8, r9\n\t"                                                       \
    "and r11, r8, #0xF0F0F0F0\n\t"                                             \
    "and r8, r8, #0x0F0F0F0F\n\t"                                              \
    "add r8, r8, r11, lsr #4\n\t"                                              \
    "usad8 r8, r8, r12\n\t"

/* acc = bits - 2 * count (first chunk of a row) or acc += bits - 2 * count, bits = 32 * words of the chunk. */
#define NI_B1_SET(half) "rsb r8, r8, #" half "\n\t" "lsl r8, r8, #1\n\t" "str r8, [r1]\n\t"
#define NI_B1_ADD(half) "ldr r9, [r1]\n\t" "sub r8, r8, #" half "\n\t" "sub r9, r9, r8, lsl #1\n\t" "str r9, [r1]\n\t"

/* Each: one weight chunk wk against every token (n >= 1), xk the first token's matching words. The parameters
 * arrive in r0-r3 (AAPCS) and are used by the asm only. */
#define NI_B1_SWEEP(name)                                                      \
    __attribute__((naked, noinline)) static void name(                         \
        const uint32_t *wk __attribute__((unused)), const uint32_t *xk __attribute__((unused)), \
        int32_t *acc __attribute__((unused)), const ni_b1_sweep *s __attribute__((unused)))
NI_B1_SWEEP(ni_b1_sweep4_set)
{
    __asm__ volatile(NI_B1_ENTER("r4-r7") NI_B1_COUNT4 NI_B1_SET("64") NI_B1_LEAVE);
}
NI_B1_SWEEP(ni_b1_sweep4_add)
{
    __asm__ volatile(NI_B1_ENTER("r4-r7") NI_B1_COUNT4 NI_B1_ADD("64") NI_B1_LEAVE);
}
NI_B1_SWEEP(ni_b1_sweep3_set)
{
    __asm__ volatile(NI_B1_ENTER("r4-r6") NI_B1_COUNT3 NI_B1_SET("48") NI_B1_LEAVE);
}
NI_B1_SWEEP(ni_b1_sweep3_add)
{
    __asm__ volatile(NI_B1_ENTER("r4-r6") NI_B1_COUNT3 NI_B1_ADD("48") NI_B1_LEAVE);
}

/* The last one or two words of a row (rows of 32 * (4k + 1 or 2) columns), in C. */
static void ni_b1_tail(const uint32_t *wk, uint32_t m, int first, const uint32_t *xk, uint32_t xs, uint32_t n,
                       int32_t *a, uint32_t as)
{
    for (uint32_t t = 0; t < n; t++, xk += xs, a += as) {
        uint32_t count = 0;
        for (uint32_t j = 0; j < m; j++) count += ni_b1_popcount(xk[j] ^ wk[j]);
        *a = (first ? 0 : *a) + (int32_t)(32u * m) - 2 * (int32_t)count;
    }
}

void ni_b1_gemm_dsp(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                    uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    if (n == 0) return;
    if (words == 0 || (acc_stride == 0 && n > 1)) { /* degenerate shapes: the definition handles them */
        ni_b1_gemm_swar(w, words, xbits, x_words_stride, n, r0, r1, acc, acc_stride);
        return;
    }
    ni_b1_sweep s;
    s.x_step = 4u * x_words_stride;
    s.acc_step = 4u * acc_stride;
    for (uint32_t r = r0; r < r1; r++) {
        const uint32_t *wr = w + (size_t)r * words;
        int32_t *a = acc + (r - r0);
        s.acc_end = (uintptr_t)a + (uintptr_t)n * s.acc_step;
        uint32_t k = 0;
        for (; k + 4 <= words; k += 4) (k == 0 ? ni_b1_sweep4_set : ni_b1_sweep4_add)(wr + k, xbits + k, a, &s);
        uint32_t m = words - k;
        if (m == 3)
            (k == 0 ? ni_b1_sweep3_set : ni_b1_sweep3_add)(wr + k, xbits + k, a, &s);
        else if (m != 0)
            ni_b1_tail(wr + k, m, k == 0, xbits + k, x_words_stride, n, a, acc_stride);
    }
}

#else
/* Selected for a CPU this compiler does not build for Armv7E-M Thumb-2: the definition, same results. */
void ni_b1_gemm_dsp(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                    uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    ni_b1_gemm_swar(w, words, xbits, x_words_stride, n, r0, r1, acc, acc_stride);
}
#endif
#else
typedef int ni_b1_gemm_dsp_not_built; /* keeps the translation unit non-empty for ISO C */
#endif
