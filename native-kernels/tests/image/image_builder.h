/* Builds valid flash images in C, laid out exactly as the C# ImageWriter lays them out (docs/flash-image.md),
 * so tests can tamper with known fields and recompute CRCs and the hash. */
#ifndef NI_IMAGE_BUILDER_H
#define NI_IMAGE_BUILDER_H
#include <stdint.h>
#include "nano_intent/ni_image.h"

typedef struct tb_layout {
    uint32_t length;
    uint32_t section_offset[NI_SECTION_KIND_MAX + 1];   /* 0 when absent */
    uint32_t section_length[NI_SECTION_KIND_MAX + 1];
    uint32_t section_index[NI_SECTION_KIND_MAX + 1];    /* row in the section table */
    uint32_t section_count;
} tb_layout;

typedef struct tb_options {
    ni_model_dims dims;
    uint32_t seed;
    uint32_t test_vectors;      /* records to write; the section is omitted when with_test_vectors is 0 */
    int with_test_vectors;
    uint32_t board_id;
    uint32_t arena_bytes;
    uint32_t reject_kind;       /* ni_reject_kind; NI_REJECT_NONE writes THRESHOLDS without rejection fields */
    int32_t reject_threshold;
    int32_t unknown_label;
    int with_answers;           /* test vector records end with L answers (NI_TEST_VECTORS_FLAG_ANSWERS) */
    uint8_t pooler_encoding;    /* 0: the scheme's; else every exit pooler carries this one (W1A1: NI_ENC_BINARY_S8) */
    uint8_t word_encoding;      /* 0: the scheme's; else the word embeddings carry this one (NI_ENC_INT8_SPARSE_EMBED) */
    const uint16_t *attention_spans; /* num_heads spans written as ATTENTION_SPAN; NULL omits the section */
    uint32_t sparse_block;      /* INT8_SPARSE tensors: 0 draws b = 1 or 4 per tensor; else this b (16: 4x4 blocks) */
} tb_options;

/* Small dims every test uses: V=40, E=8, H=8, heads=2, I=16, L=2, P=8, C=3, scheme INT8; rejection by entropy
 * above 2 nats or label 2, test vectors with answers. */
tb_options tb_default_options(void);
/* The same with scheme W1A1 and E=32, H=64, heads=2 (head size 32), I=96: 1-bit tensors, int8 classifiers;
 * rejection by confidence below 0.5 and no unknown label. */
tb_options tb_w1a1_options(void);
/* tb_w1a1_options with every pooler NI_ENC_BINARY_S8 (1-bit weights over the int8 h[CLS]). */
tb_options tb_w1a1_s8_options(void);
/* tb_default_options with scheme AF8: AdaptivFloat linear tensors, int8 embedding tables and exit classifiers. */
tb_options tb_af8_options(void);
/* tb_default_options with scheme GOBO3: GOBO linear tensors (random indices and centroids, the outliers
 * tb_gobo3_outliers gives), int8 embedding tables and exit classifiers. */
tb_options tb_gobo3_options(void);
/* Outliers the builder writes into a GOBO3 tensor of this many rows: one in each of the first min(rows, 3) rows, at
 * column (5 r + 1) % cols, value 4095 - 100 r. */
uint32_t tb_gobo3_outliers(uint32_t rows);
/* tb_default_options with E = 12 and the word embeddings NI_ENC_INT8_SPARSE_EMBED: random rows of random density (some empty,
 * some full), exact offsets. */
tb_options tb_sparse_embed_options(void);
/* Writes a valid NI_ENC_INT8_SPARSE_EMBED data block of rows x cols at out (row offsets, bitmaps, kept values, random
 * per-row density; row 0 empty, row 1 full); returns its length, 0 when room is too small. */
uint32_t tb_sparse_embed_data(uint8_t *out, uint32_t room, uint32_t rows, uint32_t cols, uint32_t *rng);
/* tb_default_options with an ATTENTION_SPAN section: head 0 span 3, head 1 span 0 (skipped). */
tb_options tb_span_options(void);
/* tb_default_options with scheme INT4: int4 linear tensors, int8 embedding tables and exit classifiers. */
tb_options tb_int4_options(void);
/* tb_default_options with scheme IPQ: iPQ linear tensors of TB_IPQ_CODES codewords of TB_IPQ_BLOCK weights (random
 * codebooks, indices < K), int8 embedding tables and exit classifiers. */
tb_options tb_ipq_options(void);
#define TB_IPQ_CODES 16u
#define TB_IPQ_BLOCK 4u
/* tb_default_options with scheme INT8_SPARSE: pruned int8 linear tensors (blocks of 1 or 4 at random), int8 embedding
 * tables and exit classifiers. */
tb_options tb_int8_sparse_options(void);
/* tb_int8_sparse_options with every INT8_SPARSE tensor in 4x4 blocks (b = 16; row 0..3 group empty, 4..7 full). */
tb_options tb_int8_sparse_4x4_options(void);
/* Writes a random NI_ENC_INT8_SPARSE tensor's data (row 0 empty, row 1 full) at out; returns data_len, 0 if room is short. */
uint32_t tb_int8_sparse_data(uint8_t *out, uint32_t room, uint32_t rows, uint32_t cols, uint32_t b, uint32_t *rng);
/* tb_default_options with scheme INT8_2OF4: 2:4 sparse int8 linear tensors (valid random positions), embedding size
 * 12 (an odd number of groups per mapping row), int8 embedding tables and exit classifiers. */
tb_options tb_2of4_options(void);
/* The attention threshold the builder writes into a W1A1 model's QUANT_PARAMS. */
#define TB_W1A1_ATTN_THRESHOLD 2

/* Fills params bytes p[0..len) of a tensor in that encoding with valid random values. */
void tb_fill_params(uint8_t encoding, uint8_t *p, uint32_t len, uint32_t *rng);
/* The builder's pseudo-random generator (an LCG). */
uint32_t tb_rng_next(uint32_t *s);

/* Writes the image into buf (capacity cap); returns its length, 0 when cap is too small. */
uint32_t tb_build(uint8_t *buf, uint32_t cap, const tb_options *opt, tb_layout *layout);

/* Recomputes every section CRC (for the entries that lie inside the image), the header CRC and the SHA-256. */
void tb_fix_checksums(uint8_t *buf, uint32_t len);

/* The QUANT_PARAMS bytes the builder writes for these dims (valid for ni_qparams_validate); returns length. */
uint32_t tb_quant_params(uint8_t *out, uint32_t cap, const ni_model_dims *dims);

/* Word k of the builder's synthetic vocabulary of v words: "[PAD]" "[UNK]" "[CLS]" "[SEP]" "[MASK]", then "a", "b",
 * "##c", … (some with "é"); and its token id in the image, its rank in UTF-8 byte order (v <= NI_MAX_VOCAB). */
uint32_t tb_vocab_word(uint32_t k, char *out);
uint32_t tb_vocab_id(uint32_t k, uint32_t v);

/* The builder's NORMALIZER section (see image_builder.c) at s; its length, 0 when room is too small. */
uint32_t tb_normalizer(uint8_t *s, uint32_t room);

void tb_wr16(uint8_t *p, uint32_t v);
void tb_wr32(uint8_t *p, uint32_t v);

#endif
