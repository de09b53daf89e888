/* int4 GEMM with the Armv7E-M DSP extension (Cortex-M4/M7), the contract of ni_int4_gemm_ref. Four packed weight
 * rows are expanded to signed halfword pairs, 64 columns at a time, and then serve every token of the utterance
 * through the int8 GEMM's SMLAD loop (ni_smlad_rows4.h), as af8_gemm_dsp.c does: only the expansion differs, and it
 * is paid once per utterance, not per token. Per 4 columns x 1 row: a halfword load (2 bytes = 4 nibbles), the two
 * bytes spread to the two halfword lanes, the even and odd nibbles masked out, and each pair sign-extended from 4
 * bits by (n ^ 8) - 8 in both lanes at once (EOR + SSUB16). */
#include <stdint.h>
#include "nano_intent/ni_kernels_int4.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

#include "ni_smlad_rows4.h"

#if defined(__OPTIMIZE__) /* -O0 builds take the portable kernel for every row (see ni_gemm_s8_dsp) */
static void rows4(const uint8_t *w, uint32_t cols, uint32_t r, uint32_t c0, uint32_t nc, const int8_t *x,
                  uint32_t x_stride, uint32_t n, int32_t *acc, uint32_t acc_stride, uint32_t *we)
{
    const uint32_t eight = 0x00080008u;
    for (uint32_t k = 0; k < nc / 4; k++)
        for (uint32_t j = 0; j < 4; j++) {
            const uint8_t *p = w + (size_t)(r + j) * (cols / 2u) + (c0 + 4 * k) / 2u;
            /* byte 0 = c1:c0 to lane 0, byte 1 = c3:c2 to lane 1: the even pair (c0, c2) in the low nibbles, the odd
             * pair (c1, c3) in the high nibbles */
            uint32_t t = (uint32_t)p[0] | (uint32_t)p[1] << 16;
            we[8 * k + 2 * j] = __ssub16((t & 0x000F000Fu) ^ eight, eight);
            we[8 * k + 2 * j + 1] = __ssub16((t >> 4 & 0x000F000Fu) ^ eight, eight);
        }
    ni_smlad_rows4_tokens(we, c0, nc, x, x_stride, n, acc, acc_stride);
}
#endif

void ni_int4_gemm_dsp(const uint8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                      uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint32_t r = r0;
#if defined(__OPTIMIZE__)
    uint32_t we[8 * NI_DSP_COLS / 4]; /* word-aligned, as LDRD requires */
    for (; r + 4 <= r1; r += 4)
        for (uint32_t c0 = 0; c0 < cols; c0 += NI_DSP_COLS) {
            uint32_t nc = cols - c0 < NI_DSP_COLS ? cols - c0 : NI_DSP_COLS;
            rows4(w, cols, r, c0, nc, x, x_stride, n, acc + (r - r0), acc_stride, we);
        }
#endif
    if (r < r1) ni_int4_gemm_ref(w, cols, x, x_stride, n, r, r1, acc + (r - r0), acc_stride); /* the last rows */
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_int4_gemm_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
