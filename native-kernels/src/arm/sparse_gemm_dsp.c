/* Sparse int8 GEMM with the Armv7E-M DSP extension (Cortex-M4/M7), the contract of ni_sparse_gemm_ref. Blocks of 4
 * kept weights (4 adjacent columns) are what SMLAD can use: a row's blocks are expanded once per call, 32 at a time,
 * to a triple (columns 0, 2 and 1, 3 as signed halfword pairs, as the int8 GEMM's expansion, and the block's byte
 * offset), and then serve the tokens four at a time: per block and 4 tokens, one LDM fetches the triple, and each
 * token's 4 activations are one word at (token base + offset), sign-extended by SXTB16 (and its ROR #8 form) and
 * multiplied by two SMLAD: 23 instructions for 16 MACs, the loop written in asm because GCC spills at 14 live
 * registers. 1-3 tokens left over take the same loop in C. Unstructured tensors (b = 1) have no pairs to give SMLAD
 * and take the portable kernel; 4x4 blocks take sparse_gemm_4x4_dsp.c. */
#include <stdint.h>
#include <string.h>
#include "nano_intent/ni_kernels_sparse.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP

#include "ni_smlad_rows4.h"

#define NI_SPARSE_DSP_BLOCKS 32u /* blocks expanded per pass: 384 bytes of stack */

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

#if defined(__OPTIMIZE__) /* -O0 cannot give the asm its 14 registers */
/* One token's 4 activations at (x + off) against the block's pairs e, o, added to a. */
#define NI_SPARSE_TOKEN_ASM(a, x)                                              \
    "ldr    %[v], [%[" x "], %[off]]\n\t"                                      \
    "sxtb16 %[u], %[v], ror #8\n\t"                                            \
    "sxtb16 %[v], %[v]\n\t"                                                    \
    "smlad  %[" a "], %[e], %[v], %[" a "]\n\t"                                \
    "smlad  %[" a "], %[o], %[u], %[" a "]\n\t"
#define NI_SPARSE_BLOCK_ASM "ldmia  %[wp]!, {%[e], %[o], %[off]}\n\t"
#define NI_SPARSE_OUTS                                                         \
    [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [wp] "+r"(wp), [e] "=&r"(e), [o] "=&r"(o), \
        [off] "=&r"(off), [v] "=&r"(v), [u] "=&r"(u)
#endif

/* Tokens 0 .. T-1 (T = 2, 3 or 4; rows x0 + t * x_stride) against m expanded blocks: their sums are added to acc
 * (token stride acc_stride). Per block: one LDM of the triple, then per token 1 LDR, 2 SXTB16 and 2 SMLAD. */
static inline void tokens(uint32_t T, const uint32_t *we, uint32_t m, const int8_t *x0, uint32_t x_stride,
                          int32_t *acc, uint32_t acc_stride)
{
    int32_t a0 = acc[0], a1 = acc[acc_stride], a2 = 0, a3 = 0;
    if (T > 2) a2 = acc[2 * acc_stride];
    if (T > 3) a3 = acc[3 * acc_stride];
    const int8_t *x1 = x0 + x_stride, *x2 = x1 + x_stride, *x3 = x2 + x_stride;
    const uint32_t *wp = we, *w_end = we + 3 * m;
#if defined(__OPTIMIZE__)
    /* LDM fills its register list in ascending register order, so the triple's registers are fixed ascending. */
    register uint32_t e __asm__("r8"), o __asm__("r9"), off __asm__("r10");
    uint32_t v, u;
    /* The end is compared through memory: the 14 registers hold the block's operands, the tokens and their sums. */
    const uint32_t *volatile end_slot = w_end;
    if (T == 4)
        do {
            __asm__ volatile(NI_SPARSE_BLOCK_ASM NI_SPARSE_TOKEN_ASM("a0", "x0") NI_SPARSE_TOKEN_ASM("a1", "x1")
                             NI_SPARSE_TOKEN_ASM("a2", "x2") NI_SPARSE_TOKEN_ASM("a3", "x3")
                             : NI_SPARSE_OUTS
                             : [x0] "r"(x0), [x1] "r"(x1), [x2] "r"(x2), [x3] "r"(x3)
                             : "memory");
        } while (wp != end_slot);
    else if (T == 3)
        do {
            __asm__ volatile(NI_SPARSE_BLOCK_ASM NI_SPARSE_TOKEN_ASM("a0", "x0") NI_SPARSE_TOKEN_ASM("a1", "x1")
                             NI_SPARSE_TOKEN_ASM("a2", "x2")
                             : NI_SPARSE_OUTS
                             : [x0] "r"(x0), [x1] "r"(x1), [x2] "r"(x2)
                             : "memory");
        } while (wp != w_end);
    else
        do {
            __asm__ volatile(NI_SPARSE_BLOCK_ASM NI_SPARSE_TOKEN_ASM("a0", "x0") NI_SPARSE_TOKEN_ASM("a1", "x1")
                             : NI_SPARSE_OUTS
                             : [x0] "r"(x0), [x1] "r"(x1)
                             : "memory");
        } while (wp != w_end);
#else
    for (; wp != w_end; wp += 3) {
        const uint32_t v0 = ni_load_u32(x0 + wp[2]), v1 = ni_load_u32(x1 + wp[2]);
        a0 = __smlad(wp[1], ni_sxtb16_ror8(v0), __smlad(wp[0], __sxtb16(v0), a0));
        a1 = __smlad(wp[1], ni_sxtb16_ror8(v1), __smlad(wp[0], __sxtb16(v1), a1));
        if (T > 2) {
            const uint32_t v2 = ni_load_u32(x2 + wp[2]);
            a2 = __smlad(wp[1], ni_sxtb16_ror8(v2), __smlad(wp[0], __sxtb16(v2), a2));
        }
        if (T > 3) {
            const uint32_t v3 = ni_load_u32(x3 + wp[2]);
            a3 = __smlad(wp[1], ni_sxtb16_ror8(v3), __smlad(wp[0], __sxtb16(v3), a3));
        }
    }
#endif
    acc[0] = a0;
    acc[acc_stride] = a1;
    if (T > 2) acc[2 * acc_stride] = a2;
    if (T > 3) acc[3 * acc_stride] = a3;
}

/* One token against m expanded blocks (a single token left after the groups of 4). */
static inline void token1(const uint32_t *we, uint32_t m, const int8_t *x0, int32_t *acc)
{
    int32_t a0 = *acc;
    for (const uint32_t *wp = we, *w_end = we + 3 * m; wp != w_end; wp += 3) {
        const uint32_t v0 = ni_load_u32(x0 + wp[2]);
        a0 = __smlad(wp[1], ni_sxtb16_ror8(v0), __smlad(wp[0], __sxtb16(v0), a0));
    }
    *acc = a0;
}

static void row4(const uint8_t *starts, const uint8_t *cols, const int8_t *values, uint32_t r, const int8_t *x,
                 uint32_t x_stride, uint32_t n, int32_t *acc, uint32_t acc_stride)
{
    uint32_t we[3 * NI_SPARSE_DSP_BLOCKS];
    const uint32_t k1 = rd32(starts + 4u * (r + 1u));
    for (uint32_t t = 0; t < n; t++) acc[t * acc_stride] = 0;
    for (uint32_t k = rd32(starts + 4u * r); k < k1;) {
        const uint32_t m = k1 - k < NI_SPARSE_DSP_BLOCKS ? k1 - k : NI_SPARSE_DSP_BLOCKS;
        const int8_t *vp = values + 4u * k;
        const uint8_t *cp = cols + 2u * k;
        for (uint32_t i = 0; i < m; i++) {
            const uint32_t v = ni_load_u32(vp + 4u * i);
            we[3 * i] = __sxtb16(v);
            we[3 * i + 1] = ni_sxtb16_ror8(v);
            we[3 * i + 2] = rd16(cp + 2u * i) * 4u;
        }
        k += m;
        uint32_t t = 0;
        for (; t + 4 <= n; t += 4) tokens(4, we, m, x + t * x_stride, x_stride, acc + t * acc_stride, acc_stride);
        const int8_t *xt = x + t * x_stride;
        int32_t *at = acc + t * acc_stride;
        if (n - t == 3) tokens(3, we, m, xt, x_stride, at, acc_stride);
        else if (n - t == 2) tokens(2, we, m, xt, x_stride, at, acc_stride);
        else if (n - t == 1) token1(we, m, xt, at);
    }
}

void ni_sparse_gemm_dsp(const uint8_t *data, uint32_t rows, const int8_t *x, uint32_t x_stride, uint32_t n,
                        uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    if (ni_sparse_block(data) == NI_SPARSE_BLOCK_4X4) {
        ni_sparse_gemm_4x4_dsp(data, rows, x, x_stride, n, r0, r1, acc, acc_stride);
        return;
    }
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
