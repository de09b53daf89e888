/* Instructions per multiply-accumulate of the int8 GEMV kernels on the target, for the matrix shapes of the tiny
 * ALBERT (H=128, E=64, I=512). Prints one line per (kernel, shape):
 *   gemv <kernel> <rows>x<cols> macs <n> instructions <n> per_mac <x.xxx>
 * with the counter's own cost subtracted. Exits non-zero if a kernel disagrees with ni_gemv_s8_ref. Exact where
 * ni_mcu_counter_resolution is 1 (netduinoplus2, RV32 virt under -icount shift=0), else to within it. */
#include <inttypes.h>
#include <stdio.h>
#include "nano_intent/ni_kernels.h"
#include "ni_mcu_counter.h"

#define MAX_W (512 * 128)

static int8_t w[MAX_W];
static int8_t x[512];
static int32_t y_ref[512];
static int32_t y[512];

typedef void (*gemv_fn)(const int8_t *, const int8_t *, int32_t *, uint32_t, uint32_t);

static uint64_t count_once(gemv_fn f, int32_t *out, uint32_t rows, uint32_t cols, uint64_t overhead)
{
    uint64_t t0 = ni_mcu_count();
    f(w, x, out, rows, cols);
    uint64_t t1 = ni_mcu_count();
    return t1 - t0 - overhead;
}

static void print_per_mac(const char *name, uint32_t rows, uint32_t cols, uint64_t n)
{
    uint64_t macs = (uint64_t)rows * cols;
    uint64_t milli = (n * 1000u + macs / 2) / macs; /* integer printf: picolibc's tiny printf has no float */
    printf("gemv %s %" PRIu32 "x%" PRIu32 " macs %" PRIu64 " instructions %" PRIu64 " per_mac %" PRIu64 ".%03" PRIu64
           "\n", name, rows, cols, macs, n, milli / 1000u, milli % 1000u);
}

int main(void)
{
    static const uint32_t shapes[][2] = {{128, 64}, {128, 128}, {512, 128}, {128, 512}};
    uint32_t s = 0x9E3779B9u;
    for (uint32_t i = 0; i < MAX_W; i++) { s = s * 1664525u + 1013904223u; w[i] = (int8_t)(uint8_t)(s >> 24); }
    for (uint32_t i = 0; i < 512; i++) { s = s * 1664525u + 1013904223u; x[i] = (int8_t)(uint8_t)(s >> 24); }

    ni_mcu_counter_init();
    uint64_t t0 = ni_mcu_count(), t1 = ni_mcu_count();
    uint64_t overhead = t1 - t0;
    printf("counter resolution %" PRIu32 " overhead %" PRIu64 "\n", ni_mcu_counter_resolution, overhead);

    int failures = 0;
    for (uint32_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++) {
        uint32_t rows = shapes[k][0], cols = shapes[k][1];
        print_per_mac("ref", rows, cols, count_once(ni_gemv_s8_ref, y_ref, rows, cols, overhead));
        print_per_mac("dispatch", rows, cols, count_once(ni_gemv_s8, y, rows, cols, overhead));
        for (uint32_t r = 0; r < rows; r++) failures += y[r] != y_ref[r];
#if defined(NI_HAVE_GEMV_S8_DSP)
        print_per_mac("dsp", rows, cols, count_once(ni_gemv_s8_dsp, y, rows, cols, overhead));
        for (uint32_t r = 0; r < rows; r++) failures += y[r] != y_ref[r];
#endif
    }
    if (failures) printf("FAIL: %d outputs differ from ni_gemv_s8_ref\n", failures);
    return failures ? 1 : 0;
}
