/* Writes the libFuzzer seed corpus for the image loader: valid images of a few shapes and both schemes (INT8, and
 * W1A1 with its 1-bit tensors, AF8 with its AdaptivFloat tensors, INT4; with and without test vectors) into <dir>/seed-*.nimg. */
#include <stdio.h>
#include "image_builder.h"

static uint8_t buf[1 << 18];

static int write(const char *dir, const char *name, const uint8_t *b, uint32_t n)
{
    char path[4096];
    FILE *f;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "wb");
    if (!f || fwrite(b, 1, n, f) != n) { fprintf(stderr, "%s: cannot write\n", path); return 1; }
    fclose(f);
    return 0;
}

int main(int argc, char **argv)
{
    tb_options o = tb_default_options();
    tb_layout lay;
    uint32_t n;
    int err = 0;
    if (argc != 2) { fprintf(stderr, "usage: make_image_corpus <dir>\n"); return 2; }
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || write(argv[1], "seed-small.nimg", buf, n);
    o.with_test_vectors = 0;
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || write(argv[1], "seed-small-no-tv.nimg", buf, n);
    o = tb_default_options();
    o.dims.num_layers = 1; o.dims.num_labels = 2; o.dims.vocab_size = 8; o.dims.max_positions = 3; o.test_vectors = 1;
    o.dims.embedding_size = 4; o.dims.hidden_size = 4; o.dims.num_heads = 1; o.dims.intermediate_size = 4;
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || write(argv[1], "seed-tiny.nimg", buf, n);
    o = tb_w1a1_options(); /* under the fuzzers' 16 KB input limit */
    o.dims.num_layers = 1; o.test_vectors = 2;
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-w1a1.nimg", buf, n);
    o.with_test_vectors = 0; o.dims.num_layers = 1; o.dims.num_heads = 1; o.dims.intermediate_size = 32;
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-w1a1-small.nimg", buf, n);
    o = tb_w1a1_s8_options(); /* poolers over the int8 h[CLS] (NI_ENC_BINARY_S8) */
    o.dims.num_layers = 1; o.test_vectors = 2;
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-w1a1-s8.nimg", buf, n);
    o = tb_af8_options(); /* AdaptivFloat linear tensors (NI_ENC_ADAPTIVFLOAT) */
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-af8.nimg", buf, n);
    o = tb_gobo3_options(); /* GOBO linear tensors with outlier lists (NI_ENC_GOBO3) */
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-gobo3.nimg", buf, n);
    o = tb_sparse_embed_options(); /* pruned word embeddings (NI_ENC_INT8_SPARSE_EMBED) */
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-sparse-embed.nimg", buf, n);
    o = tb_span_options(); /* ATTENTION_SPAN */
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-span.nimg", buf, n);
    o = tb_int4_options(); /* int4 linear tensors (NI_ENC_INT4) */
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-int4.nimg", buf, n);
    o = tb_int8_sparse_options(); /* pruned int8 linear tensors (NI_ENC_INT8_SPARSE) */
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-int8-sparse.nimg", buf, n);
    o = tb_2of4_options(); /* 2:4 sparse int8 linear tensors (NI_ENC_INT8_2OF4) */
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-2of4.nimg", buf, n);
    o = tb_int8_sparse_4x4_options(); /* pruned int8 linear tensors in 4x4 blocks (NI_ENC_INT8_SPARSE, b = 16) */
    n = tb_build(buf, sizeof buf, &o, &lay); err |= !n || n > 16384 || write(argv[1], "seed-int8-sparse-4x4.nimg", buf, n);
    return err;
}
