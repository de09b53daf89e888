/* Host benchmark of the C step API on an image's test vectors: utterances per second at full depth and with early
 * exit (the image's thresholds), mean layers executed, and a bit-exactness check of every logit computed.
 * Usage: bench_runtime <image> [repetitions]. Host only (stdio, malloc, clock_gettime). */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "nano_intent/ni_runtime.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Runs one vector; returns the number of layers executed, or -1 on a mismatch or error. */
static int run(const ni_model *m, const ni_test_vector *tv, int early, uint8_t *arena, uint32_t arena_len,
               int32_t *ids, int32_t *logits)
{
    uint32_t L = ni_num_layers(m), C = ni_num_labels(m);
    for (uint32_t i = 0; i < tv->token_count; i++) ids[i] = ni_test_vector_token(tv, i);
    if (ni_embed(m, ids, tv->token_count, arena, arena_len) != NI_OK) return -1;
    for (uint32_t l = 0; l < L; l++) {
        int32_t entropy, threshold = 0;
        if (ni_run_layer(m, l, arena, arena_len) != NI_OK) return -1;
        if (ni_exit_head(m, l, arena, arena_len, logits, C, &entropy) != NI_OK) return -1;
        for (uint32_t c = 0; c < C; c++)
            if (logits[c] != ni_test_vector_logit(&m->image, tv, l, c)) return -1;
        ni_exit_threshold(m, l, &threshold);
        if (early && entropy < threshold) return (int)l + 1;
    }
    return (int)L;
}

int main(int argc, char **argv)
{
    if (argc < 2) { fprintf(stderr, "usage: bench_runtime <image> [repetitions]\n"); return 2; }
    int reps = argc > 2 ? atoi(argv[2]) : 3;
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) { fprintf(stderr, "%s: cannot open\n", argv[1]); return 1; }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *image = malloc((size_t)n);
    if (image == NULL || fread(image, 1, (size_t)n, f) != (size_t)n) { fprintf(stderr, "%s: cannot read\n", argv[1]); return 1; }
    fclose(f);
    static ni_model m;
    int st = ni_open(image, (uint32_t)n, &m);
    if (st != NI_OK) { fprintf(stderr, "%s: %s\n", argv[1], ni_status_name((ni_status)st)); return 1; }
    uint32_t arena_len = ni_arena_bytes(&m);
    uint8_t *arena = malloc(arena_len);
    int32_t *ids = malloc(4u * ni_max_positions(&m)), *logits = malloc(4u * ni_num_labels(&m));
    if (m.image.test_vector_count == 0) { fprintf(stderr, "%s: no test vectors\n", argv[1]); return 1; }
    for (int early = 0; early <= 1; early++) {
        long utterances = 0, layers = 0;
        double t0 = now();
        for (int r = 0; r < reps; r++) {
            ni_test_vector_iter it;
            ni_test_vector tv;
            ni_test_vector_begin(&m.image, &it);
            while (ni_test_vector_next(&m.image, &it, &tv)) {
                int done = run(&m, &tv, early, arena, arena_len, ids, logits);
                if (done < 0) { fprintf(stderr, "%s: vector %u does not match\n", argv[1], tv.index); return 1; }
                utterances++;
                layers += done;
            }
        }
        double s = now() - t0;
        printf("C runtime %-10s %8.1f utterances/s  mean layers %.2f  (%ld utterances, arena %u bytes)\n",
               early ? "early-exit" : "full-depth", (double)utterances / s, (double)layers / (double)utterances, utterances,
               arena_len);
    }
    return 0;
}
