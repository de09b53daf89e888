/* The AdaptivFloat kernels (ni_kernels_af8.h) against a definition written here: the decode table against the format
 * (sign | E | M -> +-(16 + M) << E, (E, M) = (0, 0) -> 0), and every GEMM built for this target (the portable
 * reference, the dispatch, on Cortex-M4/M7 the DSP variant) against a naive sum of decoded weights times inputs, on
 * random codes and inputs, the largest magnitudes with -128 and 127 inputs (|acc| up to 3968 * 128 * cols, the bound
 * docs/numerics.md section 3g proves < 2^29), zero codes, rows not a multiple of 4, columns not a multiple of 64,
 * partial row ranges and strides wider than the data. Every write outside the tile is caught by guard values. Runs on
 * the host and, cross-built, under QEMU (tests/mcu). */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels_af8.h"
#include "nano_intent/ni_encoding.h"

#define BYTE_GEMM_SEED 20250611u
#include "byte_gemm_check.h"

static int32_t value(uint8_t code) /* the format, independently of the table */
{
    const int32_t e = (code >> 4) & 7, m = code & 15;
    const int32_t magnitude = (e == 0 && m == 0) ? 0 : (16 + m) * (1 << e);
    return (code & 0x80) ? -magnitude : magnitude;
}

static void test_table(void)
{
    int32_t largest = 0;
    for (uint32_t c = 0; c < 256; c++) {
        CHECK(ni_af8_values[c] == value((uint8_t)c));
        CHECK(ni_af8_values[c] == -ni_af8_values[c ^ 0x80u]); /* sign-magnitude */
        if (ni_af8_values[c] > largest) largest = ni_af8_values[c];
    }
    CHECK(largest == NI_AF8_MAX_MAGNITUDE);
    CHECK(ni_af8_values[0x00] == 0 && ni_af8_values[0x80] == 0 && ni_af8_values[0x01] == 17 && ni_af8_values[0x10] == 32);
    CHECK(ni_af8_values[0x7F] == 3968 && ni_af8_values[0xFF] == -3968 && ni_af8_values[0x0F] == 31);
    for (uint32_t c = 1; c < 0x7F; c++) CHECK(ni_af8_values[c] < ni_af8_values[c + 1]); /* codes ordered by value */
}

static int32_t weight(const uint8_t *m, uint32_t cols, uint32_t r, uint32_t c) { return value(m[r * cols + c]); }
static uint32_t row_bytes(uint32_t cols) { return cols; }
/* -3968 everywhere, 3968 everywhere, zero codes of either sign */
static uint8_t pattern_byte(int pattern) { return pattern == 1 ? 0xFFu : pattern == 2 ? 0x7Fu : (uint8_t)(rnd() & 0x80u); }
static const byte_gemm_format format = { weight, row_bytes, pattern_byte };

static void test_af8_gemm(gemm_fn fn, const char *name)
{
    test_gemm(fn, &format, name);
    /* the bound: every weight -3968 and every input -128 over 1024 columns */
    memset(w, 0xFF, MAX_COLS);
    memset(x, 0x80, MAX_COLS);
    acc[0] = 0;
    fn(w, MAX_COLS, x, MAX_COLS, 1, 0, 1, acc, 1);
    CHECK(acc[0] == 3968 * 128 * MAX_COLS && acc[0] < (1 << 29));
}

static void test_traits(void)
{
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_ADAPTIVFLOAT);
    uint32_t dl = 0, pl = 0;
    CHECK(e != NULL && e->embed_add == NULL && e->pack_input == NULL && e->gemm != NULL);
    if (e == NULL) return;
    CHECK(e->sizes(3, 8, &dl, &pl) && dl == 24 && pl == NI_AF8_HEADER_BYTES + 3 * NI_AF8_ROW_BYTES);
    CHECK(e->acc_bound(NI_AF8_MAX_COLS) == 3968u * 128u * NI_AF8_MAX_COLS && e->acc_bound(NI_AF8_MAX_COLS) < (1u << 30));
    uint8_t p[NI_AF8_HEADER_BYTES + 2 * NI_AF8_ROW_BYTES] = { 0 };
    p[0] = 5; p[4] = 40;                                         /* multiplier 5, shift 40 */
    p[8] = 0xF9; p[9] = 0xFF; p[10] = 0xFF; p[11] = 0xFF;          /* row 0 bias -7 */
    p[15] = 0x40;                                                /* row 1 bias 2^30 */
    CHECK(e->validate(p, sizeof p, 2, 8));
    ni_tensor t = { NI_ENC_ADAPTIVFLOAT, w, p, 16, sizeof p, 2, 8 };
    ni_int8_row_params r0 = e->row_params(&t, 0), r1 = e->row_params(&t, 1);
    CHECK(r0.bias == -7 && r0.multiplier == 5 && r0.shift == 40 && r1.bias == (1 << 30) && r1.multiplier == 5);
    CHECK(!e->validate(p, sizeof p, 2, 6) && !e->validate(p, sizeof p, 2, 1028) && !e->validate(p, sizeof p - 4, 2, 8));
    p[15] = 0x41; CHECK(!e->validate(p, sizeof p, 2, 8)); p[15] = 0x40;    /* bias 2^30 + 2^24 */
    p[4] = 0; CHECK(!e->validate(p, sizeof p, 2, 8)); p[4] = 63; CHECK(!e->validate(p, sizeof p, 2, 8)); p[4] = 40;
    p[3] = 0x80; CHECK(!e->validate(p, sizeof p, 2, 8));                  /* multiplier < 0 */
}

int main(void)
{
    test_table();
    test_af8_gemm(ni_af8_gemm_ref, "ni_af8_gemm_ref");
    test_af8_gemm(ni_af8_gemm, "ni_af8_gemm");
#ifdef NI_HAVE_AF8_GEMM_DSP
    test_af8_gemm(ni_af8_gemm_dsp, "ni_af8_gemm_dsp");
#endif
    test_traits();
    printf("kernels_af8: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
