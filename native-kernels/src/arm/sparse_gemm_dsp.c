/* Sparse int8 GEMM with the Armv7E-M DSP extension (Cortex-M4/M7), the contract of ni_sparse_gemm_ref. Blocks of 4
 * kept weights (4 adjacent columns) are what SMLAD can use: a row's blocks are expanded once per utterance, 32 at a
 * time, to two signed halfword-pair words each (columns 0, 2 and 1, 3, as the int8 GEMM's expansion) plus the block's
 * column, and then serve the tokens two at a time: per block and 2 tokens, the column and the weight pair are loaded
 * once, each token's 4 activations are one word, sign-extended by SXTB16 (and its ROR #8 form) and multiplied by two
 * SMLAD. Unstructured tensors (b = 1) have no pairs to give SMLAD and take the portable kernel. */
#include <stdint.h>
#include <string.h>
#include "nano_intent/ni_kernels_sparse.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

#include "ni_smlad_rows4.h"

#define NI_SPARSE_DSP_BLOCKS 32u

/* Little-endian loads in place: Armv7E-M LDR and LDRH tolerate any alignment, and GCC emits one load for these. */
static inline uint32_t rd32(const uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, sizeof v);
    return v;
}
static inline uint32_t rd16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return v;
}

static void row4(const uint8_t *starts, const uint8_t *cols, const int8_t *values, uint32_t r, const int8_t *x,
                 uint32_t x_stride, uint32_t n, int32_t *acc, uint32_t acc_stride)
{
    uint32_t we[2 * NI_SPARSE_DSP_BLOCKS], off[NI_SPARSE_DSP_BLOCKS];
    const uint32_t k1 = rd32(starts + 4u * (r + 1u));
    for (uint32_t t = 0; t < n; t++) acc[t * acc_stride] = 0;
    for (uint32_t k = rd32(starts + 4u * r); k < k1;) {
        uint32_t m = 0;
        for (; k < k1 && m < NI_SPARSE_DSP_BLOCKS; k++, m++) {
            const uint32_t v = ni_load_u32(values + 4u * k);
            we[2 * m] = __sxtb16(v);
            we[2 * m + 1] = ni_sxtb16_ror8(v);
            off[m] = rd16(cols + 2u * k) * 4u;
        }
        uint32_t t = 0;
        for (; t + 2 <= n; t += 2) {
            const int8_t *x0 = x + t * x_stride, *x1 = x0 + x_stride;
            int32_t a0 = acc[t * acc_stride], a1 = acc[(t + 1) * acc_stride];
            for (uint32_t i = 0; i < m; i++) {
                const uint32_t e = we[2 * i], o = we[2 * i + 1], v0 = ni_load_u32(x0 + off[i]), v1 = ni_load_u32(x1 + off[i]);
                a0 = __smlad(e, __sxtb16(v0), a0);
                a0 = __smlad(o, ni_sxtb16_ror8(v0), a0);
                a1 = __smlad(e, __sxtb16(v1), a1);
                a1 = __smlad(o, ni_sxtb16_ror8(v1), a1);
            }
            acc[t * acc_stride] = a0;
            acc[(t + 1) * acc_stride] = a1;
        }
        for (; t < n; t++) {
            const int8_t *x0 = x + t * x_stride;
            int32_t a0 = acc[t * acc_stride];
            for (uint32_t i = 0; i < m; i++) {
                const uint32_t v0 = ni_load_u32(x0 + off[i]);
                a0 = __smlad(we[2 * i], __sxtb16(v0), a0);
                a0 = __smlad(we[2 * i + 1], ni_sxtb16_ror8(v0), a0);
            }
            acc[t * acc_stride] = a0;
        }
    }
}

void ni_sparse_gemm_dsp(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n,
                        uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    if (ni_sparse_block(data) != 4u) {
        ni_sparse_gemm_ref(data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
        return;
    }
    const int8_t *values = (const int8_t *)(const void *)(data + ni_sparse_values_offset(rows, ni_sparse_row_start(data, rows)));
    for (uint32_t r = r0; r < r1; r++)
        row4(data + 4u, data + ni_sparse_cols_offset(rows), values, r, x, x_stride, n, acc + (r - r0), acc_stride);
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_sparse_gemm_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
