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

#include "ni_smlad_rows4.h"

#if defined(__OPTIMIZE__) /* -O0 builds run every row through the one-row loop (see ni_gemm_s8_dsp) */
/* Rows r..r+3, columns [c0, c0 + nc), sign-extended to halfword pairs for ni_smlad_gemm_rows4. */
static void ni_gemm_s8_dsp_expand(const void *w, uint32_t cols, uint32_t r, uint32_t c0, uint32_t nc, uint32_t *we)
{
    for (uint32_t k = 0; k < nc / 4; k++)
        for (uint32_t j = 0; j < 4; j++) {
            uint32_t v = ni_load_u32((const int8_t *)w + (size_t)(r + j) * cols + c0 + 4 * k);
            we[8 * k + 2 * j] = __sxtb16(v);
            we[8 * k + 2 * j + 1] = ni_sxtb16_ror8(v);
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
    r = ni_smlad_gemm_rows4(ni_gemm_s8_dsp_expand, w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
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
