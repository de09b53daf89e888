/* Token-batched int8 GEMM with the Armv7E-M DSP extension (Cortex-M4/M7):
 * acc[t*acc_stride + (r - r0)] = sum_c w[r*cols + c] * x[t*x_stride + c], int32.
 *
 * SMLAD multiplies two pairs of signed halfwords and adds both products to an accumulator, so one SMLAD is two MACs
 * once the int8 operands are sign-extended to halfwords with SXTB16 (even bytes) and SXTB16 ROR #8 (odd bytes).
 * Four weight rows are expanded to halfword pairs once, 64 columns at a time (a 512-byte stack buffer), and then
 * serve every token of the utterance: each weight word is loaded from flash and expanded once per utterance, not
 * once per token. Per 4 columns x 4 rows x 1 token: 1 LDR + 2 SXTB16 for the activations and 4 x (LDRD + 2 SMLAD)
 * for the rows = 15 instructions for 16 MACs. The portable ni_gemm_s8_ref stays the definition the tests compare
 * with; integer addition is associative modulo 2^32, so the different summation order is bit-exact. */
#include <stdint.h>
#include <string.h>
#include "nano_intent/ni_kernels.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

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

#if defined(__OPTIMIZE__) /* -O0 builds run every row through the one-row loop (see ni_gemm_s8_dsp) */
/* Rows r..r+3, columns [c0, c0 + nc): expanded once into we, then every token's sums over them added to acc (set
 * when c0 == 0). */
static void ni_gemm_s8_dsp_rows4(const int8_t *w, uint32_t cols, uint32_t r, uint32_t c0, uint32_t nc, const int8_t *x,
                                 uint32_t x_stride, uint32_t n, int32_t *acc, uint32_t acc_stride, uint32_t *we)
{
    for (uint32_t k = 0; k < nc / 4; k++)
        for (uint32_t j = 0; j < 4; j++) {
            uint32_t v = ni_load_u32(w + (size_t)(r + j) * cols + c0 + 4 * k);
            we[8 * k + 2 * j] = __sxtb16(v);
            we[8 * k + 2 * j + 1] = ni_sxtb16_ror8(v);
        }
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
#endif

void ni_gemm_s8_dsp(const int8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                    uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint32_t r = r0;
#if defined(__OPTIMIZE__)
    /* Unoptimized builds (-O0, e.g. an nf-interpreter Debug build) keep the frame pointer and cannot give the asm
     * its registers; they take the one-row loop below for every row: slower, the same sums. */
    uint32_t we[8 * NI_DSP_COLS / 4]; /* word-aligned, as LDRD requires */
    for (; r + 4 <= r1; r += 4)
        for (uint32_t c0 = 0; c0 < cols; c0 += NI_DSP_COLS) {
            uint32_t nc = cols - c0 < NI_DSP_COLS ? cols - c0 : NI_DSP_COLS;
            ni_gemm_s8_dsp_rows4(w, cols, r, c0, nc, x, x_stride, n, acc + (r - r0), acc_stride, we);
        }
#endif
    for (; r < r1; r++) { /* the last (r1 - r0) % 4 rows, one at a time */
        const int8_t *p0 = w + (size_t)r * cols;
        for (uint32_t t = 0; t < n; t++) {
            const int8_t *xp = x + t * x_stride;
            int32_t a0 = 0;
            for (uint32_t k = 0; k < cols / 4; k++) {
                uint32_t wv = ni_load_u32(p0 + 4 * k), xv = ni_load_u32(xp + 4 * k);
                a0 = __smlad(__sxtb16(wv), __sxtb16(xv), a0);
                a0 = __smlad(ni_sxtb16_ror8(wv), ni_sxtb16_ror8(xv), a0);
            }
            acc[t * acc_stride + (r - r0)] = a0;
        }
    }
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_gemm_s8_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
