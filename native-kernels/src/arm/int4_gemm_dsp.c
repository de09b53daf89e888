/* int4 GEMM with the Armv7E-M DSP extension (Cortex-M4/M7), the contract of ni_int4_gemm_ref. Four packed weight
 * rows are expanded to signed halfword pairs, 64 columns at a time, and then serve every token of the utterance
 * through the int8 GEMM's SMLAD loop (ni_smlad_rows4.h), as af8_gemm_dsp.c does: only the expansion differs, and it
 * is paid once per utterance, not per token. Per 4 columns x 1 row: a halfword load (2 bytes = 4 nibbles), its two
 * bytes spread to the two halfword lanes (one ORR), the even and odd nibbles masked out, and each pair sign-extended
 * from 4 bits by (n ^ 8) - 8 in both lanes at once (EOR + SSUB16). */
#include <stdint.h>
#include <string.h>
#include "nano_intent/ni_kernels_int4.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

#include "ni_smlad_rows4.h"

#if defined(__OPTIMIZE__) /* -O0 builds take the portable kernel for every row (see ni_gemm_s8_dsp) */
static void expand(const void *w, uint32_t cols, uint32_t r, uint32_t c0, uint32_t nc, uint32_t *we)
{
    const uint32_t eight = 0x00080008u;
    for (uint32_t k = 0; k < nc / 4; k++)
        for (uint32_t j = 0; j < 4; j++) {
            const uint8_t *p = (const uint8_t *)w + (size_t)(r + j) * (cols / 2u) + (c0 + 4 * k) / 2u;
            /* one halfword b1:b0 (b0 = c1:c0, b1 = c3:c2) to t = b1 : b1|b0 : b0, so byte 0 (lane 0) is b0 and byte 2
             * (lane 1) is b1: the even pair (c0, c2) in their low nibbles, the odd pair (c1, c3) in their high ones */
            uint16_t h;
            memcpy(&h, p, sizeof h);
            uint32_t t = (uint32_t)h | (uint32_t)h << 8;
            we[8 * k + 2 * j] = __ssub16((t & 0x000F000Fu) ^ eight, eight);
            we[8 * k + 2 * j + 1] = __ssub16((t >> 4 & 0x000F000Fu) ^ eight, eight);
        }
}
#endif

void ni_int4_gemm_dsp(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                      uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint32_t r = r0;
#if defined(__OPTIMIZE__)
    r = ni_smlad_gemm_rows4(expand, w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
    if (r < r1) ni_int4_gemm_ref(w, cols, x, x_stride, n, r, r1, acc + (r - r0), acc_stride); /* the last rows */
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_int4_gemm_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
