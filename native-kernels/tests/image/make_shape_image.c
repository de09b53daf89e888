/* Writes a flash image of a given shape and scheme with random weights (the test image builder's), whose test
 * vectors are this host runtime's own logits and entropies: for measuring a model shape on the QEMU targets before a
 * trained image of it exists (the MCU harness then also checks the target against the host, bit for bit).
 *   make_shape_image OUT int8|w1a1 [V E H heads I L P C [vectors]]     (default: the SNIPS shape, 16 vectors) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "image_builder.h"
#include "nano_intent/ni_runtime.h"

static uint8_t buf[1 << 22];
static uint32_t arena[1 << 18];

int main(int argc, char **argv)
{
    static ni_model m;
    if (argc != 3 && argc != 11 && argc != 12) {
        fprintf(stderr, "usage: make_shape_image OUT int8|w1a1 [V E H heads I L P C [vectors]]\n");
        return 2;
    }
    tb_options o = strcmp(argv[2], "w1a1") == 0 ? tb_w1a1_options() : tb_default_options();
    uint32_t shape[8] = { 4000, 96, 128, 4, 384, 4, 32, 7 };
    for (int i = 0; i < 8 && argc >= 11; i++) shape[i] = (uint32_t)strtoul(argv[3 + i], NULL, 10);
    o.dims.vocab_size = shape[0]; o.dims.embedding_size = shape[1]; o.dims.hidden_size = shape[2];
    o.dims.num_heads = shape[3]; o.dims.intermediate_size = shape[4]; o.dims.num_layers = shape[5];
    o.dims.max_positions = shape[6]; o.dims.num_labels = shape[7];
    o.test_vectors = argc == 12 ? (uint32_t)strtoul(argv[11], NULL, 10) : 16u;
    if (ni_model_init(&m, &o.dims) != NI_OK || ni_arena_bytes(&m) == 0 || ni_arena_bytes(&m) > sizeof arena) {
        fprintf(stderr, "make_shape_image: invalid shape for scheme %s\n", argv[2]);
        return 1;
    }
    o.arena_bytes = ni_arena_bytes(&m);
    tb_layout lay;
    uint32_t len = tb_build(buf, sizeof buf, &o, &lay), C = o.dims.num_labels;
    int st = len ? ni_open(buf, len, &m) : NI_ERR_BUFFER;
    if (st != NI_OK) { fprintf(stderr, "make_shape_image: %s\n", ni_status_name((ni_status)st)); return 1; }
    ni_test_vector_iter it;
    ni_test_vector tv;
    static int32_t ids[NI_MAX_POSITIONS], logits[NI_MAX_DIM];
    ni_test_vector_begin(&m.image, &it);
    while (ni_test_vector_next(&m.image, &it, &tv)) {
        for (uint32_t i = 0; i < tv.token_count; i++) ids[i] = ni_test_vector_token(&tv, i);
        st = ni_embed(&m, ids, tv.token_count, (uint8_t *)arena, sizeof arena);
        for (uint32_t l = 0; st == NI_OK && l < o.dims.num_layers; l++) {
            int32_t entropy = 0;
            st = ni_run_layer(&m, l, (uint8_t *)arena, sizeof arena);
            if (st == NI_OK) st = ni_exit_head(&m, l, (uint8_t *)arena, sizeof arena, logits, C, &entropy);
            /* the record lies in buf: write the expected values in place */
            for (uint32_t c = 0; st == NI_OK && c < C; c++) tb_wr32((uint8_t *)tv.logits + 4 * (l * C + c), (uint32_t)logits[c]);
            if (st == NI_OK) tb_wr32((uint8_t *)tv.entropies + 4 * l, (uint32_t)entropy);
        }
        if (st != NI_OK) { fprintf(stderr, "make_shape_image: %s\n", ni_status_name((ni_status)st)); return 1; }
    }
    tb_fix_checksums(buf, len);
    FILE *f = fopen(argv[1], "wb");
    if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0) { fprintf(stderr, "%s: cannot write\n", argv[1]); return 1; }
    printf("%s: %s, %lu bytes, arena %lu bytes, %lu test vectors\n", argv[1], argv[2], (unsigned long)len,
           (unsigned long)o.arena_bytes, (unsigned long)o.test_vectors);
    return 0;
}
