/* The iPQ kernels (ni_kernels_ipq.h) against a definition written here: weight (r, c) = codebook[index[r][c / d] * d +
 * c % d]; every GEMM built for this target (the reference, the lookup tables, the dispatch, on Cortex-M4/M7 the DSP
 * variant) against a naive sum of decoded weights times inputs, on random codebooks, indices and inputs, the extreme
 * codewords -128 and 127 with -128 and 127 inputs (|acc| up to 128 * 128 * cols = 2^24), blocks d of 1, 2, 4, 8 and
 * 16, K of 1 to 256, rows not a multiple of 4, partial row ranges and strides wider than the data. Every write
 * outside the tile is caught by guard values. The encoding's traits: sizes, params and data validation. Runs on the
 * host and, cross-built, under QEMU. */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels_ipq.h"
#include "nano_intent/ni_encoding.h"

static int failures;
#define CHECK(cond) do { if (!(cond)) { printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

static uint32_t rng_state = 20261202u;
static uint32_t rnd(void) { rng_state = rng_state * 1664525u + 1013904223u; return rng_state >> 8; }

#define GUARD_ACC ((int32_t)0x7EADBEEF)
#define MAX_ROWS 9
#define MAX_COLS 1024
#define MAX_TOK 5

static int8_t book[256 * 16];
static uint8_t idx[MAX_ROWS * MAX_COLS];
static int8_t x[MAX_TOK * (MAX_COLS + 8)];
static int32_t acc[MAX_TOK * (MAX_ROWS + 2)];

static int32_t weight(const ni_ipq_weights *w, uint32_t r, uint32_t c) /* the format, independently */
{
    const uint32_t sub = c / w->block;
    return book[idx[r * (w->cols / w->block) + sub] * w->block + (c - sub * w->block)];
}

typedef void (*gemm_fn)(const ni_ipq_weights *, const int8_t *, uint32_t, uint32_t, uint32_t, uint32_t, int32_t *, uint32_t);

static void check_gemm(gemm_fn fn, const char *name, const ni_ipq_weights *w, uint32_t n, uint32_t x_stride, uint32_t r0,
                       uint32_t r1)
{
    const uint32_t acc_stride = r1 - r0 + 2;
    for (uint32_t k = 0; k < MAX_TOK * (MAX_ROWS + 2); k++) acc[k] = GUARD_ACC;
    fn(w, x, x_stride, n, r0, r1, acc, acc_stride);
    int bad = 0;
    for (uint32_t t = 0; t < n; t++) {
        for (uint32_t r = r0; r < r1; r++) {
            int64_t want = 0;
            for (uint32_t c = 0; c < w->cols; c++) want += (int64_t)weight(w, r, c) * x[t * x_stride + c];
            if (acc[t * acc_stride + (r - r0)] != want) bad++;
        }
        for (uint32_t k = r1 - r0; k < acc_stride; k++) if (acc[t * acc_stride + k] != GUARD_ACC) bad++;
    }
    if (bad) {
        printf("FAIL %s K %u d %u cols %u n %u [%u, %u): %d wrong\n", name, (unsigned)w->codes, (unsigned)w->block,
               (unsigned)w->cols, (unsigned)n, (unsigned)r0, (unsigned)r1, bad);
        failures++;
    }
}

static void test_gemm(gemm_fn fn, const char *name)
{
    /* rows, cols, tokens, K, d */
    static const uint32_t shapes[][5] = { { 1, 4, 1, 1, 4 }, { 4, 64, 3, 256, 8 }, { 5, 36, 2, 7, 4 }, { 9, 96, 5, 16, 2 },
                                          { 8, 1024, 2, 256, 16 }, { 7, 128, 4, 33, 1 }, { 6, 128, 3, 256, 8 } };
    for (uint32_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const uint32_t rows = shapes[s][0], cols = shapes[s][1], n = shapes[s][2], x_stride = cols + 4 * (s % 3);
        ni_ipq_weights w = { book, idx, shapes[s][3], shapes[s][4], cols };
        for (int pattern = 0; pattern < 3; pattern++) {
            /* random; every codeword -128 with inputs -128; every codeword 127 with inputs 127 */
            for (uint32_t k = 0; k < w.codes * w.block; k++)
                book[k] = pattern == 0 ? (int8_t)rnd() : pattern == 1 ? -128 : 127;
            for (uint32_t k = 0; k < rows * cols / w.block; k++) idx[k] = (uint8_t)(rnd() % w.codes);
            for (uint32_t k = 0; k < n * x_stride; k++)
                x[k] = pattern == 0 ? (int8_t)rnd() : pattern == 1 ? -128 : 127;
            check_gemm(fn, name, &w, n, x_stride, 0, rows);
            const uint32_t r0 = rnd() % rows, r1 = r0 + 1 + rnd() % (rows - r0);
            check_gemm(fn, name, &w, n, x_stride, r0, r1);
        }
    }
    /* the bound: every weight -128 and every input -128 over 1024 columns */
    ni_ipq_weights w = { book, idx, 1, 8, MAX_COLS };
    memset(book, 0x80, 8);
    memset(idx, 0, MAX_COLS / 8);
    memset(x, 0x80, MAX_COLS);
    acc[0] = 0;
    fn(&w, x, MAX_COLS, 1, 0, 1, acc, 1);
    CHECK(acc[0] == 128 * 128 * MAX_COLS && acc[0] == (1 << 24));
}

static void test_table_pays(void)
{
    /* K 256, d 8: rows * 8 > 2048 + rows, from 293 rows on */
    CHECK(!ni_ipq_table_pays(256, 8, 292) && ni_ipq_table_pays(256, 8, 293));
    CHECK(!ni_ipq_table_pays(256, 1, 100000) && ni_ipq_table_pays(16, 4, 22) && !ni_ipq_table_pays(16, 4, 21));
}

static void wr32(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24); }

static void test_traits(void)
{
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_IPQ);
    uint32_t dl = 1, pl = 0;
    CHECK(e != NULL && e->embed_add == NULL && e->pack_input == NULL && e->gemm != NULL && e->validate_data != NULL);
    if (e == NULL) return;
    CHECK(e->sizes(3, 8, &dl, &pl) && dl == 0 && pl == NI_IPQ_HEADER_BYTES + 3 * NI_INT8_ROW_PARAMS_BYTES);
    CHECK(e->acc_bound(NI_IPQ_MAX_COLS) == 128u * 128u * NI_IPQ_MAX_COLS);
    uint8_t p[NI_IPQ_HEADER_BYTES + 2 * NI_INT8_ROW_PARAMS_BYTES] = { 0 };
    wr32(p, 3); wr32(p + 4, 4);                                          /* K 3, d 4 */
    wr32(p + 8, (uint32_t)-7); wr32(p + 12, 5); wr32(p + 16, 40);         /* row 0 {-7, 5, 40} */
    wr32(p + 20, 1u << 30); wr32(p + 24, 3); wr32(p + 28, 1);            /* row 1 {2^30, 3, 1} */
    CHECK(e->validate(p, sizeof p, 2, 8));
    uint8_t data[3 * 4 + 2 * 2] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, /* indices */ 2, 0, 1, 2 };
    ni_tensor t = { NI_ENC_IPQ, data, p, sizeof data, sizeof p, 2, 8 };
    CHECK(e->validate_data(&t) == NI_OK);
    ni_int8_row_params r0 = e->row_params(&t, 0), r1 = e->row_params(&t, 1);
    CHECK(r0.bias == -7 && r0.multiplier == 5 && r0.shift == 40 && r1.bias == (1 << 30) && r1.multiplier == 3 && r1.shift == 1);
    int8_t in[8] = { 1, 0, 0, 0, 0, 0, 0, 2 };
    int32_t out[2];
    e->gemm(&t, (const uint8_t *)in, 8, 1, 0, 2, out, 2);
    CHECK(out[0] == 9 + 2 * 4 && out[1] == 5 + 2 * 12);                  /* rows: codes 2,0 and 1,2 */
    data[15] = 3; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_PARAMS); data[15] = 2;  /* index K */
    t.data_len = sizeof data - 1; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_SIZE);
    t.data_len = sizeof data + 1; CHECK(e->validate_data(&t) == NI_ERR_TENSOR_SIZE); t.data_len = sizeof data;
    CHECK(!e->validate(p, sizeof p, 2, 6) && !e->validate(p, sizeof p, 2, 1028) && !e->validate(p, sizeof p - 4, 2, 8));
    CHECK(!e->validate(p, sizeof p + 12, 2, 8) && !e->validate(p, sizeof p, 2, 0));
    wr32(p, 0); CHECK(!e->validate(p, sizeof p, 2, 8)); wr32(p, 257); CHECK(!e->validate(p, sizeof p, 2, 8));
    wr32(p, 256); CHECK(e->validate(p, sizeof p, 2, 8)); wr32(p, 3);
    wr32(p + 4, 0); CHECK(!e->validate(p, sizeof p, 2, 8)); wr32(p + 4, 3); CHECK(e->validate(p, sizeof p, 2, 12));  /* d 3 divides 12 */
    wr32(p + 4, 3); CHECK(!e->validate(p, sizeof p, 2, 8));               /* 8 % 3 != 0 */
    wr32(p + 4, 32); CHECK(!e->validate(p, sizeof p, 2, 64)); wr32(p + 4, 16); CHECK(e->validate(p, sizeof p, 2, 64));
    wr32(p + 4, 4);
    p[23] = 0x41; CHECK(!e->validate(p, sizeof p, 2, 8)); p[23] = 0x40;   /* bias 2^30 + 2^24 */
    wr32(p + 16, 0); CHECK(!e->validate(p, sizeof p, 2, 8)); wr32(p + 16, 63); CHECK(!e->validate(p, sizeof p, 2, 8));
    wr32(p + 16, 40);
    p[15] = 0x80; CHECK(!e->validate(p, sizeof p, 2, 8));                 /* multiplier < 0 */
}

int main(void)
{
    test_gemm(ni_ipq_gemm_ref, "ni_ipq_gemm_ref");
    test_gemm(ni_ipq_gemm_table, "ni_ipq_gemm_table");
    test_gemm(ni_ipq_gemm, "ni_ipq_gemm");
#ifdef NI_HAVE_IPQ_GEMM_DSP
    test_gemm(ni_ipq_gemm_dsp, "ni_ipq_gemm_dsp");
#endif
    test_table_pays();
    test_traits();
    printf("kernels_ipq: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
