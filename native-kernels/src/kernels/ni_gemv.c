/* int8 x int8 -> int32 matrix-vector product: the reference every platform variant is tested against. */
#include "nano_intent/ni_kernels.h"

void ni_gemv_s8_ref(const int8_t *w, const int8_t *x, int32_t *y, uint32_t rows, uint32_t cols)
{
    for (uint32_t r = 0; r < rows; r++) {
        const int8_t *row = w + (uint32_t)r * cols;
        int32_t acc = 0;
        for (uint32_t c = 0; c < cols; c += 4) {
            acc += (int32_t)row[c] * x[c] + (int32_t)row[c + 1] * x[c + 1]
                 + (int32_t)row[c + 2] * x[c + 2] + (int32_t)row[c + 3] * x[c + 3];
        }
        y[r] = acc;
    }
}

void ni_gemv_s8(const int8_t *w, const int8_t *x, int32_t *y, uint32_t rows, uint32_t cols)
{
#ifdef NI_HAVE_GEMV_S8_DSP
    ni_gemv_s8_dsp(w, x, y, rows, cols);
#else
    ni_gemv_s8_ref(w, x, y, rows, cols);
#endif
}

int32_t ni_dot_s8(const int8_t *a, const int8_t *b, uint32_t n)
{
    int32_t acc = 0;
    for (uint32_t i = 0; i < n; i++) acc += (int32_t)a[i] * b[i];
    return acc;
}
