/* Instructions per multiply-accumulate of the token-batched int8 GEMM kernels on the target, for the matrix shapes
 * of the tiny ALBERT (H=128, E=64, I=512) at 1, 12 and 32 tokens. Prints one line per (kernel, shape, tokens):
 *   gemm <kernel> <rows>x<cols>x<tokens> macs <n> instructions <n> per_mac <x.xxx>
 * with the counter's own cost subtracted. Exits non-zero if a kernel disagrees with ni_gemm_s8_ref. Exact where
 * ni_mcu_counter_resolution is 1 (netduinoplus2, RV32 virt under -icount shift=0), else to within it. The tile is
 * the runtime's: rows in tiles of ni_tile_rows(32) = 8 rows, an int32 [tokens][8] accumulator. */
#include <inttypes.h>
#include <stdio.h>
#include "nano_intent/ni_kernels.h"
#include "ni_mcu_counter.h"

#define MAX_W (512 * 128)
#define MAX_TOKENS 32
#define TILE 8

static int8_t w[MAX_W];
static int8_t x[MAX_TOKENS * 512];
static int32_t acc_ref[MAX_TOKENS * TILE];
static int32_t acc[MAX_TOKENS * TILE];

typedef void (*gemm_fn)(const int8_t *, uint32_t, const int8_t *, uint32_t, uint32_t, uint32_t, uint32_t, int32_t *,
                        uint32_t);

/* Every row tile of a rows x cols layer over n tokens; failures counted against the reference tile by tile. */
static uint64_t count_layer(gemm_fn f, uint32_t rows, uint32_t cols, uint32_t n, uint64_t overhead, int *failures)
{
    uint64_t total = 0;
    for (uint32_t r0 = 0; r0 < rows; r0 += TILE) {
        uint64_t t0 = ni_mcu_count();
        f(w, cols, x, cols, n, r0, r0 + TILE, acc, TILE);
        uint64_t t1 = ni_mcu_count();
        total += t1 - t0 - overhead;
        ni_gemm_s8_ref(w, cols, x, cols, n, r0, r0 + TILE, acc_ref, TILE);
        for (uint32_t i = 0; i < n * TILE; i++) *failures += acc[i] != acc_ref[i];
    }
    return total;
}

static void print_per_mac(const char *name, uint32_t rows, uint32_t cols, uint32_t n, uint64_t count)
{
    uint64_t macs = (uint64_t)rows * cols * n;
    uint64_t milli = (count * 1000u + macs / 2) / macs; /* integer printf: picolibc's tiny printf has no float */
    printf("gemm %s %" PRIu32 "x%" PRIu32 "x%" PRIu32 " macs %" PRIu64 " instructions %" PRIu64 " per_mac %" PRIu64
           ".%03" PRIu64 "\n", name, rows, cols, n, macs, count, milli / 1000u, milli % 1000u);
}

int main(void)
{
    static const uint32_t shapes[][2] = {{128, 64}, {128, 128}, {512, 128}, {128, 512}};
    static const uint32_t tokens[] = {1, 12, 32};
    uint32_t s = 0x9E3779B9u;
    for (uint32_t i = 0; i < MAX_W; i++) { s = s * 1664525u + 1013904223u; w[i] = (int8_t)(uint8_t)(s >> 24); }
    for (uint32_t i = 0; i < sizeof x; i++) { s = s * 1664525u + 1013904223u; x[i] = (int8_t)(uint8_t)(s >> 24); }

    ni_mcu_counter_init();
    uint64_t t0 = ni_mcu_count(), t1 = ni_mcu_count();
    uint64_t overhead = t1 - t0;
    printf("counter resolution %" PRIu32 " overhead %" PRIu64 "\n", ni_mcu_counter_resolution, overhead);

    int failures = 0;
    for (uint32_t k = 0; k < sizeof shapes / sizeof shapes[0]; k++)
        for (uint32_t j = 0; j < sizeof tokens / sizeof tokens[0]; j++) {
            uint32_t rows = shapes[k][0], cols = shapes[k][1], n = tokens[j];
            print_per_mac("ref", rows, cols, n, count_layer(ni_gemm_s8_ref, rows, cols, n, overhead, &failures));
            print_per_mac("dispatch", rows, cols, n, count_layer(ni_gemm_s8, rows, cols, n, overhead, &failures));
#if defined(NI_HAVE_GEMM_S8_DSP)
            print_per_mac("dsp", rows, cols, n, count_layer(ni_gemm_s8_dsp, rows, cols, n, overhead, &failures));
#endif
        }
    if (failures) printf("FAIL: %d outputs differ from ni_gemm_s8_ref\n", failures);
    return failures ? 1 : 0;
}
