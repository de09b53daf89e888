/* iPQ GEMM with the Armv7E-M DSP extension (Cortex-M4/M7), the contract of ni_ipq_gemm_ref. Four rows are decoded 64
 * columns at a time into signed halfword pairs and then serve every token through the int8 GEMM's SMLAD loop
 * (ni_smlad_rows4.h), as af8_gemm_dsp.c does. With d % 4 == 0 four columns lie in one codeword: per 4 columns x 1 row
 * the expansion is one index load, one word load of the codeword and two SXTB16, paid once per utterance. */
#include <stdint.h>
#include "nano_intent/ni_kernels_ipq.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

#include "ni_smlad_rows4.h"

#if defined(__OPTIMIZE__) /* -O0 builds take the portable kernel for every row (see ni_gemm_s8_dsp) */
static void expand(const void *wv, uint32_t cols, uint32_t r, uint32_t c0, uint32_t nc, uint32_t *we)
{
    const ni_ipq_weights *w = (const ni_ipq_weights *)wv;
    const uint32_t d = w->block, subs = cols / d;
    for (uint32_t j = 0; j < 4; j++) {
        const uint8_t *idx = w->indices + (size_t)(r + j) * subs + c0 / d;
        uint32_t off = c0 % d;
        for (uint32_t k = 0; k < nc / 4; k++) {
            const uint32_t v = ni_load_u32(w->codebook + (uint32_t)*idx * d + off);
            we[8 * k + 2 * j] = __sxtb16(v);          /* columns 0 and 2 */
            we[8 * k + 2 * j + 1] = ni_sxtb16_ror8(v); /* columns 1 and 3 */
            off += 4;
            if (off == d) { off = 0; idx++; }
        }
    }
}
#endif

void ni_ipq_gemm_dsp(const ni_ipq_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1,
                     int32_t *acc, uint32_t acc_stride)
{
    uint32_t r = r0;
#if defined(__OPTIMIZE__)
    if (w->block % 4u == 0) r = ni_smlad_gemm_rows4(expand, w, w->cols, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
    if (r < r1) ni_ipq_gemm_ref(w, x, x_stride, n, r, r1, acc + (r - r0), acc_stride); /* the last rows */
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_ipq_gemm_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
