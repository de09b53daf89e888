/* The SMLAD core of the Armv7E-M GEMMs (gemm_s8_dsp.c for int8 rows, af8_gemm_dsp.c for AdaptivFloat rows): four
 * weight rows, already expanded to signed halfword pairs, against every token's int8 activations. The GEMMs differ
 * only in how they expand their weights; this loop is theirs in common. Include only where __ARM_FEATURE_DSP is set. */
#ifndef NI_SMLAD_ROWS4_H
#define NI_SMLAD_ROWS4_H

#include <stdint.h>
#include <string.h>
#include <arm_acle.h>

/* Unaligned-safe 32-bit load: Armv7E-M LDR tolerates unaligned addresses and GCC emits a single LDR for this. */
static inline uint32_t ni_load_u32(const int8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

/* SXTB16 with its built-in ROR #8: bytes 1 and 3 sign-extended to two halfwords, in one instruction. GCC does not
 * fold __sxtb16(__ror(v, 8)) into the rotated form, hence the asm. */
static inline uint32_t ni_sxtb16_ror8(uint32_t v)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
    return r;
}

/* Columns expanded per pass: 4 rows x 2 halfword-pair words per 4 columns = 512 bytes of stack. */
#define NI_DSP_COLS 64u

/* One token's 4 activation columns against the same 4 columns of the four expanded rows, which lie in `wp` as
 * [row0 even, row0 odd, row1 even, row1 odd, ...] (8 words per 4 columns). Written in asm because GCC spills
 * registers when it schedules this itself. */
#define NI_STEP4x4_ASM                                                         \
    "ldr   %[xv], [%[xp]], #4\n\t"                                             \
    NI_ROWS4_SMLAD_ASM

/* The step without its activation load: the word in %[xv] sign-extended to its two halfword pairs, then the four
 * rows' LDRD + 2 SMLAD (also the 4x4 sparse kernel's, sparse_gemm_4x4_dsp.c, which loads the word at a block's column). */
#define NI_ROWS4_SMLAD_ASM                                                     \
    "sxtb16 %[x13], %[xv], ror #8\n\t"                                         \
    "sxtb16 %[xv], %[xv]\n\t"                                                  \
    "ldrd  %[wa], %[wb], [%[wp]], #8\n\t"                                      \
    "smlad %[a0], %[wa], %[xv], %[a0]\n\t"                                     \
    "smlad %[a0], %[wb], %[x13], %[a0]\n\t"                                    \
    "ldrd  %[wa], %[wb], [%[wp]], #8\n\t"                                      \
    "smlad %[a1], %[wa], %[xv], %[a1]\n\t"                                     \
    "smlad %[a1], %[wb], %[x13], %[a1]\n\t"                                    \
    "ldrd  %[wa], %[wb], [%[wp]], #8\n\t"                                      \
    "smlad %[a2], %[wa], %[xv], %[a2]\n\t"                                     \
    "smlad %[a2], %[wb], %[x13], %[a2]\n\t"                                    \
    "ldrd  %[wa], %[wb], [%[wp]], #8\n\t"                                      \
    "smlad %[a3], %[wa], %[xv], %[a3]\n\t"                                     \
    "smlad %[a3], %[wb], %[x13], %[a3]\n\t"

#define NI_STEP4x4_OPERANDS                                                    \
    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),              \
      [xp] "+r"(xp), [wp] "+r"(wp),                                            \
      [xv] "=&r"(xv), [x13] "=&r"(x13), [wa] "=&r"(wa), [wb] "=&r"(wb)         \
    :                                                                          \
    : "memory"

#if defined(__OPTIMIZE__) /* -O0 builds cannot give the asm its registers (see ni_gemm_s8_dsp) */
/* Columns [c0, c0 + nc) of rows r..r+3, expanded in `we` as [row0 even, row0 odd, row1 even, row1 odd, ...] (8 words
 * per 4 columns: the even pair holds columns 0 and 2 of the group, the odd pair 1 and 3, each a signed halfword),
 * against every token: acc[t*acc_stride + j] for j < 4 gets the sums (set when c0 == 0, added to otherwise). */
static inline void ni_smlad_rows4_tokens(const uint32_t *we, uint32_t c0, uint32_t nc, const int8_t *x,
                                         uint32_t x_stride, uint32_t n, int32_t *acc, uint32_t acc_stride)
{
    const uint32_t *w_end16 = we + 8 * (nc / 16) * 4, *w_end = we + 8 * (nc / 4);
    for (uint32_t t = 0; t < n; t++) {
        int32_t *o = acc + t * acc_stride;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        if (c0 != 0) {
            a0 = o[0];
            a1 = o[1];
            a2 = o[2];
            a3 = o[3];
        }
        const int8_t *xp = x + t * x_stride + c0;
        const uint32_t *wp = we;
        uint32_t xv, x13, wa, wb;
        /* Unrolled to 16 columns so the loop test costs ~0.03 instructions per MAC. */
        while (wp != w_end16) {
            __asm__ volatile(NI_STEP4x4_ASM NI_STEP4x4_ASM NI_STEP4x4_ASM NI_STEP4x4_ASM NI_STEP4x4_OPERANDS);
        }
        while (wp != w_end) { /* cols % 4 == 0: whole words remain */
            __asm__ volatile(NI_STEP4x4_ASM NI_STEP4x4_OPERANDS);
        }
        o[0] = a0;
        o[1] = a1;
        o[2] = a2;
        o[3] = a3;
    }
}

/* Writes columns [c0, c0 + nc) of weight rows r..r+3 into `we` in the layout ni_smlad_rows4_tokens reads: the one part
 * of a DSP GEMM that depends on its encoding. */
typedef void (*ni_smlad_expand_fn)(const void *w, uint32_t cols, uint32_t r, uint32_t c0, uint32_t nc, uint32_t *we);

/* The GEMMs' common driver: rows r0.. four at a time, NI_DSP_COLS columns at a time, each block expanded once and then
 * run for every token into acc[t*acc_stride + (r - r0)]. Returns the first row it did not do (the last (r1 - r0) % 4
 * rows are the caller's). Inlined, so the expansion is a direct call the compiler can inline too. */
static inline uint32_t ni_smlad_gemm_rows4(ni_smlad_expand_fn expand, const void *w, uint32_t cols, const int8_t *x,
                                           uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1, int32_t *acc,
                                           uint32_t acc_stride)
{
    uint32_t we[8 * NI_DSP_COLS / 4]; /* word-aligned, as LDRD requires */
    uint32_t r = r0;
    for (; r + 4 <= r1; r += 4)
        for (uint32_t c0 = 0; c0 < cols; c0 += NI_DSP_COLS) {
            uint32_t nc = cols - c0 < NI_DSP_COLS ? cols - c0 : NI_DSP_COLS;
            expand(w, cols, r, c0, nc, we);
            ni_smlad_rows4_tokens(we, c0, nc, x, x_stride, n, acc + (r - r0), acc_stride);
        }
    return r;
}
#endif

#endif
