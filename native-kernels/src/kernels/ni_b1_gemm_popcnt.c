/* Binary GEMM with the x86 POPCNT instruction (host builds, the C# tests' shared library). Compiled for POPCNT
 * through a target attribute, so the library itself still runs on any x86-64; ni_b1_gemm calls this only when
 * the CPU reports the instruction. Same loop order as the portable kernel: four weight words held while the tokens
 * stream past. */
#include <stddef.h>
#include <stdint.h>
#include "nano_intent/ni_kernels_b1.h"

#if defined(NI_HAVE_B1_POPCNT_X86)
#if (defined(__x86_64__) || defined(__i386__)) && (defined(__GNUC__) || defined(__clang__))

int ni_b1_have_popcnt_x86(void)
{
    /* Asked once per process, not once per GEMM tile: every caller computes the same value, so threads that race
     * here store the same answer. */
    static volatile int known = -1;
    if (known < 0) {
        __builtin_cpu_init(); /* idempotent; needed when called before libgcc's constructors ran */
        known = __builtin_cpu_supports("popcnt") ? 1 : 0;
    }
    return known;
}

__attribute__((target("popcnt"))) void ni_b1_gemm_popcnt(const uint32_t *w, uint32_t words, const uint32_t *xbits,
                                                         uint32_t x_words_stride, uint32_t n, uint32_t r0,
                                                         uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    for (uint32_t r = r0; r < r1; r++) {
        const uint32_t *wr = w + (size_t)r * words;
        int32_t *a = acc + (r - r0);
        for (uint32_t t = 0; t < n; t++) a[(size_t)t * acc_stride] = (int32_t)(32u * words);
        for (uint32_t k = 0; k < words; k += 4) {
            uint32_t m = words - k < 4 ? words - k : 4;
            uint32_t w0 = wr[k], w1 = m > 1 ? wr[k + 1] : 0, w2 = m > 2 ? wr[k + 2] : 0, w3 = m > 3 ? wr[k + 3] : 0;
            for (uint32_t t = 0; t < n; t++) {
                const uint32_t *x = xbits + (size_t)t * x_words_stride + k;
                int count = __builtin_popcount(x[0] ^ w0);
                if (m > 1) count += __builtin_popcount(x[1] ^ w1);
                if (m > 2) count += __builtin_popcount(x[2] ^ w2);
                if (m > 3) count += __builtin_popcount(x[3] ^ w3);
                a[(size_t)t * acc_stride] -= 2 * count;
            }
        }
    }
}

#else
/* Selected for a compiler or CPU without the x86 builtins: never reports the instruction. */
int ni_b1_have_popcnt_x86(void) { return 0; }

void ni_b1_gemm_popcnt(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                       uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    ni_b1_gemm_swar(w, words, xbits, x_words_stride, n, r0, r1, acc, acc_stride);
}
#endif
#else
typedef int ni_b1_gemm_popcnt_not_built; /* keeps the translation unit non-empty for ISO C */
#endif
