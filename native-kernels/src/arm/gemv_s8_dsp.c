/* int8 GEMV with the Armv7E-M DSP extension (Cortex-M4/M7): y[r] = sum_c w[r*cols+c] * x[c], int32.
 *
 * SMLAD multiplies two pairs of signed halfwords and adds both products to an accumulator, so one SMLAD is two
 * MACs once the int8 operands are sign-extended to halfwords with SXTB16 (even bytes) and SXTB16 ROR #8 (odd
 * bytes). The activations are expanded to halfword pairs once per call (a 512-byte stack buffer, 256 columns at a
 * time) and each expanded word pair is loaded once for four rows (the CMSIS-NN idea): per 4 columns x 4 rows,
 * 1 LDRD for x and 4 x (LDR + 2 SXTB16 + 2 SMLAD) for w = 21 instructions for 16 MACs, ~1.4 per MAC with loop
 * and per-row costs. The portable ni_gemv_s8_ref stays the definition the tests compare with; integer addition is
 * associative modulo 2^32, so the different summation order is bit-exact. */
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

/* Columns expanded per pass: the stack buffer holds 2 halfword-pair words per 4 columns (512 bytes). */
#define NI_DSP_CHUNK 256u

/* One expanded activation word pair (4 columns) against the same 4 columns of four rows. Rows 1 and 3 are read at
 * offset `s` (= cols) from rows 0 and 2, so two row pointers and one stride cover four rows. Written in asm
 * because GCC spills registers when it schedules this itself. */
#define NI_STEP4x4_ASM                                                         \
    "ldrd  %[x02], %[x13], [%[xp]], #8\n\t"                                    \
    "ldr   %[wv], [%[p0], %[s]]\n\t"                                           \
    "sxtb16 %[t], %[wv]\n\t"                                                   \
    "smlad %[a1], %[t], %[x02], %[a1]\n\t"                                     \
    "sxtb16 %[wv], %[wv], ror #8\n\t"                                          \
    "smlad %[a1], %[wv], %[x13], %[a1]\n\t"                                    \
    "ldr   %[wv], [%[p0]], #4\n\t"                                             \
    "sxtb16 %[t], %[wv]\n\t"                                                   \
    "smlad %[a0], %[t], %[x02], %[a0]\n\t"                                     \
    "sxtb16 %[wv], %[wv], ror #8\n\t"                                          \
    "smlad %[a0], %[wv], %[x13], %[a0]\n\t"                                    \
    "ldr   %[wv], [%[p2], %[s]]\n\t"                                           \
    "sxtb16 %[t], %[wv]\n\t"                                                   \
    "smlad %[a3], %[t], %[x02], %[a3]\n\t"                                     \
    "sxtb16 %[wv], %[wv], ror #8\n\t"                                          \
    "smlad %[a3], %[wv], %[x13], %[a3]\n\t"                                    \
    "ldr   %[wv], [%[p2]], #4\n\t"                                             \
    "sxtb16 %[t], %[wv]\n\t"                                                   \
    "smlad %[a2], %[t], %[x02], %[a2]\n\t"                                     \
    "sxtb16 %[wv], %[wv], ror #8\n\t"                                          \
    "smlad %[a2], %[wv], %[x13], %[a2]\n\t"

#define NI_STEP4x4_OPERANDS                                                    \
    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3),              \
      [p0] "+r"(p0), [p2] "+r"(p2), [xp] "+r"(xp),                             \
      [x02] "=&r"(x02), [x13] "=&r"(x13), [wv] "=&r"(wv), [t] "=&r"(t)         \
    : [s] "r"(s)                                                               \
    : "memory"

/* Adds columns [c0, c0 + n) of every row to y (or sets y when first), with xe holding those columns expanded. */
static void ni_gemv_s8_dsp_chunk(const int8_t *w, const uint32_t *xe, int32_t *y, uint32_t rows, uint32_t cols,
                                 uint32_t c0, uint32_t n, int first)
{
    uint32_t r = 0;
#if defined(__OPTIMIZE__)
    /* Unoptimized builds (-O0, e.g. an nf-interpreter Debug build) keep the frame pointer and cannot give the asm
     * its 11 registers; they take the one-row loop below for every row: slower, the same sums. */
    const uint32_t *x_end16 = xe + 2 * (n / 16) * 4;
    const uint32_t *x_end = xe + 2 * (n / 4);
    const uint32_t s = cols;
    for (; r + 4 <= rows; r += 4) {
        const int8_t *p0 = w + (size_t)r * cols + c0;
        const int8_t *p2 = p0 + 2 * (size_t)cols;
        const uint32_t *xp = xe;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        uint32_t x02, x13, wv, t;
        if (!first) {
            a0 = y[r];
            a1 = y[r + 1];
            a2 = y[r + 2];
            a3 = y[r + 3];
        }
        /* Unrolled to 16 columns so the loop test costs ~0.03 instructions per MAC. */
        while (xp != x_end16) {
            __asm__ volatile(NI_STEP4x4_ASM NI_STEP4x4_ASM NI_STEP4x4_ASM NI_STEP4x4_ASM NI_STEP4x4_OPERANDS);
        }
        while (xp != x_end) { /* cols % 4 == 0: whole words remain */
            __asm__ volatile(NI_STEP4x4_ASM NI_STEP4x4_OPERANDS);
        }
        y[r] = a0;
        y[r + 1] = a1;
        y[r + 2] = a2;
        y[r + 3] = a3;
    }
#endif
    for (; r < rows; r++) { /* the last rows % 4 rows, one at a time */
        const int8_t *p0 = w + (size_t)r * cols + c0;
        int32_t a0 = first ? 0 : y[r];
        for (uint32_t k = 0; k < n / 4; k++) {
            uint32_t wv = ni_load_u32(p0 + 4 * k);
            a0 = __smlad(__sxtb16(wv), xe[2 * k], a0);
            a0 = __smlad(ni_sxtb16_ror8(wv), xe[2 * k + 1], a0);
        }
        y[r] = a0;
    }
}

void ni_gemv_s8_dsp(const int8_t *w, const int8_t *x, int32_t *y, uint32_t rows, uint32_t cols)
{
    uint32_t xe[2 * NI_DSP_CHUNK / 4]; /* word-aligned, as LDRD requires */
    if (cols == 0) {
        for (uint32_t r = 0; r < rows; r++) y[r] = 0;
        return;
    }
    for (uint32_t c0 = 0; c0 < cols; c0 += NI_DSP_CHUNK) {
        uint32_t n = cols - c0 < NI_DSP_CHUNK ? cols - c0 : NI_DSP_CHUNK;
        for (uint32_t k = 0; k < n / 4; k++) {
            uint32_t xv = ni_load_u32(x + c0 + 4 * k);
            xe[2 * k] = __sxtb16(xv);
            xe[2 * k + 1] = ni_sxtb16_ror8(xv);
        }
        ni_gemv_s8_dsp_chunk(w, xe, y, rows, cols, c0, n, c0 == 0);
    }
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_gemv_s8_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
