/* The int4 kernels (ni_kernels_int4.h) against a definition written here: the nibble order and sign (column 2k in the
 * low nibble of byte k, two's complement), and every GEMM built for this target (the portable reference, the
 * dispatch, on Cortex-M4/M7 the DSP variant) against a naive sum of unpacked weights times inputs, on random nibbles
 * and inputs, the extreme weights -8 and 7 with -128 and 127 inputs (|acc| up to 8 * 128 * cols = 2^20), zero
 * weights, rows not a multiple of 4, columns not a multiple of 64, partial row ranges and strides wider than the
 * data. Every write outside the tile is caught by guard values. Runs on the host and, cross-built, under QEMU. */
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_kernels_int4.h"
#include "nano_intent/ni_encoding.h"

#define BYTE_GEMM_SEED 20261201u
#include "byte_gemm_check.h"

static int32_t weight(const uint8_t *m, uint32_t cols, uint32_t r, uint32_t c) /* the format, independently */
{
    const uint8_t b = m[r * (cols / 2) + c / 2];
    const int32_t nib = (c % 2 == 0) ? (b & 15) : (b >> 4);
    return nib >= 8 ? nib - 16 : nib;
}

static void test_format(void)
{
    const uint8_t row[2] = { 0x8F, 0x70 }; /* columns: -1, -8, 0, 7 */
    CHECK(ni_int4_value(row, 0) == -1 && ni_int4_value(row, 1) == -8 && ni_int4_value(row, 2) == 0 && ni_int4_value(row, 3) == 7);
    for (uint32_t b = 0; b < 256; b++) {
        const uint8_t one = (uint8_t)b;
        CHECK(ni_int4_value(&one, 0) == weight(&one, 2, 0, 0) && ni_int4_value(&one, 1) == weight(&one, 2, 0, 1));
    }
}

static uint32_t row_bytes(uint32_t cols) { return cols / 2; }
/* -8 everywhere, 7 everywhere, 0 and -1 */
static uint8_t pattern_byte(int pattern) { return pattern == 1 ? 0x88u : pattern == 2 ? 0x77u : (uint8_t)((rnd() & 1u) ? 0xF0u : 0x0Fu); }
static const byte_gemm_format format = { weight, row_bytes, pattern_byte };

static void test_int4_gemm(gemm_fn fn, const char *name)
{
    test_gemm(fn, &format, name);
    /* the bound: every weight -8 and every input -128 over 1024 columns */
    memset(w, 0x88, MAX_COLS / 2);
    memset(x, 0x80, MAX_COLS);
    acc[0] = 0;
    fn(w, MAX_COLS, x, MAX_COLS, 1, 0, 1, acc, 1);
    CHECK(acc[0] == 8 * 128 * MAX_COLS && acc[0] == (1 << 20));
}

static void test_traits(void)
{
    const ni_encoding_traits *e = ni_encoding_find(NI_ENC_INT4);
    uint32_t dl = 0, pl = 0;
    CHECK(e != NULL && e->embed_add == NULL && e->pack_input == NULL && e->gemm != NULL && e->validate_data == NULL);
    if (e == NULL) return;
    CHECK(e->sizes(3, 8, &dl, &pl) && dl == 12 && pl == 3 * NI_INT8_ROW_PARAMS_BYTES);
    CHECK(e->acc_bound(NI_INT4_MAX_COLS) == 8u * 128u * NI_INT4_MAX_COLS);
    uint8_t p[2 * NI_INT8_ROW_PARAMS_BYTES] = { 0 };
    p[0] = 0xF9; p[1] = 0xFF; p[2] = 0xFF; p[3] = 0xFF;            /* row 0 bias -7 */
    p[4] = 5; p[8] = 40;                                          /* multiplier 5, shift 40 */
    p[15] = 0x40; p[16] = 3; p[20] = 1;                           /* row 1 bias 2^30, multiplier 3, shift 1 */
    CHECK(e->validate(p, sizeof p, 2, 8));
    ni_tensor t = { NI_ENC_INT4, w, p, 8, sizeof p, 2, 8 };
    ni_int8_row_params r0 = e->row_params(&t, 0), r1 = e->row_params(&t, 1);
    CHECK(r0.bias == -7 && r0.multiplier == 5 && r0.shift == 40 && r1.bias == (1 << 30) && r1.multiplier == 3 && r1.shift == 1);
    CHECK(!e->validate(p, sizeof p, 2, 6) && !e->validate(p, sizeof p, 2, 1028) && !e->validate(p, sizeof p - 4, 2, 8));
    CHECK(!e->validate(p, sizeof p, 2, 0));
    p[15] = 0x41; CHECK(!e->validate(p, sizeof p, 2, 8)); p[15] = 0x40;    /* bias 2^30 + 2^24 */
    p[8] = 0; CHECK(!e->validate(p, sizeof p, 2, 8)); p[8] = 63; CHECK(!e->validate(p, sizeof p, 2, 8)); p[8] = 40;
    p[7] = 0x80; CHECK(!e->validate(p, sizeof p, 2, 8));                  /* multiplier < 0 */
}

int main(void)
{
    test_format();
    test_int4_gemm(ni_int4_gemm_ref, "ni_int4_gemm_ref");
    test_int4_gemm(ni_int4_gemm, "ni_int4_gemm");
#ifdef NI_HAVE_INT4_GEMM_DSP
    test_int4_gemm(ni_int4_gemm_dsp, "ni_int4_gemm_dsp");
#endif
    test_traits();
    printf("kernels_int4: %s (%d failures)\n", failures ? "FAILED" : "ok", failures);
    return failures ? 1 : 0;
}
