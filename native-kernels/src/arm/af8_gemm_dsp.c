/* AdaptivFloat GEMM with the Armv7E-M DSP extension (Cortex-M4/M7), the contract of ni_af8_gemm_ref. Four weight rows
 * are decoded through ni_af8_values into signed halfword pairs, 64 columns at a time, and then serve every token of
 * the utterance through the int8 GEMM's SMLAD loop (ni_smlad_rows4.h): the decoded values fit int16 (|v| <= 3968) as
 * the sign-extended int8 weights do, so only the expansion differs, and it is paid once per utterance, not per token.
 * Per 4 columns x 1 row the expansion is 1 load of 4 codes, 4 table loads and 2 halfword packs. */
#include <stdint.h>
#include "nano_intent/ni_kernels_af8.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

#include "ni_smlad_rows4.h"

#if defined(__OPTIMIZE__) /* -O0 builds take the portable kernel for every row (see ni_gemm_s8_dsp) */
static void expand(const void *w, uint32_t cols, uint32_t r, uint32_t c0, uint32_t nc, uint32_t *we)
{
    for (uint32_t k = 0; k < nc / 4; k++)
        for (uint32_t j = 0; j < 4; j++) {
            const uint8_t *p = (const uint8_t *)w + (size_t)(r + j) * cols + c0 + 4 * k;
            /* the even pair: columns 0 and 2 (low, high halfword), the odd pair: columns 1 and 3 */
            we[8 * k + 2 * j] = (uint16_t)ni_af8_values[p[0]] | (uint32_t)(uint16_t)ni_af8_values[p[2]] << 16;
            we[8 * k + 2 * j + 1] = (uint16_t)ni_af8_values[p[1]] | (uint32_t)(uint16_t)ni_af8_values[p[3]] << 16;
        }
}
#endif

void ni_af8_gemm_dsp(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                     uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint32_t r = r0;
#if defined(__OPTIMIZE__)
    r = ni_smlad_gemm_rows4(expand, w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
    if (r < r1) ni_af8_gemm_ref(w, cols, x, x_stride, n, r, r1, acc + (r - r0), acc_stride); /* the last rows */
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_af8_gemm_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
