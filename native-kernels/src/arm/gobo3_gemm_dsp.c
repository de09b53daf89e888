/* GOBO GEMM with the Armv7E-M DSP extension (Cortex-M4/M7), the contract of ni_gobo3_gemm_ref. Four rows of 3-bit
 * indices are decoded through the tensor's 8 centroids into signed halfword pairs, 64 columns at a time, and then
 * serve every token through the int8 GEMM's SMLAD loop (ni_smlad_rows4.h), as af8_gemm_dsp.c does; the outliers are
 * added afterwards by the portable pass. The integer sums equal the bin sums of the reference exactly (|centroid| <=
 * 4095 fits a halfword). Per 8 columns x 1 row the expansion is 3 byte loads, 8 shifts and masks, 8 table loads and
 * 4 halfword packs, paid once per utterance, not per token. */
#include <stdint.h>
#include "nano_intent/ni_kernels_gobo3.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

#include "ni_smlad_rows4.h"

#if defined(__OPTIMIZE__) /* -O0 builds take the portable kernel for every row (see ni_gemm_s8_dsp) */
static inline uint32_t pair(const int16_t *cent, uint32_t v, uint32_t a, uint32_t b)
{
    return (uint16_t)cent[v >> (3 * a) & 7u] | (uint32_t)(uint16_t)cent[v >> (3 * b) & 7u] << 16;
}

static void expand(const void *weights, uint32_t cols, uint32_t r, uint32_t c0, uint32_t nc, uint32_t *we)
{
    const ni_gobo3_weights *w = weights;
    const uint32_t row_bytes = ni_gobo3_row_bytes(cols);
    const int16_t *cent = w->centroids;
    for (uint32_t j = 0; j < 4; j++) {
        const uint8_t *b = w->indices + (size_t)(r + j) * row_bytes + 3u * (c0 / 8u);
        for (uint32_t k = 0; k < nc / 4; k += 2, b += 3) {
            const uint32_t v = (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16;
            /* the even pair: columns 0 and 2 of a group of 4 (low, high halfword), the odd pair: columns 1 and 3 */
            we[8 * k + 2 * j] = pair(cent, v, 0, 2);
            we[8 * k + 2 * j + 1] = pair(cent, v, 1, 3);
            if (k + 1 < nc / 4) {
                we[8 * (k + 1) + 2 * j] = pair(cent, v, 4, 6);
                we[8 * (k + 1) + 2 * j + 1] = pair(cent, v, 5, 7);
            }
        }
    }
}
#endif

void ni_gobo3_gemm_dsp(const ni_gobo3_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                       uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint32_t r = r0;
#if defined(__OPTIMIZE__)
    r = ni_smlad_gemm_rows4(expand, w, w->cols, x, x_stride, n, r0, r1, acc, acc_stride);
    ni_gobo3_add_outliers(w, x, x_stride, n, r0, r, acc, acc_stride);
#endif
    if (r < r1) ni_gobo3_gemm_ref(w, x, x_stride, n, r, r1, acc + (r - r0), acc_stride); /* the last rows */
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_gobo3_gemm_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
