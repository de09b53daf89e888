/* Sparse int8 GEMM for 4x4 blocks with the Armv7E-M DSP extension (Cortex-M4/M7), the contract of ni_sparse_gemm_ref.
 * A block holds 4 rows x 4 columns, so it is one step of the dense int8 GEMM (ni_smlad_rows4.h) at its own column:
 * a group's kept blocks are expanded once per call, NI_SPARSE_4X4_BLOCKS at a time, to the block's byte offset and
 * its 4 rows as signed halfword pairs (the dense expansion's layout), then every token runs per block: LDR of the
 * offset, LDR of the token's 4 activations there, 2 SXTB16 and 4 x (LDRD + 2 SMLAD) = 16 instructions for 16 MACs
 * (the dense tile: 15), the loop written in asm two blocks a pass so its test costs half an instruction a block. Rows
 * of a group cut by the row range take the reference (ni_sparse_4x4_groups). Integer sums are exact, so the order
 * does not matter. */
#include <stdint.h>
#include <string.h>
#include "nano_intent/ni_kernels_sparse.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

#include "ni_smlad_rows4.h"

#define NI_SPARSE_4X4_BLOCKS 16u /* blocks expanded per pass: 9 words each, 576 bytes of stack */
#define NI_SPARSE_4X4_WORDS 9u   /* the byte offset, then rows 0..3 as [even pair, odd pair] */

#if defined(__OPTIMIZE__) /* -O0 cannot give the asm its registers */
/* One block against one token: the offset, the token's word there, its two halfword pairs, the 4 rows' SMLADs. */
#define NI_SPARSE_4X4_STEP_ASM                                                 \
    "ldr    %[xv], [%[wp]], #4\n\t"                                            \
    "ldr    %[xv], [%[x], %[xv]]\n\t"                                          \
    NI_ROWS4_SMLAD_ASM
#define NI_SPARSE_4X4_OPERANDS                                                 \
    : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [wp] "+r"(wp), \
      [xv] "=&r"(xv), [x13] "=&r"(x13), [wa] "=&r"(wa), [wb] "=&r"(wb)     \
    : [x] "r"(xt)                                                              \
    : "memory"
#endif

/* m expanded blocks against every token: their sums added to the 4 rows' acc[t * acc_stride + 0..3]. */
static void tokens_4x4(const uint32_t *we, uint32_t m, const int8_t *x, uint32_t x_stride, uint32_t n, int32_t *acc,
                       uint32_t acc_stride)
{
    const uint32_t *w_end = we + NI_SPARSE_4X4_WORDS * m;
    for (uint32_t t = 0; t < n; t++) {
        int32_t *o = acc + t * acc_stride;
        int32_t a0 = o[0], a1 = o[1], a2 = o[2], a3 = o[3];
        const int8_t *xt = x + t * x_stride;
        const uint32_t *wp = we;
#if defined(__OPTIMIZE__)
        uint32_t xv, x13, wa, wb;
        if (m & 1u) __asm__ volatile(NI_SPARSE_4X4_STEP_ASM NI_SPARSE_4X4_OPERANDS);
        while (wp != w_end) __asm__ volatile(NI_SPARSE_4X4_STEP_ASM NI_SPARSE_4X4_STEP_ASM NI_SPARSE_4X4_OPERANDS);
#else
        for (; wp != w_end; wp += NI_SPARSE_4X4_WORDS) {
            const uint32_t v = ni_load_u32(xt + wp[0]), ve = __sxtb16(v), vo = ni_sxtb16_ror8(v);
            a0 = __smlad(wp[2], vo, __smlad(wp[1], ve, a0));
            a1 = __smlad(wp[4], vo, __smlad(wp[3], ve, a1));
            a2 = __smlad(wp[6], vo, __smlad(wp[5], ve, a2));
            a3 = __smlad(wp[8], vo, __smlad(wp[7], ve, a3));
        }
#endif
        o[0] = a0;
        o[1] = a1;
        o[2] = a2;
        o[3] = a3;
    }
}

/* Rows 4g..4g+3: blocks [k0, k1) expanded NI_SPARSE_4X4_BLOCKS at a time, each pass run for every token. */
static void group_4x4(const uint8_t *cols, const int8_t *blocks, uint32_t k0, uint32_t k1, const int8_t *x,
                      uint32_t x_stride, uint32_t n, int32_t *acc, uint32_t acc_stride)
{
    uint32_t we[NI_SPARSE_4X4_WORDS * NI_SPARSE_4X4_BLOCKS]; /* word-aligned, as LDRD requires */
    for (uint32_t t = 0; t < n; t++) memset(acc + t * acc_stride, 0, 4u * sizeof *acc);
    for (uint32_t k = k0; k < k1;) {
        const uint32_t m = k1 - k < NI_SPARSE_4X4_BLOCKS ? k1 - k : NI_SPARSE_4X4_BLOCKS;
        for (uint32_t i = 0; i < m; i++) {
            uint32_t *e = we + NI_SPARSE_4X4_WORDS * i;
            uint16_t c;
            memcpy(&c, cols + 2u * (k + i), sizeof c);
            e[0] = 4u * c;
            for (uint32_t j = 0; j < 4u; j++) {
                const uint32_t v = ni_load_u32(blocks + 16u * (k + i) + 4u * j);
                e[1 + 2 * j] = __sxtb16(v);
                e[2 + 2 * j] = ni_sxtb16_ror8(v);
            }
        }
        tokens_4x4(we, m, x, x_stride, n, acc, acc_stride);
        k += m;
    }
}

void ni_sparse_gemm_4x4_dsp(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n,
                            uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    ni_sparse_4x4_groups(group_4x4, data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
}

#else
/* Built into every library (src/ is globbed); elsewhere this keeps the translation unit non-empty for ISO C. */
typedef int ni_sparse_gemm_4x4_dsp_not_built;
#endif /* __ARM_FEATURE_DSP */
