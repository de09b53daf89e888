/* Binary GEMM for Armv7E-M (Cortex-M4/M7, and Armv8-M Mainline with DSP): the portable SWAR popcount, scheduled
 * by hand.
 *
 * A chunk of four (or three) words of one weight row sits in r4-r7 while every token streams past it, so each
 * weight word is read once for all tokens. Per token: LDRD the token's words two at a time, EOR, then the SWAR
 * steps with their masks as Thumb-2 immediates (AND #0xAAAAAAAA, SUB ..., LSR #1: no mask registers), pairs of
 * words summed in nibbles (<= 8), the pairs in bytes (<= 32), and USAD8 against zero adds the four bytes. 44
 * instructions per token for 128 binary MACs (0.34 per MAC; 33 for three words). The functions are naked: the
 * loop needs all fourteen general registers, which a compiler-scheduled asm statement cannot be given.
 * Rows whose length leaves one or two words after the chunks of four finish them in C.
 *
 * Tiles whose tokens' words lie back to back (x_words_stride = words, the runtime's packed inputs) of rows of 4, 8,
 * 12 or 16 words run as one call over all rows (ni_b1_tile4_run, ni_b1_rows*_run below): no C loop per row. */
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

/* Rows of exactly four words whose tokens' words lie back to back (x_words_stride 4: Q, K, V, Dense and FFN of
 * hidden 128), the whole tile in one call. Per row the weights go to r4-r7 and the tokens stream past, two per
 * loop (an odd token first): LDM with write-back brings a token's four words (its address advances by itself,
 * which frees the register of the x step for the SWAR temporary), the second token's accumulator is addressed
 * by [r1, r3]. 35 instructions per token for the count, 3 to store it, 1.5 of loop; about 18 per row.
 * r0 x, r1 acc, r2 temporary, r3 acc_step, r4-r7 weight words, r8-r11 data, r12 zero, lr end of the row's
 * token pairs; the tile's state is in a ni_b1_tile whose address sits at [sp]. */
typedef struct ni_b1_tile {
    const uint32_t *w;  /* [0] the next row's weight words */
    const uint32_t *x;  /* [4] the first token's words */
    int32_t *acc;       /* [8] the next row's first accumulator */
    uint32_t acc_step;  /* [12] bytes between two tokens' accumulators */
    uint32_t pair_span; /* [16] (n & ~1) * acc_step (4-word rows), n * acc_step (longer rows) */
    uint32_t odd;       /* [20] n & 1 */
    int32_t *acc_end;   /* [24] the accumulator after the last row's (acc + rows) */
} ni_b1_tile;

/* xa = nibble counts (<= 8) of xa and xb, both already xor'ed; r2 the temporary. */
#define NI_B1_NIB2(xa, xb)                                                     \
    "and r2, " xa ", #0xAAAAAAAA\n\t"                                          \
    "sub " xa ", " xa ", r2, lsr #1\n\t"                                       \
    "and r2, " xb ", #0xAAAAAAAA\n\t"                                          \
    "sub " xb ", " xb ", r2, lsr #1\n\t"                                       \
    "and r2, " xa ", #0xCCCCCCCC\n\t"                                          \
    "and " xa ", " xa ", #0x33333333\n\t"                                      \
    "add " xa ", " xa ", r2, lsr #2\n\t"                                       \
    "and r2, " xb ", #0xCCCCCCCC\n\t"                                          \
    "add " xa ", " xa ", r2, lsr #2\n\t"                                       \
    "and " xb ", " xb ", #0x33333333\n\t"                                      \
    "add " xa ", " xa ", " xb "\n\t"

/* r8 = 2 * (64 - bit count of the next token's four words xor r4-r7) = its accumulator; r0 advances a token. */
#define NI_B1_TOKEN4                                                           \
    "ldm r0!, {r8-r11}\n\t"                                                   \
    "eor r8, r8, r4\n\t"                                                      \
    "eor r9, r9, r5\n\t"                                                      \
    "eor r10, r10, r6\n\t"                                                    \
    "eor r11, r11, r7\n\t"                                                    \
    NI_B1_NIB2("r8", "r9")                                                     \
    NI_B1_NIB2("r10", "r11")                                                   \
    "and r2, r8, #0xF0F0F0F0\n\t"                                             \
    "and r8, r8, #0x0F0F0F0F\n\t"                                             \
    "add r8, r8, r2, lsr #4\n\t"                                              \
    "and r2, r10, #0xF0F0F0F0\n\t"                                            \
    "add r8, r8, r2, lsr #4\n\t"                                              \
    "and r10, r10, #0x0F0F0F0F\n\t"                                           \
    "add r8, r8, r10\n\t"                                                     \
    "usad8 r8, r8, r12\n\t"                                                   \
    "rsb r8, r8, #64\n\t"                                                     \
    "lsl r8, r8, #1\n\t"

/* The tile of ni_b1_tile *s (r0): at least one row and one token. */
__attribute__((naked, noinline)) static void ni_b1_tile4_run(ni_b1_tile *s __attribute__((unused)))
{
    __asm__ volatile(
        "push {r0, r4-r11, lr}\n\t"
        "ldr r3, [r0, #12]\n\t"
        "mov r12, #0\n"
        "1:\n\t"                        /* row: weights, pointers, the next row's pointers stored */
        "ldr r2, [sp]\n\t"
        "ldr lr, [r2, #0]\n\t"
        "ldm lr!, {r4-r7}\n\t"
        "str lr, [r2, #0]\n\t"
        "ldr r0, [r2, #4]\n\t"
        "ldr r1, [r2, #8]\n\t"
        "add lr, r1, #4\n\t"
        "str lr, [r2, #8]\n\t"
        "ldr lr, [r2, #20]\n\t"
        "cmp lr, #0\n\t"
        "beq 2f\n\t"
        NI_B1_TOKEN4                     /* the odd token */
        "str r8, [r1]\n\t"
        "add r1, r1, r3\n\t"
        "ldr r2, [sp]\n"
        "2:\n\t"
        "ldr lr, [r2, #16]\n\t"
        "add lr, lr, r1\n\t"
        "cmp lr, r1\n\t"
        "beq 4f\n"
        "3:\n\t"                        /* two tokens */
        NI_B1_TOKEN4
        "str r8, [r1]\n\t"
        NI_B1_TOKEN4
        "str r8, [r1, r3]\n\t"
        "add r1, r1, r3, lsl #1\n\t"
        "cmp r1, lr\n\t"
        "bne 3b\n"
        "4:\n\t"
        "ldr r2, [sp]\n\t"
        "ldr r1, [r2, #8]\n\t"
        "ldr lr, [r2, #24]\n\t"
        "cmp r1, lr\n\t"
        "bne 1b\n\t"
        "pop {r0, r4-r11, pc}\n\t");
}

/* Rows of 4 * C words (C = 2..4: FFN output of intermediate 256..512) whose tokens' words lie back to back, the
 * whole tile in one call. Per token the row's C chunks are counted one after the other, weights and token words
 * both read with LDM (the weights from flash again for every token: C loads instead of an accumulator load and
 * store per chunk), the byte counts summed by USADA8, one store of the accumulator per token and row.
 * r0 x, r1 w, r2-r5 the token's words, r6-r9 the weight words (then temporaries), r10 acc_step, r11 the count,
 * r12 zero, lr the accumulator; [sp] the ni_b1_tile (w, x, acc, acc_step, pair_span = n * acc_step, -, acc_end),
 * [sp + 4] the row's last accumulator + acc_step. */
#define NI_B1_NIB2T(xa, xb, t)                                                 \
    "and " t ", " xa ", #0xAAAAAAAA\n\t"                                       \
    "sub " xa ", " xa ", " t ", lsr #1\n\t"                                    \
    "and " t ", " xb ", #0xAAAAAAAA\n\t"                                       \
    "sub " xb ", " xb ", " t ", lsr #1\n\t"                                    \
    "and " t ", " xa ", #0xCCCCCCCC\n\t"                                       \
    "and " xa ", " xa ", #0x33333333\n\t"                                      \
    "add " xa ", " xa ", " t ", lsr #2\n\t"                                    \
    "and " t ", " xb ", #0xCCCCCCCC\n\t"                                       \
    "add " xa ", " xa ", " t ", lsr #2\n\t"                                    \
    "and " xb ", " xb ", #0x33333333\n\t"                                      \
    "add " xa ", " xa ", " xb "\n\t"

/* r2 = byte counts (<= 32) of the next chunk of the token xor the next chunk of the row; r0, r1 advance. */
#define NI_B1_CHUNK                                                            \
    "ldm r0!, {r2-r5}\n\t"                                                    \
    "ldm r1!, {r6-r9}\n\t"                                                    \
    "eor r2, r2, r6\n\t"                                                      \
    "eor r3, r3, r7\n\t"                                                      \
    "eor r4, r4, r8\n\t"                                                      \
    "eor r5, r5, r9\n\t"                                                      \
    NI_B1_NIB2T("r2", "r3", "r6")                                              \
    NI_B1_NIB2T("r4", "r5", "r7")                                              \
    "and r6, r2, #0xF0F0F0F0\n\t"                                             \
    "and r2, r2, #0x0F0F0F0F\n\t"                                             \
    "add r2, r2, r6, lsr #4\n\t"                                              \
    "and r6, r4, #0xF0F0F0F0\n\t"                                             \
    "add r2, r2, r6, lsr #4\n\t"                                              \
    "and r4, r4, #0x0F0F0F0F\n\t"                                             \
    "add r2, r2, r4\n\t"
#define NI_B1_CHUNK_FIRST NI_B1_CHUNK "usad8 r11, r2, r12\n\t"
#define NI_B1_CHUNK_NEXT NI_B1_CHUNK "usada8 r11, r2, r12, r11\n\t"

/* chunks: the C chunks' asm; half: 64 * C (acc = 2 * (half - count)); row_bytes: 16 * C. */
#define NI_B1_ROWS_ASM(chunks, half, row_bytes)                                \
    "push {r4-r11, lr}\n\t"                                                   \
    "sub sp, sp, #12\n\t"                                                     \
    "str r0, [sp]\n\t"                                                        \
    "ldr r10, [r0, #12]\n\t"                                                  \
    "mov r12, #0\n"                                                            \
    "1:\n\t"                                                                  \
    "ldr r6, [sp]\n\t"                                                        \
    "ldr r1, [r6, #0]\n\t"                                                    \
    "add r7, r1, #" row_bytes "\n\t"                                          \
    "str r7, [r6, #0]\n\t"                                                    \
    "ldr r0, [r6, #4]\n\t"                                                    \
    "ldr lr, [r6, #8]\n\t"                                                    \
    "add r7, lr, #4\n\t"                                                      \
    "str r7, [r6, #8]\n\t"                                                    \
    "ldr r7, [r6, #16]\n\t"                                                   \
    "add r7, r7, lr\n\t"                                                      \
    "str r7, [sp, #4]\n"                                                       \
    "2:\n\t"                                                                  \
    chunks                                                                     \
    "rsb r11, r11, #" half "\n\t"                                             \
    "lsl r11, r11, #1\n\t"                                                    \
    "str r11, [lr]\n\t"                                                       \
    "add lr, lr, r10\n\t"                                                     \
    "sub r1, r1, #" row_bytes "\n\t"                                          \
    "ldr r6, [sp, #4]\n\t"                                                    \
    "cmp lr, r6\n\t"                                                          \
    "bne 2b\n\t"                                                              \
    "ldr r6, [sp]\n\t"                                                        \
    "ldr r7, [r6, #8]\n\t"                                                    \
    "ldr r8, [r6, #24]\n\t"                                                   \
    "cmp r7, r8\n\t"                                                          \
    "bne 1b\n\t"                                                              \
    "add sp, sp, #12\n\t"                                                     \
    "pop {r4-r11, pc}\n\t"

__attribute__((naked, noinline)) static void ni_b1_rows8_run(ni_b1_tile *s __attribute__((unused)))
{
    __asm__ volatile(NI_B1_ROWS_ASM(NI_B1_CHUNK_FIRST NI_B1_CHUNK_NEXT, "128", "32"));
}
__attribute__((naked, noinline)) static void ni_b1_rows12_run(ni_b1_tile *s __attribute__((unused)))
{
    __asm__ volatile(NI_B1_ROWS_ASM(NI_B1_CHUNK_FIRST NI_B1_CHUNK_NEXT NI_B1_CHUNK_NEXT, "192", "48"));
}
__attribute__((naked, noinline)) static void ni_b1_rows16_run(ni_b1_tile *s __attribute__((unused)))
{
    __asm__ volatile(NI_B1_ROWS_ASM(NI_B1_CHUNK_FIRST NI_B1_CHUNK_NEXT NI_B1_CHUNK_NEXT NI_B1_CHUNK_NEXT, "256", "64"));
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
    if ((words == 4u || words == 8u || words == 12u || words == 16u) && x_words_stride == words && r1 > r0) {
        ni_b1_tile t;
        t.w = w + (size_t)r0 * words;
        t.x = xbits;
        t.acc = acc;
        t.acc_step = 4u * acc_stride;
        t.pair_span = (words == 4u ? n & ~1u : n) * t.acc_step;
        t.odd = n & 1u;
        t.acc_end = acc + (r1 - r0);
        (words == 4u ? ni_b1_tile4_run : words == 8u ? ni_b1_rows8_run : words == 12u ? ni_b1_rows12_run
                                                                        : ni_b1_rows16_run)(&t);
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
