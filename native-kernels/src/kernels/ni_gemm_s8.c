/* int8 x int8 -> int32 token-batched GEMM: the portable kernel, and the reference every platform variant is
 * tested against. Two weight rows against two tokens at a time: each weight byte loaded is used for two tokens and
 * each activation byte for two rows. Integer sums are exact, so any blocking gives the same int32. */
#include "nano_intent/ni_kernels.h"

static int32_t dot(const int8_t *a, const int8_t *b, uint32_t cols)
{
    int32_t s = 0;
    for (uint32_t c = 0; c < cols; c++) s += (int32_t)a[c] * b[c];
    return s;
}

void ni_gemm_s8_ref(const int8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                    uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint32_t r = r0;
    for (; r + 2 <= r1; r += 2) {
        const int8_t *w0 = w + (uint32_t)r * cols, *w1 = w0 + cols;
        int32_t *o = acc + (r - r0);
        uint32_t t = 0;
        for (; t + 2 <= n; t += 2) {
            const int8_t *x0 = x + t * x_stride, *x1 = x0 + x_stride;
            int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
            for (uint32_t c = 0; c < cols; c++) {
                const int32_t u0 = w0[c], u1 = w1[c], v0 = x0[c], v1 = x1[c];
                a00 += u0 * v0;
                a01 += u0 * v1;
                a10 += u1 * v0;
                a11 += u1 * v1;
            }
            o[t * acc_stride] = a00;
            o[t * acc_stride + 1] = a10;
            o[(t + 1) * acc_stride] = a01;
            o[(t + 1) * acc_stride + 1] = a11;
        }
        for (; t < n; t++) {
            o[t * acc_stride] = dot(w0, x + t * x_stride, cols);
            o[t * acc_stride + 1] = dot(w1, x + t * x_stride, cols);
        }
    }
    for (; r < r1; r++)
        for (uint32_t t = 0; t < n; t++) acc[t * acc_stride + (r - r0)] = dot(w + (uint32_t)r * cols, x + t * x_stride, cols);
}

void ni_gemm_s8(const int8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
#ifdef NI_HAVE_GEMM_S8_DSP
    ni_gemm_s8_dsp(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
#else
    ni_gemm_s8_ref(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
#endif
}

int32_t ni_dot_s8(const int8_t *a, const int8_t *b, uint32_t n) { return dot(a, b, n); }
