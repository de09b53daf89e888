/* GOBO weights (NI_ENC_GOBO3, docs/numerics.md section 3h): each weight is a 3-bit index into a table of 8 int16
 * centroids (the tensor's integer unit), except the few outliers, kept in a sorted sparse list {row, col, value}
 * whose index slot holds 0. The portable kernel does what GOBO proposes: per output row and token, sum the inputs
 * falling in each of the 8 bins, 8 multiplies, then the outliers. The DSP variant decodes the indices through the
 * centroid table into int16 and multiplies; integer sums are exact, so both give the same int32 bit for bit.
 * Integer-only, no malloc. */
#ifndef NANO_INTENT_NI_KERNELS_GOBO3_H
#define NANO_INTENT_NI_KERNELS_GOBO3_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NI_GOBO3_CENTROIDS 8u
#define NI_GOBO3_MAX_VALUE 4095            /* |centroid|, |outlier value| <= 4095 < 2^12 */

/* One GOBO tensor as the kernels read it: indices and outliers point into the image. */
typedef struct ni_gobo3_weights {
    const uint8_t *indices;                /* rows x ni_gobo3_row_bytes(cols) bytes */
    const uint8_t *outliers;               /* outlier_count x {u16 row, u16 col, i16 value}, sorted by (row, col) */
    uint32_t outlier_count, cols;
    int16_t centroids[NI_GOBO3_CENTROIDS];
} ni_gobo3_weights;

/* Bytes of one row of indices: 3 per group of 8 columns, the last group padded. */
static inline uint32_t ni_gobo3_row_bytes(uint32_t cols) { return 3u * ((cols + 7u) / 8u); }

/* acc[t*acc_stride + (r - r0)] = sum_c w[r][c] * x[t*x_stride + c] for tokens t < n and rows r0 <= r < r1, w[r][c]
 * the outlier's value where there is one, else centroids[index]; int32, |acc| <= 4095 * 128 * cols < 2^29 for cols
 * <= 1024, cols % 4 == 0. */
void ni_gobo3_gemm_ref(const ni_gobo3_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                       uint32_t r1, int32_t *acc, uint32_t acc_stride);
/* acc[t*acc_stride + (r - r0)] += (value - centroids[0]) * x[t*x_stride + col] for every outlier {r, col, value} with
 * r0 <= r < r1: turns sums over the indices (outlier slots hold index 0) into sums over the weights. */
void ni_gobo3_add_outliers(const ni_gobo3_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                           uint32_t r1, int32_t *acc, uint32_t acc_stride);
#ifdef NI_HAVE_GOBO3_GEMM_DSP
void ni_gobo3_gemm_dsp(const ni_gobo3_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                       uint32_t r1, int32_t *acc, uint32_t acc_stride);
#endif
/* Same contract; the DSP variant when NI_HAVE_GOBO3_GEMM_DSP is defined, else the reference. */
void ni_gobo3_gemm(const ni_gobo3_weights *w, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0, uint32_t r1,
                   int32_t *acc, uint32_t acc_stride);

#ifdef __cplusplus
}
#endif

#endif
