/* The GOBO kernels (ni_kernels_gobo3.h) against a definition written here: every GEMM built for this target (the
 * portable bin-sum reference, the dispatch, on Cortex-M4/M7 the DSP variant) against a naive sum of each weight
 * (its outlier value, else its centroid) times the input, on random indices, centroids, outliers and inputs; the
 * largest magnitudes (centroids and outliers +-4095 with -128 and 127 inputs, |acc| up to 4095 * 128 * cols, the
 * bound docs/numerics.md section 3h proves < 2^29); every column an outlier; rows not a multiple of 4, columns not
 * a multiple of 8 or 64, partial row ranges and strides wider than the data. Every write outside the tile is caught
 * by guard values. Also the encoding's traits and validate_data. Runs on the host and, cross-built, under QEMU. */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels_gobo3.h"
#include "nano_intent/ni_encoding.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 20261201u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8; }

#define GUARD_ACC ((int32_t)0x7EADBEEF)
#define MAX_ROWS 9
#define MAX_COLS 1024
#define MAX_TOK 5
#define MAX_OUTLIERS (MAX_ROWS * MAX_COLS)

static uint8_t idx[MAX_ROWS * MAX_COLS];            /* the indices as numbers, row-major */
static int32_t outlier_at[MAX_ROWS * MAX_COLS];     /* 0: none, else value + 8192 */
static uint8_t data[MAX_ROWS * (MAX_COLS / 8) * 3 + MAX_OUTLIERS * 6];
static int8_t x[MAX_TOK * (MAX_COLS + 8)];
static int32_t acc[MAX_TOK * (MAX_ROWS + 2)];

/* Packs idx and outlier_at into data as the format says; returns the outlier count. */
static uint32_t pack(ni_gobo3_weights *w, uint32_t rows, uint32_t cols)
{
    const uint32_t rb = ni_gobo3_row_bytes(cols);
    uint32_t count = 0;
    memset(data, 0xFF, rows * rb); /* the padding indices of a half group are ignored: any value */
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++) {
            uint8_t *g = data + r * rb + 3 * (c / 8);
            uint32_t v = (uint32_t)g[0] | (uint32_t)g[1] << 8 | (uint32_t)g[2] << 16;
            const uint32_t k = outlier_at[r * cols + c] ? 0u : idx[r * cols + c];
            v = (v & ~(7u << (3 * (c % 8)))) | k << (3 * (c % 8));
            g[0] = (uint8_t)v; g[1] = (uint8_t)(v >> 8); g[2] = (uint8_t)(v >> 16);
        }
    uint8_t *o = data + rows * rb;
    for (uint32_t r = 0; r < rows; r++)
        for (uint32_t c = 0; c < cols; c++)
            if (outlier_at[r * cols + c]) {
                const uint32_t v = (uint32_t)(outlier_at[r * cols + c] - 8192);
                o[0] = (uint8_t)r; o[1] = (uint8_t)(r >> 8); o[2] = (uint8_t)c; o[3] = (uint8_t)(c >> 8);
                o[4] = (uint8_t)v; o[5] = (uint8_t)(v >> 8);
                o += 6;
                count++;
            }
    w->indices = data;
    w->outliers = data + rows * rb;
    w->outlier_count = count;
    w->cols = cols;
    return count;
}

typedef void (*gemm_fn)(const ni_gobo3_weights *, const int8_t *, uint32_t, uint32_t, uint32_t, uint32_t, int32_t *, uint32_t);

static void check_gemm(gemm_fn fn, const char *name, const ni_gobo3_weights *w, uint32_t rows, uint32_t n,
                       uint32_t x_stride, uint32_t r0, uint32_t r1)
{
    const uint32_t acc_stride = r1 - r0 + 2, cols = w->cols;
    for (uint32_t k = 0; k < MAX_TOK * (MAX_ROWS + 2); k++) acc[k] = GUARD_ACC;
    fn(w, x, x_stride, n, r0, r1, acc, acc_stride);
    int bad = 0;
    for (uint32_t t = 0; t < n; t++) {
        for (uint32_t r = r0; r < r1; r++) {
            int64_t want = 0;
            for (uint32_t c = 0; c < cols; c++) {
                const int32_t o = outlier_at[r * cols + c];
                want += (int64_t)(o ? o - 8192 : w->centroids[idx[r * cols + c]]) * x[t * x_stride + c];
            }
            if (acc[t * acc_stride + (r - r0)] != want) bad++;
        }
        for (uint32_t k = r1 - r0; k < acc_stride; k++) if (acc[t * acc_stride + k] != GUARD_ACC) bad++;
    }
    if (bad) {
        printf("FAIL %s rows %u cols %u n %u [%u, %u): %d wrong\n", name, (unsigned)rows, (unsigned)cols, (unsigned)n,
               (unsigned)r0, (unsigned)r1, bad);
        failures++;
    }
}

static int32_t value(void) { return (int32_t)(rnd() % 8191u) - 4095; }

static void test_gemm(gemm_fn fn, const char *name)
{
    static const uint32_t shapes[][3] = { { 1, 4, 1 }, { 4, 64, 3 }, { 5, 36, 2 }, { 9, 100, 5 }, { 8, 1024, 2 }, { 7, 132, 4 } };
    ni_gobo3_weights w;
    for (uint32_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const uint32_t rows = shapes[s][0], cols = shapes[s][1], n = shapes[s][2], x_stride = cols + 4 * (s % 3);
        for (int pattern = 0; pattern < 5; pattern++) {
            /* 0: random; 1: all -4095 with -128 inputs; 2: all +4095 with 127; 3: every weight an outlier; 4: none */
            for (uint32_t k = 0; k < 8; k++)
                w.centroids[k] = (int16_t)(pattern == 1 ? -4095 : pattern == 2 ? 4095 : value());
            for (uint32_t k = 0; k < rows * cols; k++) {
                idx[k] = (uint8_t)(rnd() & 7u);
                const int out = pattern == 3 || (pattern == 0 && rnd() % 16 == 0) || (pattern < 3 && pattern > 0 && k % 5 == 0);
                outlier_at[k] = out ? 8192 + (pattern == 1 ? -4095 : pattern == 2 ? 4095 : value()) : 0;
            }
            for (uint32_t k = 0; k < n * x_stride; k++)
                x[k] = pattern == 1 ? -128 : pattern == 2 ? 127 : (int8_t)rnd();
            pack(&w, rows, cols);
            check_gemm(fn, name, &w, rows, n, x_stride, 0, rows);
            const uint32_t r0 = rnd() % rows, r1 = r0 + 1 + rnd() % (rows - r0);
            check_gemm(fn, name, &w, rows, n, x_stride, r0, r1);
        }
    }
    /* the bound: every weight -4095 (centroid and outlier) and every input -128 over 1024 columns */
    for (uint32_t k = 0; k < 8; k++) w.centroids[k] = -4095;
    for (uint32_t k = 0; k < MAX_COLS; k++) { idx[k] = (uint8_t)(k & 7u); outlier_at[k] = k % 3 ? 0 : 8192 - 4095; }
    memset(x, 0x80, MAX_COLS);
    pack(&w, 1, MAX_COLS);
    acc[0] = 0;
    fn(&w, x, MAX_COLS, 1, 0, 1, acc, 1);
    CHECK(acc[0] == 4095 * 128 * MAX_COLS && acc[0] < (1 << 29));
}

static void test_traits(void)
{
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_GOBO3);
    uint32_t dl = 0, pl = 0;
    CHECK(e != NULL && e->embed_add == NULL && e->pack_input == NULL && e->gemm != NULL && e->validate_data != NULL);
    if (e == NULL) return;
    CHECK(e->sizes(3, 12, &dl, &pl) && dl == 3 * 6 && pl == NI_GOBO3_HEADER_BYTES + 3 * NI_GOBO3_ROW_BYTES);
    CHECK(e->acc_bound(NI_GOBO3_MAX_COLS) == 4095u * 128u * NI_GOBO3_MAX_COLS && e->acc_bound(NI_GOBO3_MAX_COLS) < (1u << 29));
    uint8_t p[NI_GOBO3_HEADER_BYTES + 2 * NI_GOBO3_ROW_BYTES] = { 0 };
    p[0] = 5; p[4] = 40; p[8] = 1;                               /* multiplier 5, shift 40, 1 outlier */
    p[12] = 0x01; p[13] = 0xF0;                                  /* centroid 0 = -4095 */
    p[28] = 0xF9; p[29] = 0xFF; p[30] = 0xFF; p[31] = 0xFF;      /* row 0 bias -7 */
    p[35] = 0x40;                                                /* row 1 bias 2^30 */
    CHECK(e->validate(p, sizeof p, 2, 8));
    uint8_t d[2 * 3 + 6] = { 0, 0, 0, 0xFF, 0xFF, 0xFF, 1, 0, 7, 0, 0xFF, 0x0F }; /* outlier (1, 7) = 4095, slot 0? no */
    ni_tensor t = { NI_ENC_GOBO3, d, p, sizeof d, sizeof p, 2, 8 };
    CHECK(e->validate_data(&t) == NI_ERR_TENSOR_PARAMS);         /* row 1 col 7's index is 7, not 0 */
    d[5] = 0x1F;                                                 /* bits 21..23 cleared: index 0 */
    CHECK(e->validate_data(&t) == NI_OK);
    ni_int8_row_params r0 = e->row_params(&t, 0), r1 = e->row_params(&t, 1);
    CHECK(r0.bias == -7 && r0.multiplier == 5 && r0.shift == 40 && r1.bias == (1 << 30) && r1.multiplier == 5);
    t.data_len = 11; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_SIZE); t.data_len = sizeof d;
    t.params_len = sizeof p + 4; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_SIZE); t.params_len = sizeof p;
    d[10] = 0x00; d[11] = 0x10; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_PARAMS); d[10] = 0xFF; d[11] = 0x0F; /* 4096 */
    d[8] = 8; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_PARAMS); d[8] = 7;                          /* col 8 */
    d[6] = 2; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_PARAMS); d[6] = 1;                          /* row 2 */
    CHECK(!e->validate(p, sizeof p, 2, 6) && !e->validate(p, sizeof p, 2, 1028) && !e->validate(p, sizeof p - 4, 2, 8));
    CHECK(e->validate(p, sizeof p, 2, 12));                      /* cols % 8 == 4: a half group per row */
    p[35] = 0x41; CHECK(!e->validate(p, sizeof p, 2, 8)); p[35] = 0x40;    /* bias 2^30 + 2^24 */
    p[4] = 0; CHECK(!e->validate(p, sizeof p, 2, 8)); p[4] = 63; CHECK(!e->validate(p, sizeof p, 2, 8)); p[4] = 40;
    p[13] = 0xEF; CHECK(!e->validate(p, sizeof p, 2, 8)); p[13] = 0xF0;   /* centroid -4351 */
    p[3] = 0x80; CHECK(!e->validate(p, sizeof p, 2, 8));                  /* multiplier < 0 */
}

int main(void)
{
    test_gemm(ni_gobo3_gemm_ref, "ni_gobo3_gemm_ref");
    test_gemm(ni_gobo3_gemm, "ni_gobo3_gemm");
#ifdef NI_HAVE_GOBO3_GEMM_DSP
    test_gemm(ni_gobo3_gemm_dsp, "ni_gobo3_gemm_dsp");
#endif
    test_traits();
    printf("kernels_gobo3: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
