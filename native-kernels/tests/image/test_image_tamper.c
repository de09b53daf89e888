/* Structural tampering with CRCs and hash recomputed, so the structural check (not a checksum) must catch it;
 * every case expects its own named error. */
#include <string.h>
#include "image_builder.h"
#include "nano_intent/ni_encoding.h"
#include "test_util.h"

static uint8_t buf[1 << 16];
static tb_layout lay;
static uint32_t len;
static tb_options opt;
static tb_options (*make)(void) = tb_default_options; /* the image the cases tamper with */

static void fresh(void)
{
    opt = make();
    len = tb_build(buf, sizeof buf, &opt, &lay);
}

static uint8_t *sec(uint32_t kind) { return buf + lay.section_offset[kind]; }
static uint8_t *row(uint32_t kind) { return buf + NI_HEADER_SIZE + lay.section_index[kind] * NI_SECTION_ENTRY_SIZE; }
static uint8_t *tensor(uint32_t kind, uint32_t i)
{
    return sec(kind) + NI_TENSOR_TABLE_HEADER_SIZE + i * NI_TENSOR_ENTRY_SIZE;
}
/* VOCABULARY: the offset of block b, and the lengths byte of string i (the builder never needs the escape byte). */
static uint8_t *vblock(uint32_t b) { return sec(NI_SECTION_VOCABULARY) + NI_VOCAB_HEADER_SIZE + b * NI_VOCAB_BLOCK_OFFSET_SIZE; }
static uint8_t *ventry(uint32_t i)
{
    uint8_t *e = sec(NI_SECTION_VOCABULARY) + ni_rd32(vblock(i / NI_VOCAB_BLOCK_ENTRIES));
    uint32_t k;
    for (k = 0; k < i % NI_VOCAB_BLOCK_ENTRIES; k++) e += 1u + (e[0] & 0xFu);
    return e;
}
static uint8_t *label(uint32_t i) { return sec(NI_SECTION_LABELS) + NI_LABELS_HEADER_SIZE + i * NI_LABEL_ENTRY_SIZE; }
static uint8_t *record(uint32_t i)
{
    uint8_t *r = sec(NI_SECTION_TEST_VECTORS) + NI_TEST_VECTORS_HEADER_SIZE;
    while (i-- > 0) r += ni_rd32(r);
    return r;
}

static uint8_t *nrange(uint32_t i) { return sec(NI_SECTION_NORMALIZER) + NI_NORM_HEADER_SIZE + i * NI_NORM_RANGE_SIZE; }
static uint8_t *nmap(uint32_t i)
{
    return sec(NI_SECTION_NORMALIZER) + NI_NORM_HEADER_SIZE + ni_rd32(sec(NI_SECTION_NORMALIZER)) * NI_NORM_RANGE_SIZE +
           i * NI_NORM_MAP_SIZE;
}

static void expect(ni_status want, const char *what)
{
    ni_image img;
    tb_fix_checksums(buf, len);
    CHECK_STATUS(ni_image_open(buf, len, &img), want, what);
    fresh();
}

static void add32(uint8_t *p, int32_t d) { tb_wr32(p, ni_rd32(p) + (uint32_t)d); }

/* THRESHOLDS' rejection fields (the default image: L = 2, C = 3, entropy above 2 nats or label 2). */
static uint8_t *rej(uint32_t field) { return sec(NI_SECTION_THRESHOLDS) + NI_THRESHOLDS_HEADER_SIZE + 4u * 2u + field; }
static void rejection_cases(void)
{
    ni_image img;
    CHECK(ni_image_open(buf, len, &img) == NI_OK && img.reject_kind == NI_REJECT_ENTROPY &&
          img.reject_threshold == (2 << 16) && img.unknown_label == 2);
    CHECK(ni_image_answer(&img, 1, 2 << 16, 1) == 1 && ni_image_answer(&img, 1, (2 << 16) + 1, 65536) == NI_ANSWER_UNKNOWN);
    CHECK(ni_image_answer(&img, 2, 0, 65536) == NI_ANSWER_UNKNOWN);
    tb_wr32(sec(NI_SECTION_THRESHOLDS) + NI_THR_REJECT_KIND, 3); expect(NI_ERR_THRESHOLDS, "reject_kind 3");
    tb_wr32(sec(NI_SECTION_THRESHOLDS) + NI_THR_REJECT_KIND, 0x100u); expect(NI_ERR_THRESHOLDS, "reject_kind 0x100");
    tb_wr32(sec(NI_SECTION_THRESHOLDS) + NI_THR_REJECT_KIND, NI_REJECT_NONE); expect(NI_ERR_THRESHOLDS, "no rejection kind but its fields");
    /* an entropy threshold of 2 nats read as a confidence is above 1.0 */
    tb_wr32(sec(NI_SECTION_THRESHOLDS) + NI_THR_REJECT_KIND, NI_REJECT_CONFIDENCE); expect(NI_ERR_THRESHOLDS, "confidence threshold 131072");
    tb_wr32(sec(NI_SECTION_THRESHOLDS) + NI_THR_REJECT_KIND, NI_REJECT_CONFIDENCE);
    tb_wr32(rej(NI_REJ_THRESHOLD), NI_CONFIDENCE_ONE_Q16); expect(NI_OK, "confidence threshold 65536");
    tb_wr32(sec(NI_SECTION_THRESHOLDS) + NI_THR_REJECT_KIND, NI_REJECT_CONFIDENCE);
    tb_wr32(rej(NI_REJ_THRESHOLD), NI_CONFIDENCE_ONE_Q16 + 1); expect(NI_ERR_THRESHOLDS, "confidence threshold 65537");
    tb_wr32(rej(NI_REJ_THRESHOLD), (uint32_t)-1); expect(NI_ERR_THRESHOLDS, "entropy threshold -1");
    tb_wr32(rej(NI_REJ_THRESHOLD), 0x80000000u); expect(NI_ERR_THRESHOLDS, "entropy threshold -2^31");
    tb_wr32(rej(NI_REJ_THRESHOLD), 0); expect(NI_OK, "entropy threshold 0");
    tb_wr32(rej(NI_REJ_THRESHOLD), 0x7FFFFFFFu); expect(NI_OK, "entropy threshold 2^31-1");
    tb_wr32(rej(NI_REJ_UNKNOWN_LABEL), 3); expect(NI_ERR_THRESHOLDS, "unknown label 3 for C = 3");
    tb_wr32(rej(NI_REJ_UNKNOWN_LABEL), (uint32_t)-2); expect(NI_ERR_THRESHOLDS, "unknown label -2");
    tb_wr32(rej(NI_REJ_UNKNOWN_LABEL), 0x80000000u); expect(NI_ERR_THRESHOLDS, "unknown label -2^31");
    tb_wr32(rej(NI_REJ_UNKNOWN_LABEL), (uint32_t)NI_LABEL_NONE); expect(NI_OK, "no unknown label");
    tb_wr32(rej(NI_REJ_UNKNOWN_LABEL), 0); expect(NI_OK, "unknown label 0");
    /* an image that never rejects: no rejection fields, and a kind without them is short */
    opt.reject_kind = NI_REJECT_NONE;
    len = tb_build(buf, sizeof buf, &opt, &lay);
    CHECK(lay.section_length[NI_SECTION_THRESHOLDS] == NI_THRESHOLDS_HEADER_SIZE + 8u);
    CHECK(ni_image_open(buf, len, &img) == NI_OK && img.reject_kind == NI_REJECT_NONE && ni_image_answer(&img, 2, 1 << 30, 1) == 2);
    tb_wr32(sec(NI_SECTION_THRESHOLDS) + NI_THR_REJECT_KIND, NI_REJECT_ENTROPY); expect(NI_ERR_THRESHOLDS, "rejection kind without its fields");
}
static void wr24(uint8_t *p, uint32_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); }

/* Gives NORMALIZER range i another kind, its start unchanged. */
static void set_kind(uint32_t i, uint32_t kind)
{
    wr24(nrange(i), (ni_rd24(nrange(i)) & NI_NORM_CP_MASK) | kind << NI_NORM_KIND_SHIFT);
}

static uint8_t *params(uint32_t kind, uint32_t i) { return sec(kind) + ni_rd32(tensor(kind, i) + NI_TEN_PARAMS_OFFSET); }

/* NI_ENC_INT8_ROW params of tensor i of a section: row 1's bias, multiplier and shift at their limits. */
static void int8_row_params_cases(uint32_t kind, uint32_t i)
{
    tb_wr32(params(kind, i) + 12 + 8, 0); expect(NI_ERR_TENSOR_PARAMS, "INT8_ROW row shift 0");
    tb_wr32(params(kind, i) + 12 + 8, 63); expect(NI_ERR_TENSOR_PARAMS, "INT8_ROW row shift 63");
    tb_wr32(params(kind, i) + 12 + 8, 62); expect(NI_OK, "INT8_ROW row shift 62");
    tb_wr32(params(kind, i) + 12 + 4, 0xFFFFFFFFu); expect(NI_ERR_TENSOR_PARAMS, "INT8_ROW row multiplier -1");
    tb_wr32(params(kind, i) + 12 + 4, 0x7FFFFFFFu); expect(NI_OK, "INT8_ROW row multiplier 2^31-1");
    tb_wr32(params(kind, i) + 12, (1u << 30) + 1u); expect(NI_ERR_TENSOR_PARAMS, "INT8_ROW row bias 2^30+1");
    tb_wr32(params(kind, i) + 12, (uint32_t)-(1 << 30) - 1u); expect(NI_ERR_TENSOR_PARAMS, "INT8_ROW row bias -2^30-1");
    tb_wr32(params(kind, i) + 12, (uint32_t)-(1 << 30)); expect(NI_OK, "INT8_ROW row bias -2^30");
}

/* Scheme W1A1: the dims rule, which encoding each tensor may carry, and the NI_ENC_BINARY and NI_ENC_BINARY_EMBED
 * params. */
static void w1a1_cases(void)
{
    uint32_t i;
    make = tb_w1a1_options;
    fresh();
    CHECK(opt.dims.hidden_size == 64 && opt.dims.num_heads == 2 && opt.dims.intermediate_size == 96);
    expect(NI_OK, "untampered W1A1");

    /* dims: E, H, I and the head size multiples of 32 */
    tb_wr32(sec(NI_SECTION_MODEL) + 4, 48); expect(NI_ERR_MODEL_DIMS, "W1A1 E = 48");
    tb_wr32(sec(NI_SECTION_MODEL) + 8, 96); expect(NI_ERR_MODEL_DIMS, "W1A1 H = 96: head size 48");
    tb_wr32(sec(NI_SECTION_MODEL) + 12, 4); expect(NI_ERR_MODEL_DIMS, "W1A1 4 heads: head size 16");
    tb_wr32(sec(NI_SECTION_MODEL) + 16, 100); expect(NI_ERR_MODEL_DIMS, "W1A1 I = 100");
    tb_wr32(sec(NI_SECTION_MODEL) + 16, 64); expect(NI_ERR_TENSOR_SHAPE, "W1A1 I = 64: FFN has 96 rows");

    /* encodings: BINARY_EMBED for the embedding tables, BINARY_SIGN for Q, K, V, BINARY everywhere else but the
     * classifiers, which are INT8_ROW; reserved ids rejected; BINARY_EMBED has no GEMM, so no GEMM operand may carry
     * it, and BINARY_SIGN no embedding rows */
    for (i = 0; i < 3; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_BINARY;
        expect(NI_ERR_TENSOR_ENCODING, "BINARY Q, K or V in a W1A1 model");
    }
    for (i = 3; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_BINARY_SIGN;
        expect(NI_ERR_TENSOR_ENCODING, "BINARY_SIGN Dense, FFN or FFN output");
    }
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_SIGN; expect(NI_ERR_TENSOR_ENCODING, "BINARY_SIGN word embeddings");
    tensor(NI_SECTION_EMBEDDINGS, 2)[NI_TEN_ENCODING] = NI_ENC_BINARY_SIGN; expect(NI_ERR_TENSOR_ENCODING, "BINARY_SIGN mapping_in");
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_SIGN; expect(NI_ERR_TENSOR_ENCODING, "BINARY_SIGN pooler");
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW;
        expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW layer tensor in a W1A1 model");
    }
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW; expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW word embeddings in W1A1");
    tensor(NI_SECTION_EMBEDDINGS, 1)[NI_TEN_ENCODING] = NI_ENC_GOBO3; expect(NI_ERR_TENSOR_ENCODING, "reserved GOBO3 in W1A1");
    tensor(NI_SECTION_EXIT_HEADS, 2)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW; expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW pooler in W1A1");
    tensor(NI_SECTION_EXIT_HEADS, 3)[NI_TEN_ENCODING] = NI_ENC_BINARY; expect(NI_ERR_TENSOR_ENCODING, "BINARY classifier");
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_INT4; expect(NI_ERR_TENSOR_ENCODING, "reserved INT4 classifier");
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY; expect(NI_ERR_TENSOR_ENCODING, "BINARY word embeddings in W1A1");
    tensor(NI_SECTION_EMBEDDINGS, 1)[NI_TEN_ENCODING] = NI_ENC_BINARY; expect(NI_ERR_TENSOR_ENCODING, "BINARY position embeddings in W1A1");
    tensor(NI_SECTION_EMBEDDINGS, 2)[NI_TEN_ENCODING] = NI_ENC_BINARY_EMBED; expect(NI_ERR_TENSOR_ENCODING, "BINARY_EMBED mapping_in (a GEMM operand)");
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_BINARY_EMBED;
        expect(NI_ERR_TENSOR_ENCODING, "BINARY_EMBED layer tensor (a GEMM operand)");
    }
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_EMBED; expect(NI_ERR_TENSOR_ENCODING, "BINARY_EMBED pooler");
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_BINARY_EMBED; expect(NI_ERR_TENSOR_ENCODING, "BINARY_EMBED classifier");

    /* BINARY sizes: rows * cols / 8 data bytes, 16 + 4 rows params bytes */
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH) == 96u * 64u / 8u);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH) == 16u + 4u * 96u);
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, 4); expect(NI_ERR_TENSOR_SIZE, "BINARY data length + 4");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "BINARY data length - 4");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "BINARY params length - 4");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, 4); expect(NI_ERR_TENSOR_SIZE, "BINARY params length + 4");
    add32(tensor(NI_SECTION_EMBEDDINGS, 2) + NI_TEN_PARAMS_LENGTH, -16); expect(NI_ERR_TENSOR_SIZE, "BINARY params without header");

    /* BINARY_SIGN sizes and params: the rows of BINARY, 8 + 2 rows params bytes {act_threshold -128..127, 0, int16
     * bias a row}; every bias is valid */
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_DATA_LENGTH) == 64u * 64u / 8u);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_PARAMS_LENGTH) == 8u + 2u * 64u);
    add32(tensor(NI_SECTION_LAYER, 1) + NI_TEN_DATA_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "BINARY_SIGN data length - 4");
    add32(tensor(NI_SECTION_LAYER, 2) + NI_TEN_PARAMS_LENGTH, 2); expect(NI_ERR_TENSOR_SIZE, "BINARY_SIGN params length + 2");
    add32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_PARAMS_LENGTH, -2); expect(NI_ERR_TENSOR_SIZE, "BINARY_SIGN params length - 2");
    tb_wr32(params(NI_SECTION_LAYER, 0), 128); expect(NI_ERR_TENSOR_PARAMS, "BINARY_SIGN act_threshold 128");
    tb_wr32(params(NI_SECTION_LAYER, 1), (uint32_t)-129); expect(NI_ERR_TENSOR_PARAMS, "BINARY_SIGN act_threshold -129");
    tb_wr32(params(NI_SECTION_LAYER, 2), (uint32_t)-128); expect(NI_OK, "BINARY_SIGN act_threshold -128");
    params(NI_SECTION_LAYER, 2)[5] = 1; expect(NI_ERR_TENSOR_PARAMS, "BINARY_SIGN reserved");
    tb_wr16(params(NI_SECTION_LAYER, 0) + 8, 0x8000u); tb_wr16(params(NI_SECTION_LAYER, 0) + 8 + 2 * 63, 0x7FFFu);
    expect(NI_OK, "BINARY_SIGN biases -32768 and 32767");

    /* BINARY_EMBED sizes: the rows of BINARY, 8 + rows params bytes (one magnitude byte a row) */
    CHECK(ni_rd32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_DATA_LENGTH) == opt.dims.vocab_size * 32u / 8u);
    CHECK(ni_rd32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_PARAMS_LENGTH) == 8u + opt.dims.vocab_size);
    CHECK(ni_rd32(tensor(NI_SECTION_EMBEDDINGS, 1) + NI_TEN_PARAMS_LENGTH) == 8u + opt.dims.max_positions);
    add32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_DATA_LENGTH, 4); expect(NI_ERR_TENSOR_SIZE, "BINARY_EMBED data length + 4");
    add32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_PARAMS_LENGTH, -1); expect(NI_ERR_TENSOR_SIZE, "BINARY_EMBED params length - 1");
    add32(tensor(NI_SECTION_EMBEDDINGS, 1) + NI_TEN_PARAMS_LENGTH, 1); expect(NI_ERR_TENSOR_SIZE, "BINARY_EMBED params length + 1");
    add32(tensor(NI_SECTION_EMBEDDINGS, 1) + NI_TEN_PARAMS_LENGTH, -8); expect(NI_ERR_TENSOR_SIZE, "BINARY_EMBED params without header");

    /* BINARY_EMBED params header {shift 0..7, 0}; every magnitude byte is valid */
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 0), 8); expect(NI_ERR_TENSOR_PARAMS, "BINARY_EMBED shift 8");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 0), 0xFFFFFFFFu); expect(NI_ERR_TENSOR_PARAMS, "BINARY_EMBED shift -1");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 1), 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "BINARY_EMBED shift -2^31");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 0), 7); expect(NI_OK, "BINARY_EMBED shift 7");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 1), 0); expect(NI_OK, "BINARY_EMBED shift 0");
    params(NI_SECTION_EMBEDDINGS, 0)[4] = 1; expect(NI_ERR_TENSOR_PARAMS, "BINARY_EMBED reserved byte 4");
    params(NI_SECTION_EMBEDDINGS, 1)[7] = 0x80; expect(NI_ERR_TENSOR_PARAMS, "BINARY_EMBED reserved byte 7");
    memset(params(NI_SECTION_EMBEDDINGS, 0) + 8, 0xFF, opt.dims.vocab_size); expect(NI_OK, "BINARY_EMBED magnitudes 255");
    memset(params(NI_SECTION_EMBEDDINGS, 1) + 8, 0, opt.dims.max_positions); expect(NI_OK, "BINARY_EMBED magnitudes 0");

    /* BINARY params header {act_threshold -128..127, shift 1..62, 0, 0}; every row record is valid */
    tb_wr32(params(NI_SECTION_LAYER, 3), 128); expect(NI_ERR_TENSOR_PARAMS, "BINARY act_threshold 128");
    tb_wr32(params(NI_SECTION_LAYER, 3), (uint32_t)-129); expect(NI_ERR_TENSOR_PARAMS, "BINARY act_threshold -129");
    tb_wr32(params(NI_SECTION_LAYER, 3), 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "BINARY act_threshold -2^31");
    tb_wr32(params(NI_SECTION_LAYER, 3), 127); expect(NI_OK, "BINARY act_threshold 127");
    tb_wr32(params(NI_SECTION_LAYER, 3), (uint32_t)-128); expect(NI_OK, "BINARY act_threshold -128");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 2) + 4, 0); expect(NI_ERR_TENSOR_PARAMS, "BINARY shift 0");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 2) + 4, 63); expect(NI_ERR_TENSOR_PARAMS, "BINARY shift 63");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 2) + 4, 62); expect(NI_OK, "BINARY shift 62");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 2) + 4, 1); expect(NI_OK, "BINARY shift 1");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 0) + 8, 1); expect(NI_ERR_TENSOR_PARAMS, "BINARY reserved0");
    params(NI_SECTION_EXIT_HEADS, 0)[15] = 0x80; expect(NI_ERR_TENSOR_PARAMS, "BINARY reserved1");
    tb_wr16(params(NI_SECTION_LAYER, 5) + 16 + 4 * 3, 0x8000u); tb_wr16(params(NI_SECTION_LAYER, 5) + 18 + 4 * 3, 0xFFFFu);
    expect(NI_OK, "BINARY row bias -32768, multiplier 65535");
    tb_wr16(params(NI_SECTION_LAYER, 5) + 16, 0x7FFFu); tb_wr16(params(NI_SECTION_LAYER, 5) + 18, 0);
    expect(NI_OK, "BINARY row bias 32767, multiplier 0");

    /* the classifiers keep the INT8_ROW rules */
    int8_row_params_cases(NI_SECTION_EXIT_HEADS, 1);

    /* QUANT_PARAMS: no softmax block (tables 0), |attn_threshold| <= head size (32) */
    CHECK(lay.section_length[NI_SECTION_QUANT_PARAMS] == sizeof(ni_qparams_fixed) + 8u * (32u + 2u * 64u) + 256u * opt.dims.num_layers);
    tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 4, NI_QP_TABLE_SOFTMAX); expect(NI_ERR_QUANT_TABLES, "W1A1 QUANT_PARAMS with a softmax table");
    tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 4, 2); expect(NI_ERR_QUANT_TABLES, "W1A1 QUANT_PARAMS unknown table bit");
    tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 8, 33); expect(NI_ERR_QUANT_PARAMS, "attention threshold 33 > head size");
    tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 8, (uint32_t)-33); expect(NI_ERR_QUANT_PARAMS, "attention threshold -33");
    tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 8, 32); expect(NI_OK, "attention threshold 32");
    tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 8, (uint32_t)-32); expect(NI_OK, "attention threshold -32");
    tb_wr32(sec(NI_SECTION_QUANT_PARAMS), 2); expect(NI_ERR_QUANT_PARAMS, "W1A1 QUANT_PARAMS version 2");
    make = tb_default_options;
    fresh();
}

/* W1A1 poolers over the int8 h[CLS] (NI_ENC_BINARY_S8): allowed on the poolers only, each exit on its own; sizes
 * {the rows of BINARY, 8 + 4 rows params}; params {shift 1..62, 0, {int16 bias, uint16 multiplier} a row}. */
static void w1a1_s8_cases(void)
{
    uint32_t i;
    make = tb_w1a1_options;
    fresh();
    /* a BINARY pooler retagged: BINARY_S8 is allowed there, its sizes are not BINARY's */
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_S8; expect(NI_ERR_TENSOR_SIZE, "BINARY pooler retagged BINARY_S8");
    make = tb_w1a1_s8_options;
    fresh();
    CHECK(tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] == NI_ENC_BINARY_S8);
    CHECK(tensor(NI_SECTION_EXIT_HEADS, 2)[NI_TEN_ENCODING] == NI_ENC_BINARY_S8);
    expect(NI_OK, "untampered W1A1 with BINARY_S8 poolers");
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_BINARY_S8;
        expect(NI_ERR_TENSOR_ENCODING, "BINARY_S8 layer tensor");
    }
    for (i = 0; i < NI_EMBEDDING_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_EMBEDDINGS, i)[NI_TEN_ENCODING] = NI_ENC_BINARY_S8;
        expect(NI_ERR_TENSOR_ENCODING, "BINARY_S8 embedding table or mapping_in");
    }
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_BINARY_S8; expect(NI_ERR_TENSOR_ENCODING, "BINARY_S8 classifier");
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY; expect(NI_ERR_TENSOR_SIZE, "BINARY_S8 pooler retagged BINARY");
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_SIGN; expect(NI_ERR_TENSOR_ENCODING, "BINARY_SIGN pooler");
    CHECK(ni_rd32(tensor(NI_SECTION_EXIT_HEADS, 0) + NI_TEN_DATA_LENGTH) == 64u * 64u / 8u);
    CHECK(ni_rd32(tensor(NI_SECTION_EXIT_HEADS, 0) + NI_TEN_PARAMS_LENGTH) == 8u + 4u * 64u);
    add32(tensor(NI_SECTION_EXIT_HEADS, 0) + NI_TEN_DATA_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "BINARY_S8 data length - 4");
    add32(tensor(NI_SECTION_EXIT_HEADS, 2) + NI_TEN_PARAMS_LENGTH, 4); expect(NI_ERR_TENSOR_SIZE, "BINARY_S8 params length + 4");
    add32(tensor(NI_SECTION_EXIT_HEADS, 0) + NI_TEN_PARAMS_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "BINARY_S8 params length - 4");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 0), 0); expect(NI_ERR_TENSOR_PARAMS, "BINARY_S8 shift 0");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 0), 63); expect(NI_ERR_TENSOR_PARAMS, "BINARY_S8 shift 63");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 2), 0x80000001u); expect(NI_ERR_TENSOR_PARAMS, "BINARY_S8 shift -2^31 + 1");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 0), 62); expect(NI_OK, "BINARY_S8 shift 62");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 0), 1); expect(NI_OK, "BINARY_S8 shift 1");
    params(NI_SECTION_EXIT_HEADS, 2)[7] = 0x80; expect(NI_ERR_TENSOR_PARAMS, "BINARY_S8 reserved");
    tb_wr16(params(NI_SECTION_EXIT_HEADS, 0) + 8, 0x8000u); tb_wr16(params(NI_SECTION_EXIT_HEADS, 0) + 10, 0xFFFFu);
    tb_wr16(params(NI_SECTION_EXIT_HEADS, 0) + 8 + 4 * 63, 0x7FFFu); tb_wr16(params(NI_SECTION_EXIT_HEADS, 0) + 10 + 4 * 63, 0);
    expect(NI_OK, "BINARY_S8 biases -32768 and 32767, multipliers 65535 and 0");
    /* in an INT8 model no tensor may carry it */
    make = tb_default_options;
    fresh();
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_S8; expect(NI_ERR_TENSOR_ENCODING, "BINARY_S8 pooler in an INT8 model");
}

/* Scheme AF8 (NI_ENC_ADAPTIVFLOAT on mapping_in, Q, K, V, Dense, FFN, FFN output and the poolers): sizes {rows x cols,
 * 8 + 4 rows}; params {multiplier >= 0, shift 1..62, one int32 bias a row, |bias| <= 2^30}; every code byte valid. */
static void af8_cases(void)
{
    uint32_t i;
    make = tb_af8_options;
    fresh();
    expect(NI_OK, "untampered AF8");
    CHECK(tensor(NI_SECTION_LAYER, 4)[NI_TEN_ENCODING] == NI_ENC_ADAPTIVFLOAT);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH) == 16u * 8u);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH) == 8u + 4u * 16u);
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW;
        expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW layer tensor in an AF8 model");
    }
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_ADAPTIVFLOAT; expect(NI_ERR_TENSOR_ENCODING, "AF8 word embeddings");
    tensor(NI_SECTION_EMBEDDINGS, 1)[NI_TEN_ENCODING] = NI_ENC_ADAPTIVFLOAT; expect(NI_ERR_TENSOR_ENCODING, "AF8 position embeddings");
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_ADAPTIVFLOAT; expect(NI_ERR_TENSOR_ENCODING, "AF8 classifier");
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_S8; expect(NI_ERR_TENSOR_ENCODING, "BINARY_S8 pooler in AF8");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT8); expect(NI_ERR_TENSOR_ENCODING, "AF8 tensors in an INT8 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_GOBO3); expect(NI_ERR_TENSOR_ENCODING, "AF8 tensors in a GOBO3 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT4); expect(NI_ERR_TENSOR_ENCODING, "AF8 tensors in an INT4 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_MAX + 1); expect(NI_ERR_MODEL_DIMS, "scheme NI_SCHEME_MAX + 1");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "AF8 data length - 4");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, 4); expect(NI_ERR_TENSOR_SIZE, "AF8 params length + 4");
    add32(tensor(NI_SECTION_EXIT_HEADS, 0) + NI_TEN_PARAMS_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "AF8 params length - 4");
    tb_wr32(params(NI_SECTION_LAYER, 0), 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "AF8 multiplier -2^31");
    tb_wr32(params(NI_SECTION_LAYER, 1) + 4, 0); expect(NI_ERR_TENSOR_PARAMS, "AF8 shift 0");
    tb_wr32(params(NI_SECTION_LAYER, 2) + 4, 63); expect(NI_ERR_TENSOR_PARAMS, "AF8 shift 63");
    tb_wr32(params(NI_SECTION_LAYER, 3) + 8 + 4 * 7, (1u << 30) + 1u); expect(NI_ERR_TENSOR_PARAMS, "AF8 bias 2^30 + 1");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 2) + 8, (uint32_t)-(1L << 30) - 1u); expect(NI_ERR_TENSOR_PARAMS, "AF8 bias -2^30 - 1");
    tb_wr32(params(NI_SECTION_LAYER, 3) + 8 + 4 * 7, 1u << 30); tb_wr32(params(NI_SECTION_LAYER, 3) + 8, (uint32_t)-(1L << 30));
    tb_wr32(params(NI_SECTION_LAYER, 3), 0x7FFFFFFFu); tb_wr32(params(NI_SECTION_LAYER, 3) + 4, 62);
    expect(NI_OK, "AF8 biases +-2^30, multiplier 2^31 - 1, shift 62");
    memset((uint8_t *)(sec(NI_SECTION_LAYER) + ni_rd32(tensor(NI_SECTION_LAYER, 5) + NI_TEN_DATA_OFFSET)), 0x80, 8u * 16u);
    expect(NI_OK, "AF8 codes 0x80 (zero)");
    /* an INT8 model may not carry it */
    make = tb_default_options;
    fresh();
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = NI_ENC_ADAPTIVFLOAT; expect(NI_ERR_TENSOR_ENCODING, "AF8 value in an INT8 model");
}

/* Scheme GOBO3 (NI_ENC_GOBO3 on mapping_in, Q, K, V, Dense, FFN, FFN output and the poolers; the builder writes
 * min(rows, 3) outliers): lengths exactly {rows x 3 ceil(cols / 8) + 6 outliers, 28 + 4 rows} (NI_ERR_TENSOR_SIZE);
 * params {multiplier >= 0, shift 1..62, |centroid| <= 4095, |bias| <= 2^30} and outliers inside the tensor, sorted,
 * unique, |value| <= 4095, index slot 0 (NI_ERR_TENSOR_PARAMS). */
static uint8_t *gobo3_outlier(uint32_t i) /* outlier i of the FFN (16 x 8: 3 index bytes a row) */
{
    return sec(NI_SECTION_LAYER) + ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_OFFSET) + 16u * 3u + 6u * i;
}

static void gobo3_cases(void)
{
    uint32_t i;
    make = tb_gobo3_options;
    fresh();
    expect(NI_OK, "untampered GOBO3");
    CHECK(tensor(NI_SECTION_LAYER, 4)[NI_TEN_ENCODING] == NI_ENC_GOBO3);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH) == 16u * 3u + 3u * 6u);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH) == 28u + 4u * 16u);
    CHECK(ni_rd32(params(NI_SECTION_LAYER, 4) + 8) == 3u && ni_rd16(gobo3_outlier(2)) == 2u && ni_rd16(gobo3_outlier(2) + 2) == 3u);
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW;
        expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW layer tensor in a GOBO3 model");
    }
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_GOBO3; expect(NI_ERR_TENSOR_ENCODING, "GOBO3 word embeddings");
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_GOBO3; expect(NI_ERR_TENSOR_ENCODING, "GOBO3 classifier");
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_ADAPTIVFLOAT; expect(NI_ERR_TENSOR_ENCODING, "AF8 pooler in GOBO3");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_AF8); expect(NI_ERR_TENSOR_ENCODING, "GOBO3 tensors in an AF8 model");
    /* lengths against the count */
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -6); expect(NI_ERR_TENSOR_SIZE, "GOBO3 data one outlier short");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, 6); expect(NI_ERR_TENSOR_SIZE, "GOBO3 data one outlier long");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -1); expect(NI_ERR_TENSOR_SIZE, "GOBO3 data length - 1");
    tb_wr32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, 47); expect(NI_ERR_TENSOR_SIZE, "GOBO3 data shorter than its indices");
    add32(params(NI_SECTION_LAYER, 4) + 8, 1); expect(NI_ERR_TENSOR_SIZE, "GOBO3 outlier count + 1");
    add32(params(NI_SECTION_LAYER, 4) + 8, -1); expect(NI_ERR_TENSOR_SIZE, "GOBO3 outlier count - 1");
    tb_wr32(params(NI_SECTION_LAYER, 4) + 8, 0xFFFFFFFFu); expect(NI_ERR_TENSOR_SIZE, "GOBO3 outlier count 2^32 - 1");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, 4); expect(NI_ERR_TENSOR_SIZE, "GOBO3 params length + 4");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "GOBO3 params length - 4");
    /* the outliers */
    tb_wr16(gobo3_outlier(2), 16); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 outlier row = rows");
    tb_wr16(gobo3_outlier(0) + 2, 8); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 outlier col = cols");
    tb_wr16(gobo3_outlier(1), 0); tb_wr16(gobo3_outlier(1) + 2, 1); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 duplicate outlier");
    tb_wr16(gobo3_outlier(1), 0); tb_wr16(gobo3_outlier(1) + 2, 0); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 outliers out of order");
    tb_wr16(gobo3_outlier(1) + 4, 4096); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 outlier value 4096");
    tb_wr16(gobo3_outlier(1) + 4, (uint32_t)-4096); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 outlier value -4096");
    sec(NI_SECTION_LAYER)[ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_OFFSET)] |= 1u << 3; /* row 0 col 1 */
    expect(NI_ERR_TENSOR_PARAMS, "GOBO3 outlier slot index 1");
    /* params */
    tb_wr32(params(NI_SECTION_LAYER, 0), 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 multiplier -2^31");
    tb_wr32(params(NI_SECTION_LAYER, 1) + 4, 0); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 shift 0");
    tb_wr32(params(NI_SECTION_LAYER, 2) + 4, 63); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 shift 63");
    tb_wr16(params(NI_SECTION_LAYER, 3) + 12 + 2 * 7, 4096); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 centroid 7 = 4096");
    tb_wr16(params(NI_SECTION_EMBEDDINGS, 2) + 12, (uint32_t)-4096); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 centroid 0 = -4096");
    tb_wr32(params(NI_SECTION_LAYER, 3) + 28 + 4 * 7, (1u << 30) + 1u); expect(NI_ERR_TENSOR_PARAMS, "GOBO3 bias 2^30 + 1");
    for (i = 0; i < 8; i++) tb_wr16(params(NI_SECTION_LAYER, 4) + 12 + 2 * i, (i & 1) ? 4095u : (uint32_t)-4095);
    tb_wr16(gobo3_outlier(0) + 4, (uint32_t)-4095); tb_wr16(gobo3_outlier(1) + 4, 4095);
    tb_wr32(params(NI_SECTION_LAYER, 4), 0x7FFFFFFFu); tb_wr32(params(NI_SECTION_LAYER, 4) + 4, 62);
    expect(NI_OK, "GOBO3 centroids and outliers +-4095, multiplier 2^31 - 1, shift 62");
    /* no outliers at all */
    tb_wr32(params(NI_SECTION_LAYER, 4) + 8, 0); add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -18);
    expect(NI_OK, "GOBO3 FFN without outliers");
    /* an INT8 model may not carry it */
    make = tb_default_options;
    fresh();
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = NI_ENC_GOBO3; expect(NI_ERR_TENSOR_ENCODING, "GOBO3 value in an INT8 model");
}

/* NI_ENC_INT8_SPARSE_EMBED word embeddings (V = 40, E = 12: 2-byte bitmaps, 4 bits past cols): least sizes {44 V
 * (data), 12 V (params)}; exact row offsets, kept counts = popcounts, data ending with the last row, no bit past cols;
 * INT8_ROW params; only the word embeddings of an INT8, AF8 or GOBO3 model. */
static uint8_t *word_data(void) { return sec(NI_SECTION_EMBEDDINGS) + ni_rd32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_DATA_OFFSET); }
static void sparse_embed_cases(void)
{
    make = tb_sparse_embed_options;
    fresh();
    expect(NI_OK, "untampered INT8_SPARSE_EMBED");
    CHECK(tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] == NI_ENC_INT8_SPARSE_EMBED);
    const uint32_t dl = ni_rd32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_DATA_LENGTH);
    CHECK(dl > 40u * 6u && ni_rd32(word_data()) == 40u * 4u);
    CHECK(ni_rd32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_PARAMS_LENGTH) == 40u * 12u);
    tensor(NI_SECTION_EMBEDDINGS, 1)[NI_TEN_ENCODING] = NI_ENC_INT8_SPARSE_EMBED; expect(NI_ERR_TENSOR_ENCODING, "sparse position embeddings");
    tensor(NI_SECTION_EMBEDDINGS, 2)[NI_TEN_ENCODING] = NI_ENC_INT8_SPARSE_EMBED; expect(NI_ERR_TENSOR_ENCODING, "sparse mapping_in");
    tensor(NI_SECTION_LAYER, 0)[NI_TEN_ENCODING] = NI_ENC_INT8_SPARSE_EMBED; expect(NI_ERR_TENSOR_ENCODING, "sparse query");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_AF8); expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW layer of an AF8 model (word table allowed)");
    tb_wr32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_DATA_LENGTH, 40u * 6u - 1u); expect(NI_ERR_TENSOR_SIZE, "sparse data below the least length");
    add32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_DATA_LENGTH, -1); expect(NI_ERR_TENSOR_SIZE, "sparse data length - 1");
    add32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_PARAMS_LENGTH, -12); expect(NI_ERR_TENSOR_SIZE, "sparse params length - 12");
    add32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_PARAMS_LENGTH, 12); expect(NI_ERR_TENSOR_PARAMS, "sparse params length + 12");
    add32(word_data() + 4u * 7u, 1); expect(NI_ERR_TENSOR_SIZE, "sparse row 7 offset + 1");
    add32(word_data() + 4u * 7u, -1); expect(NI_ERR_TENSOR_SIZE, "sparse row 7 offset - 1");
    tb_wr32(word_data() + 4u * 39u, 0xFFFFFFF0u); expect(NI_ERR_TENSOR_SIZE, "sparse last row offset past data");
    tb_wr32(word_data(), 0); expect(NI_ERR_TENSOR_SIZE, "sparse row 0 offset 0 (inside the offsets)");
    word_data()[ni_rd32(word_data() + 4u * 5u)] ^= 0x01u; expect(NI_ERR_TENSOR_SIZE, "sparse row 5 bitmap bit flipped");
    word_data()[ni_rd32(word_data() + 4u * 5u) + 1u] ^= 0x80u; expect(NI_ERR_TENSOR_PARAMS, "sparse row 5 keeps column 15 of 12");
    word_data()[ni_rd32(word_data() + 4u * 39u) + 1u] ^= 0x10u; expect(NI_ERR_TENSOR_PARAMS, "sparse last row keeps column 12 of 12");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 0) + 12u * 3u + 8u, 0); expect(NI_ERR_TENSOR_PARAMS, "sparse row 3 shift 0");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 0) + 12u * 3u + 4u, 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "sparse row 3 multiplier < 0");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 0), (1u << 30) + 1u); expect(NI_ERR_TENSOR_PARAMS, "sparse row 0 bias 2^30 + 1");
    /* every value byte is a valid weight */
    memset(word_data() + ni_rd32(word_data() + 4u) + 2u, 0x80, 12u); expect(NI_OK, "sparse row 1 (full) all -128");
    /* a W1A1 model may not carry it */
    make = tb_w1a1_options;
    fresh();
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_INT8_SPARSE_EMBED; expect(NI_ERR_TENSOR_ENCODING, "sparse word embeddings in W1A1");
}

/* ATTENTION_SPAN (head 0 span 3, head 1 span 0 in an INT8 model with 2 heads and P = 8): count == heads, length
 * 8 + 4, reserved and padding 0, spans <= max_positions, a scheme with the softmax attention. */
static void span_cases(void)
{
    uint8_t *s;
    make = tb_span_options;
    fresh();
    expect(NI_OK, "untampered ATTENTION_SPAN");
    s = sec(NI_SECTION_ATTENTION_SPAN);
    CHECK(lay.section_length[NI_SECTION_ATTENTION_SPAN] == NI_ATTENTION_SPAN_HEADER_SIZE + 4u);
    tb_wr16(s + 8, 8); tb_wr16(s + 10, 8); expect(NI_OK, "spans = max_positions");
    tb_wr16(s + 8, 9); expect(NI_ERR_ATTENTION_SPAN, "span max_positions + 1");
    tb_wr16(s + 10, 0xFFFFu); expect(NI_ERR_ATTENTION_SPAN, "span 65535");
    tb_wr32(s, 1); expect(NI_ERR_ATTENTION_SPAN, "count 1 for 2 heads");
    tb_wr32(s, 3); expect(NI_ERR_ATTENTION_SPAN, "count 3 for 2 heads");
    tb_wr32(s + 4, 1); expect(NI_ERR_RESERVED, "span reserved");
    add32(row(NI_SECTION_ATTENTION_SPAN) + NI_SEC_LENGTH, -4); len -= 4; tb_wr32(buf + NI_HDR_TOTAL_LENGTH, len);
    expect(NI_ERR_ATTENTION_SPAN, "span section 4 bytes short");
    add32(row(NI_SECTION_ATTENTION_SPAN) + NI_SEC_LENGTH, -8); len -= 8; tb_wr32(buf + NI_HDR_TOTAL_LENGTH, len);
    expect(NI_ERR_SECTION_FORMAT, "span section shorter than its header");
    tb_wr32(sec(NI_SECTION_MODEL) + 12, 4); /* 4 heads of 2: the head size breaks the dims first */
    expect(NI_ERR_MODEL_DIMS, "heads 4");
    opt = make(); /* one head: 2 bytes of padding */
    opt.dims.num_heads = 1;
    len = tb_build(buf, sizeof buf, &opt, &lay);
    CHECK_STATUS(ni_image_open(buf, len, &(ni_image){ 0 }), NI_OK, "one head, span 3");
    sec(NI_SECTION_ATTENTION_SPAN)[NI_ATTENTION_SPAN_HEADER_SIZE + 3] = 1;
    expect(NI_ERR_RESERVED, "span padding not zero");
    make = tb_w1a1_options; /* spans in a W1A1 model: no softmax attention to cut */
    {
        static const uint16_t w1a1_spans[2] = { 3, 3 };
        opt = make();
        opt.attention_spans = w1a1_spans;
        len = tb_build(buf, sizeof buf, &opt, &lay);
        expect(NI_ERR_ATTENTION_SPAN, "spans in a W1A1 model");
    }
    make = tb_default_options;
    fresh();
}

/* Scheme INT4 (NI_ENC_INT4 on mapping_in, Q, K, V, Dense, FFN, FFN output and the poolers): sizes {rows x cols/2,
 * 12 rows}; params those of INT8_ROW {|bias| <= 2^30, multiplier >= 0, shift 1..62} per row; every nibble valid. */
static void int4_cases(void)
{
    uint32_t i;
    make = tb_int4_options;
    fresh();
    expect(NI_OK, "untampered INT4");
    CHECK(tensor(NI_SECTION_LAYER, 4)[NI_TEN_ENCODING] == NI_ENC_INT4);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH) == 16u * 8u / 2u);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH) == 12u * 16u);
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW;
        expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW layer tensor in an INT4 model");
    }
    tensor(NI_SECTION_LAYER, 0)[NI_TEN_ENCODING] = NI_ENC_ADAPTIVFLOAT; expect(NI_ERR_TENSOR_ENCODING, "AF8 query in an INT4 model");
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_INT4; expect(NI_ERR_TENSOR_ENCODING, "INT4 word embeddings");
    tensor(NI_SECTION_EMBEDDINGS, 1)[NI_TEN_ENCODING] = NI_ENC_INT4; expect(NI_ERR_TENSOR_ENCODING, "INT4 position embeddings");
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_INT4; expect(NI_ERR_TENSOR_ENCODING, "INT4 classifier");
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_S8; expect(NI_ERR_TENSOR_ENCODING, "BINARY_S8 pooler in INT4");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT8); expect(NI_ERR_TENSOR_ENCODING, "INT4 tensors in an INT8 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_AF8); expect(NI_ERR_TENSOR_ENCODING, "INT4 tensors in an AF8 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_GOBO3); expect(NI_ERR_TENSOR_ENCODING, "INT4 tensors in a GOBO3 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_MAX + 1); expect(NI_ERR_MODEL_DIMS, "scheme NI_SCHEME_MAX + 1");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -4); expect(NI_ERR_TENSOR_SIZE, "INT4 data length - 4");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, 64); expect(NI_ERR_TENSOR_SIZE, "INT4 data length as int8 rows");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, 12); expect(NI_ERR_TENSOR_SIZE, "INT4 params length + 12");
    add32(tensor(NI_SECTION_EXIT_HEADS, 0) + NI_TEN_PARAMS_LENGTH, -12); expect(NI_ERR_TENSOR_SIZE, "INT4 params length - 12");
    tb_wr32(params(NI_SECTION_LAYER, 0) + 4, 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "INT4 multiplier -2^31");
    tb_wr32(params(NI_SECTION_LAYER, 1) + 8, 0); expect(NI_ERR_TENSOR_PARAMS, "INT4 shift 0");
    tb_wr32(params(NI_SECTION_LAYER, 2) + 12 * 3 + 8, 63); expect(NI_ERR_TENSOR_PARAMS, "INT4 shift 63");
    tb_wr32(params(NI_SECTION_LAYER, 3) + 12 * 7, (1u << 30) + 1u); expect(NI_ERR_TENSOR_PARAMS, "INT4 bias 2^30 + 1");
    tb_wr32(params(NI_SECTION_EMBEDDINGS, 2), (uint32_t)-(1L << 30) - 1u); expect(NI_ERR_TENSOR_PARAMS, "INT4 bias -2^30 - 1");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 0) + 12 * 5 + 8, 0); expect(NI_ERR_TENSOR_PARAMS, "INT4 pooler shift 0");
    tb_wr32(params(NI_SECTION_LAYER, 3) + 12 * 7, 1u << 30); tb_wr32(params(NI_SECTION_LAYER, 3), (uint32_t)-(1L << 30));
    tb_wr32(params(NI_SECTION_LAYER, 3) + 4, 0x7FFFFFFFu); tb_wr32(params(NI_SECTION_LAYER, 3) + 8, 62);
    expect(NI_OK, "INT4 biases +-2^30, multiplier 2^31 - 1, shift 62");
    memset((uint8_t *)(sec(NI_SECTION_LAYER) + ni_rd32(tensor(NI_SECTION_LAYER, 5) + NI_TEN_DATA_OFFSET)), 0x88, 8u * 16u / 2u);
    expect(NI_OK, "INT4 nibbles 8 (-8)");
    /* an INT8 model may not carry it */
    make = tb_default_options;
    fresh();
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = NI_ENC_INT4; expect(NI_ERR_TENSOR_ENCODING, "INT4 value in an INT8 model");
}

static uint8_t *data(uint32_t kind, uint32_t i) { return sec(kind) + ni_rd32(tensor(kind, i) + NI_TEN_DATA_OFFSET); }

/* Scheme IPQ (NI_ENC_IPQ on mapping_in, Q, K, V, Dense, FFN, FFN output and the poolers): params {K 1..256, d 1..16,
 * cols % d == 0} then INT8_ROW's rows, exactly 8 + 12 rows; data exactly K*d + rows*cols/d, every index < K. The
 * builder writes K 16, d 4. */
static void ipq_cases(void)
{
    uint32_t i;
    make = tb_ipq_options;
    fresh();
    expect(NI_OK, "untampered IPQ");
    CHECK(tensor(NI_SECTION_LAYER, 4)[NI_TEN_ENCODING] == NI_ENC_IPQ);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH) == 16u * 4u + 16u * 8u / 4u);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH) == 8u + 12u * 16u);
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW;
        expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW layer tensor in an IPQ model");
    }
    tensor(NI_SECTION_LAYER, 0)[NI_TEN_ENCODING] = NI_ENC_INT4; expect(NI_ERR_TENSOR_ENCODING, "INT4 query in an IPQ model");
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_IPQ; expect(NI_ERR_TENSOR_ENCODING, "IPQ word embeddings");
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_IPQ; expect(NI_ERR_TENSOR_ENCODING, "IPQ classifier");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT8); expect(NI_ERR_TENSOR_ENCODING, "IPQ tensors in an INT8 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT4); expect(NI_ERR_TENSOR_ENCODING, "IPQ tensors in an INT4 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_MAX + 1); expect(NI_ERR_MODEL_DIMS, "scheme NI_SCHEME_MAX + 1");
    /* lengths */
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -1); expect(NI_ERR_TENSOR_SIZE, "IPQ data length - 1");
    add32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_DATA_LENGTH, 1); expect(NI_ERR_TENSOR_SIZE, "IPQ data length + 1 (the query: 80 bytes, padding to 96)");
    tb_wr32(tensor(NI_SECTION_LAYER, 1) + NI_TEN_DATA_LENGTH, 0); expect(NI_ERR_TENSOR_SIZE, "IPQ data length 0");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, 12); expect(NI_ERR_TENSOR_PARAMS, "IPQ params length + 12");
    add32(tensor(NI_SECTION_EXIT_HEADS, 0) + NI_TEN_PARAMS_LENGTH, -12); expect(NI_ERR_TENSOR_SIZE, "IPQ params length - 12");
    /* the header: K 8 and d 2 are valid params but do not match the data's length; d 3 does not divide 8 */
    tb_wr32(params(NI_SECTION_LAYER, 0), 8); expect(NI_ERR_TENSOR_SIZE, "IPQ K 8 for a codebook of 16");
    tb_wr32(params(NI_SECTION_LAYER, 0) + 4, 2); expect(NI_ERR_TENSOR_SIZE, "IPQ d 2 for data of d 4");
    tb_wr32(params(NI_SECTION_LAYER, 0), 0); expect(NI_ERR_TENSOR_PARAMS, "IPQ K 0");
    tb_wr32(params(NI_SECTION_LAYER, 0), 257); expect(NI_ERR_TENSOR_PARAMS, "IPQ K 257");
    tb_wr32(params(NI_SECTION_LAYER, 2) + 4, 0); expect(NI_ERR_TENSOR_PARAMS, "IPQ d 0");
    tb_wr32(params(NI_SECTION_LAYER, 2) + 4, 3); expect(NI_ERR_TENSOR_PARAMS, "IPQ d 3 (8 columns)");
    tb_wr32(params(NI_SECTION_LAYER, 2) + 4, 17); expect(NI_ERR_TENSOR_PARAMS, "IPQ d 17");
    tb_wr32(params(NI_SECTION_LAYER, 2) + 4, 0xFFFFFFFCu); expect(NI_ERR_TENSOR_PARAMS, "IPQ d -4");
    /* indices */
    data(NI_SECTION_LAYER, 3)[16u * 4u] = 16; expect(NI_ERR_TENSOR_PARAMS, "IPQ first index K");
    data(NI_SECTION_LAYER, 5)[16u * 4u + 8u * 16u / 4u - 1u] = 255; expect(NI_ERR_TENSOR_PARAMS, "IPQ last index 255");
    data(NI_SECTION_EMBEDDINGS, 2)[16u * 4u + 3u] = 200; expect(NI_ERR_TENSOR_PARAMS, "IPQ mapping-in index 200");
    data(NI_SECTION_LAYER, 3)[16u * 4u] = 15; expect(NI_OK, "IPQ index K - 1");
    memset(data(NI_SECTION_LAYER, 3), 0x80, 16u * 4u); expect(NI_OK, "IPQ codewords -128");
    /* the rows' requantization: INT8_ROW's rules after the header */
    tb_wr32(params(NI_SECTION_LAYER, 0) + 8 + 4, 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "IPQ multiplier -2^31");
    tb_wr32(params(NI_SECTION_LAYER, 1) + 8 + 8, 0); expect(NI_ERR_TENSOR_PARAMS, "IPQ shift 0");
    tb_wr32(params(NI_SECTION_LAYER, 2) + 8 + 12 * 3 + 8, 63); expect(NI_ERR_TENSOR_PARAMS, "IPQ shift 63");
    tb_wr32(params(NI_SECTION_LAYER, 3) + 8 + 12 * 7, (1u << 30) + 1u); expect(NI_ERR_TENSOR_PARAMS, "IPQ bias 2^30 + 1");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 0) + 8 + 12 * 5 + 8, 0); expect(NI_ERR_TENSOR_PARAMS, "IPQ pooler shift 0");
    /* an INT8 model may not carry it */
    make = tb_default_options;
    fresh();
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = NI_ENC_IPQ; expect(NI_ERR_TENSOR_ENCODING, "IPQ value in an INT8 model");
}

/* Scheme INT8_SPARSE (NI_ENC_INT8_SPARSE on mapping_in, Q, K, V, Dense, FFN, FFN output and the poolers; section
 * 3l): the block size, the row starts, the exact data length, the block columns, INT8_ROW's params; checked on the
 * FFN [16, 8], whose row 1 keeps every block (columns 0, 1, 2 ..). */
static void int8_sparse_cases(void)
{
    uint32_t i;
    make = tb_int8_sparse_options;
    fresh();
    expect(NI_OK, "untampered INT8_SPARSE");
    CHECK(tensor(NI_SECTION_LAYER, 4)[NI_TEN_ENCODING] == NI_ENC_INT8_SPARSE);
    const uint32_t b = ni_rd32(data(NI_SECTION_LAYER, 4)), cols_at = 8u + 4u * 16u, first = ni_rd32(data(NI_SECTION_LAYER, 4) + 8u);
    CHECK((b == 1u || b == 4u) && ni_rd32(data(NI_SECTION_LAYER, 4) + 4u) == 0 && ni_rd32(data(NI_SECTION_LAYER, 4) + 12u) - first == 8u / b);
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW;
        expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW layer tensor in an INT8_SPARSE model");
    }
    tensor(NI_SECTION_EMBEDDINGS, 1)[NI_TEN_ENCODING] = NI_ENC_INT8_SPARSE; expect(NI_ERR_TENSOR_ENCODING, "INT8_SPARSE position embeddings");
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_INT8_SPARSE; expect(NI_ERR_TENSOR_ENCODING, "INT8_SPARSE classifier");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT8); expect(NI_ERR_TENSOR_ENCODING, "INT8_SPARSE tensors in an INT8 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT4); expect(NI_ERR_TENSOR_ENCODING, "INT8_SPARSE tensors in an INT4 model");
    tb_wr32(data(NI_SECTION_LAYER, 4), 2); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE block size 2");
    tb_wr32(data(NI_SECTION_LAYER, 4), 0); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE block size 0");
    tb_wr32(data(NI_SECTION_LAYER, 4) + 4u, 1); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE row 0 starts at block 1");
    tb_wr32(data(NI_SECTION_LAYER, 4) + 8u, ni_rd32(data(NI_SECTION_LAYER, 4) + 12u) + 1u); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE row 1 starts past row 2");
    tb_wr32(data(NI_SECTION_LAYER, 4) + 4u + 4u * 16u, 0xFFFFFFF0u); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE block count 2^32 - 16");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -1); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE data length - 1");
    tb_wr32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, cols_at - 1u); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE data below the least length");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, -12); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE params length - 12");
    tb_wr16(data(NI_SECTION_LAYER, 4) + cols_at + 2u * (first + 1u), 0); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE row 1 column repeated");
    tb_wr16(data(NI_SECTION_LAYER, 4) + cols_at + 2u * first, 8u / b); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE row 1 columns out of order");
    tb_wr16(data(NI_SECTION_LAYER, 4) + cols_at + 2u * (first + 8u / b - 1u), 8u / b); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE column = cols / b");
    tb_wr16(data(NI_SECTION_LAYER, 4) + cols_at + 2u * first, 0xFFFFu); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE column 65535");
    tb_wr32(params(NI_SECTION_LAYER, 4) + 8, 0); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE shift 0");
    tb_wr32(params(NI_SECTION_EXIT_HEADS, 0) + 12 * 5 + 4, 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE pooler multiplier < 0");
    tb_wr32(params(NI_SECTION_LAYER, 0), (1u << 30) + 1u); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE bias 2^30 + 1");
    /* an INT8 model may not carry it */
    make = tb_default_options;
    fresh();
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = NI_ENC_INT8_SPARSE; expect(NI_ERR_TENSOR_ENCODING, "INT8_SPARSE value in an INT8 model");
}

/* Scheme INT8_SPARSE in 4x4 blocks (b = 16, section 3l): row starts per group of 4 rows, columns in units of 4, 16
 * values a block; checked on the FFN [16, 8] (4 groups, 2 blocks a group at most), whose group 0 keeps no block and
 * group 1 both. */
static void int8_sparse_4x4_cases(void)
{
    make = tb_int8_sparse_4x4_options;
    fresh();
    expect(NI_OK, "untampered INT8_SPARSE 4x4");
    uint8_t *d = data(NI_SECTION_LAYER, 4);
    const uint32_t cols_at = 8u + 4u * 4u, nb = ni_rd32(d + 4u + 4u * 4u);
    CHECK(ni_rd32(d) == 16u && ni_rd32(d + 8u) == 0 && ni_rd32(d + 12u) == 2u);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH) == ((cols_at + 2u * nb + 3u) & ~3u) + 16u * nb);
    tb_wr32(data(NI_SECTION_LAYER, 4), 8); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE block size 8");
    tb_wr32(data(NI_SECTION_LAYER, 4), 4); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE 4x4 data read as blocks of 4");
    tb_wr32(data(NI_SECTION_LAYER, 4) + 8u, 3u); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE 4x4 group 1 starts past group 2");
    tb_wr32(data(NI_SECTION_LAYER, 4) + 12u, 3u); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE 4x4 group 1 has 3 blocks of 2 columns");
    tb_wr32(data(NI_SECTION_LAYER, 4) + 4u + 4u * 4u, 0xFFFFFFF0u); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE 4x4 block count 2^32 - 16");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -1); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE 4x4 data length - 1");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -16); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE 4x4 data length - 16");
    tb_wr32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, cols_at - 1u); expect(NI_ERR_TENSOR_SIZE, "INT8_SPARSE 4x4 data below the least length");
    tb_wr16(data(NI_SECTION_LAYER, 4) + cols_at + 2u, 0); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE 4x4 group 1 column repeated");
    tb_wr16(data(NI_SECTION_LAYER, 4) + cols_at + 2u, 2); expect(NI_ERR_TENSOR_PARAMS, "INT8_SPARSE 4x4 column = cols / 4");
    memset(data(NI_SECTION_LAYER, 4) + ((cols_at + 2u * nb + 3u) & ~3u), 0x80, 32u); expect(NI_OK, "INT8_SPARSE 4x4 group 1 all -128");
}

/* Scheme INT8_2OF4 (NI_ENC_INT8_2OF4 on mapping_in, Q, K, V, Dense, FFN, FFN output and the poolers): exact sizes
 * {rows x (cols/2 + ceil(cols/8)), 12 rows}; params those of INT8_ROW; every group's position nibble p0 | p1 << 2
 * with p0 < p1, an unused last nibble 0 (mapping_in: 12 columns, 3 groups). */
static void nm_2of4_cases(void)
{
    uint32_t i;
    make = tb_2of4_options;
    fresh();
    expect(NI_OK, "untampered INT8_2OF4");
    CHECK(tensor(NI_SECTION_LAYER, 4)[NI_TEN_ENCODING] == NI_ENC_INT8_2OF4);
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH) == 16u * (8u / 2u + 1u));
    CHECK(ni_rd32(tensor(NI_SECTION_EMBEDDINGS, 2) + NI_TEN_DATA_LENGTH) == 8u * (12u / 2u + 2u));
    CHECK(ni_rd32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH) == 12u * 16u);
    for (i = 0; i < NI_LAYER_TENSOR_COUNT; i++) {
        tensor(NI_SECTION_LAYER, i)[NI_TEN_ENCODING] = NI_ENC_INT8_ROW;
        expect(NI_ERR_TENSOR_ENCODING, "INT8_ROW layer tensor in an INT8_2OF4 model");
    }
    tensor(NI_SECTION_LAYER, 0)[NI_TEN_ENCODING] = NI_ENC_INT4; expect(NI_ERR_TENSOR_ENCODING, "INT4 query in an INT8_2OF4 model");
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_INT8_2OF4; expect(NI_ERR_TENSOR_ENCODING, "INT8_2OF4 word embeddings");
    tensor(NI_SECTION_EXIT_HEADS, 1)[NI_TEN_ENCODING] = NI_ENC_INT8_2OF4; expect(NI_ERR_TENSOR_ENCODING, "INT8_2OF4 classifier");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT8); expect(NI_ERR_TENSOR_ENCODING, "INT8_2OF4 tensors in an INT8 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_INT4); expect(NI_ERR_TENSOR_ENCODING, "INT8_2OF4 tensors in an INT4 model");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, NI_SCHEME_MAX + 1); expect(NI_ERR_MODEL_DIMS, "scheme NI_SCHEME_MAX + 1");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -1); expect(NI_ERR_TENSOR_SIZE, "INT8_2OF4 data length - 1");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, 1); expect(NI_ERR_TENSOR_SIZE, "INT8_2OF4 data length + 1");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_DATA_LENGTH, -16); expect(NI_ERR_TENSOR_SIZE, "INT8_2OF4 data length without positions");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_PARAMS_LENGTH, 12); expect(NI_ERR_TENSOR_SIZE, "INT8_2OF4 params length + 12");
    add32(tensor(NI_SECTION_EXIT_HEADS, 0) + NI_TEN_PARAMS_LENGTH, -12); expect(NI_ERR_TENSOR_SIZE, "INT8_2OF4 params length - 12");
    tb_wr32(params(NI_SECTION_LAYER, 0) + 4, 0x80000000u); expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 multiplier -2^31");
    tb_wr32(params(NI_SECTION_LAYER, 1) + 8, 0); expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 shift 0");
    tb_wr32(params(NI_SECTION_LAYER, 3) + 12 * 7, (1u << 30) + 1u); expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 bias 2^30 + 1");
    /* positions: row 3 of the FFN (16 x 8: values at bytes 0..3, the nibbles of groups 0 and 1 at byte 4) */
    data(NI_SECTION_LAYER, 4)[3 * 5 + 4] = 0x45; expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 positions 1, 1");
    data(NI_SECTION_LAYER, 4)[3 * 5 + 4] = 0x14; expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 positions 1, 0 (descending)");
    data(NI_SECTION_LAYER, 4)[3 * 5 + 4] = 0x04; expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 nibble 0 (positions 0, 0)");
    data(NI_SECTION_LAYER, 4)[15 * 5 + 4] = 0xF4; expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 positions 3, 3 in the last row");
    data(NI_SECTION_LAYER, 4)[3 * 5 + 4] = 0xE4; expect(NI_OK, "INT8_2OF4 positions (0, 1) and (2, 3)");
    data(NI_SECTION_EXIT_HEADS, 0)[4] = 0x9C; expect(NI_OK, "INT8_2OF4 pooler positions (0, 3) and (1, 2)");
    data(NI_SECTION_EXIT_HEADS, 0)[4] = 0x36; expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 pooler positions 2, 1 and 3, 0");
    /* mapping_in (8 x 12): per row 6 values, then byte 6 = groups 0 | 1, byte 7 = group 2 | the unused nibble */
    data(NI_SECTION_EMBEDDINGS, 2)[7] = (uint8_t)((data(NI_SECTION_EMBEDDINGS, 2)[7] & 0x0Fu) | 0x40u);
    expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 unused last nibble 4");
    data(NI_SECTION_EMBEDDINGS, 2)[7 * 8 + 7] &= 0xF0u; expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 last group's nibble 0");
    memset(data(NI_SECTION_LAYER, 5), 0x80, 8u * 8u); /* FFN output 8 x 16: values -128 (row 0 and its nibbles too) */
    expect(NI_ERR_TENSOR_PARAMS, "INT8_2OF4 nibbles 8 (positions 0, 2) and 0 read as values");
    for (i = 0; i < 8; i++) memset(data(NI_SECTION_LAYER, 5) + i * 10u, 0x80, 8u);
    expect(NI_OK, "INT8_2OF4 values -128");
    /* an INT8 model may not carry it */
    make = tb_default_options;
    fresh();
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = NI_ENC_INT8_2OF4; expect(NI_ERR_TENSOR_ENCODING, "INT8_2OF4 value in an INT8 model");
}

int main(void)
{
    ni_image img;
    uint8_t tmp[NI_TENSOR_ENTRY_SIZE];
    uint32_t n;
    fresh();
    CHECK_STATUS(ni_image_open(buf, len, &img), NI_OK, "untampered");

    /* header */
    tb_wr32(buf + NI_HDR_FLAGS, 0x80u); expect(NI_ERR_FLAGS, "unknown header flag");
    tb_wr32(buf + NI_HDR_FLAGS, NI_FLAG_THRESHOLDS_CALIBRATED); expect(NI_OK, "known header flag");
    buf[NI_HDR_RESERVED0] = 1; expect(NI_ERR_RESERVED, "header reserved0");
    buf[NI_HDR_RESERVED1 + 23] = 1; expect(NI_ERR_RESERVED, "header reserved1");
    tb_wr32(buf + NI_HDR_SECTION_TABLE_OFFSET, 128); expect(NI_ERR_SECTION_BOUNDS, "section table offset");
    tb_wr16(buf + NI_HDR_SECTION_COUNT, 0); expect(NI_ERR_SECTION_COUNT, "zero sections");
    tb_wr16(buf + NI_HDR_SECTION_COUNT, 17); expect(NI_ERR_SECTION_COUNT, "17 sections");
    tb_wr16(buf + NI_HDR_SECTION_ENTRY_SIZE, 32); expect(NI_ERR_SECTION_COUNT, "entry size 32");
    tb_wr16(buf + NI_HDR_VERSION, 1); expect(NI_ERR_VERSION, "version 1 (pre-release, repack)");
    tb_wr16(buf + NI_HDR_VERSION, 2); expect(NI_ERR_VERSION, "version 2 (8-byte vocabulary entries, repack)");
    tb_wr16(buf + NI_HDR_VERSION, 3); expect(NI_ERR_VERSION, "version 3 (binary embedding row params, every QUANT_PARAMS table; repack)");
    tb_wr16(buf + NI_HDR_VERSION, 5); expect(NI_ERR_VERSION, "version 5");
    tb_wr16(buf + NI_HDR_HEADER_SIZE, 128); expect(NI_ERR_HEADER_SIZE, "header size 128");
    add32(buf + NI_HDR_TOTAL_LENGTH, -1); expect(NI_ERR_LENGTH, "total length - 1");
    add32(buf + NI_HDR_TOTAL_LENGTH, 32); expect(NI_ERR_TRUNCATED, "total length + 32");

    /* section table */
    tb_wr16(row(NI_SECTION_LABELS) + NI_SEC_KIND, 12); expect(NI_ERR_SECTION_KIND, "section kind 12");
    tb_wr16(row(NI_SECTION_LABELS) + NI_SEC_KIND, 0); expect(NI_ERR_SECTION_KIND, "section kind 0");
    tb_wr16(row(NI_SECTION_LABELS) + NI_SEC_KIND, NI_SECTION_VOCABULARY); expect(NI_ERR_SECTION_DUPLICATE, "two VOCABULARY");
    tb_wr16(row(NI_SECTION_LABELS) + NI_SEC_KIND, NI_SECTION_MODEL); expect(NI_ERR_SECTION_ORDER, "MODEL after VOCABULARY");
    tb_wr16(row(NI_SECTION_MODEL) + NI_SEC_RESERVED, 1); expect(NI_ERR_RESERVED, "section entry reserved");
    add32(row(NI_SECTION_LAYER) + NI_SEC_OFFSET, 4); expect(NI_ERR_SECTION_ALIGN, "LAYER offset + 4");
    add32(row(NI_SECTION_LAYER) + NI_SEC_OFFSET, -32); expect(NI_ERR_SECTION_OVERLAP, "LAYER over MODEL");
    tb_wr32(row(NI_SECTION_EMBEDDINGS) + NI_SEC_OFFSET, 96); expect(NI_ERR_SECTION_OVERLAP, "EMBEDDINGS over the table");
    tb_wr32(row(NI_SECTION_EMBEDDINGS) + NI_SEC_OFFSET, 0); expect(NI_ERR_SECTION_OVERLAP, "EMBEDDINGS over the header");
    tb_wr32(row(NI_SECTION_THRESHOLDS) + NI_SEC_LENGTH, 0xFFFFFFF0u); expect(NI_ERR_SECTION_BOUNDS, "length wraps");
    tb_wr32(row(NI_SECTION_THRESHOLDS) + NI_SEC_OFFSET, 0xFFFFFFE0u); expect(NI_ERR_SECTION_BOUNDS, "offset past end");
    add32(row(NI_SECTION_NORMALIZER) + NI_SEC_LENGTH, -4); expect(NI_ERR_SECTION_BOUNDS, "trailing bytes");
    add32(row(NI_SECTION_NORMALIZER) + NI_SEC_LENGTH, 4); expect(NI_ERR_SECTION_BOUNDS, "last section past end");
    /* drop the LABELS row: the table shrinks by one entry, the rest moves up */
    n = lay.section_index[NI_SECTION_LABELS];
    memmove(buf + NI_HEADER_SIZE + n * 16, buf + NI_HEADER_SIZE + (n + 1) * 16, (lay.section_count - n - 1) * 16u);
    memset(buf + NI_HEADER_SIZE + (lay.section_count - 1) * 16u, 0, 16);
    tb_wr16(buf + NI_HDR_SECTION_COUNT, lay.section_count - 1);
    expect(NI_ERR_MISSING_SECTION, "no LABELS");

    /* MODEL */
    tb_wr32(sec(NI_SECTION_MODEL) + 0, 4); expect(NI_ERR_MODEL_DIMS, "V = 4");
    tb_wr32(sec(NI_SECTION_MODEL) + 0, 70000); expect(NI_ERR_MODEL_DIMS, "V = 70000");
    tb_wr32(sec(NI_SECTION_MODEL) + 4, 6); expect(NI_ERR_MODEL_DIMS, "E = 6");
    tb_wr32(sec(NI_SECTION_MODEL) + 8, 2048); expect(NI_ERR_MODEL_DIMS, "H = 2048");
    tb_wr32(sec(NI_SECTION_MODEL) + 12, 3); expect(NI_ERR_MODEL_DIMS, "heads = 3");
    tb_wr32(sec(NI_SECTION_MODEL) + 12, 0); expect(NI_ERR_MODEL_DIMS, "heads = 0");
    tb_wr32(sec(NI_SECTION_MODEL) + 12, 4); expect(NI_ERR_MODEL_DIMS, "head size 2");
    tb_wr32(sec(NI_SECTION_MODEL) + 16, 18); expect(NI_ERR_MODEL_DIMS, "I = 18");
    tb_wr32(sec(NI_SECTION_MODEL) + 20, 0); expect(NI_ERR_MODEL_DIMS, "L = 0");
    tb_wr32(sec(NI_SECTION_MODEL) + 20, 33); expect(NI_ERR_MODEL_DIMS, "L = 33");
    tb_wr32(sec(NI_SECTION_MODEL) + 24, 2); expect(NI_ERR_MODEL_DIMS, "P = 2");
    tb_wr32(sec(NI_SECTION_MODEL) + 28, 1); expect(NI_ERR_MODEL_DIMS, "C = 1");
    tb_wr32(sec(NI_SECTION_MODEL) + 32, 3); expect(NI_ERR_MODEL_DIMS, "activation 3");
    tb_wr32(sec(NI_SECTION_MODEL) + 36, 0); expect(NI_ERR_MODEL_DIMS, "scheme 0");
    sec(NI_SECTION_MODEL)[63] = 1; expect(NI_ERR_RESERVED, "MODEL reserved");
    tb_wr32(sec(NI_SECTION_MODEL) + 24, 9); expect(NI_ERR_TENSOR_SHAPE, "P = 9: position embeddings have 8 rows");
    tb_wr32(sec(NI_SECTION_MODEL) + 20, 3); expect(NI_ERR_MISSING_TENSOR, "L = 3: exit 2 missing");
    tb_wr32(sec(NI_SECTION_MODEL) + 20, 1); expect(NI_ERR_TENSOR_COUNT, "L = 1: 4 exit tensors for 2");

    /* tensor tables */
    add32(sec(NI_SECTION_EMBEDDINGS), 1); expect(NI_ERR_TENSOR_COUNT, "EMBEDDINGS count + 1");
    add32(sec(NI_SECTION_LAYER), -1); expect(NI_ERR_MISSING_TENSOR, "LAYER count - 1");
    tb_wr32(sec(NI_SECTION_LAYER), 0xFFFFFFFFu); expect(NI_ERR_TENSOR_COUNT, "LAYER count 2^32-1");
    tb_wr32(sec(NI_SECTION_LAYER) + 4, 36); expect(NI_ERR_SECTION_FORMAT, "entry size 36");
    sec(NI_SECTION_LAYER)[15] = 1; expect(NI_ERR_RESERVED, "table reserved");
    memcpy(tmp, tensor(NI_SECTION_LAYER, 0), 32); memcpy(tensor(NI_SECTION_LAYER, 0), tensor(NI_SECTION_LAYER, 1), 32);
    memcpy(tensor(NI_SECTION_LAYER, 1), tmp, 32); expect(NI_ERR_TENSOR_ORDER, "LAYER entries 0 and 1 swapped");
    tb_wr16(tensor(NI_SECTION_LAYER, 1) + NI_TEN_ID, NI_TENSOR_ATTENTION_QUERY); expect(NI_ERR_TENSOR_DUPLICATE, "query twice");
    tb_wr16(tensor(NI_SECTION_LAYER, 5) + NI_TEN_ID, 99); expect(NI_ERR_TENSOR_UNKNOWN, "tensor id 99");
    tb_wr16(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_ID, 0); expect(NI_ERR_TENSOR_UNKNOWN, "tensor id 0");
    tb_wr16(tensor(NI_SECTION_EMBEDDINGS, 2) + NI_TEN_ID, NI_TENSOR_FFN); expect(NI_ERR_TENSOR_UNKNOWN, "FFN in EMBEDDINGS");
    tb_wr16(tensor(NI_SECTION_EXIT_HEADS, 3) + NI_TEN_ID, NI_TENSOR_EXIT(2, 1)); expect(NI_ERR_TENSOR_UNKNOWN, "exit 2 of 2");
    tb_wr16(tensor(NI_SECTION_EXIT_HEADS, 3) + NI_TEN_ID, NI_TENSOR_EXIT(1, 2)); expect(NI_ERR_TENSOR_UNKNOWN, "exit part 2");
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = NI_ENC_FP32; expect(NI_ERR_TENSOR_ENCODING, "reserved encoding FP32");
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = 0; expect(NI_ERR_TENSOR_ENCODING, "encoding 0");
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_FLAGS] = 1; expect(NI_ERR_FLAGS, "tensor flags");
    tb_wr32(tensor(NI_SECTION_LAYER, 2) + NI_TEN_RESERVED, 1); expect(NI_ERR_RESERVED, "tensor reserved");
    add32(tensor(NI_SECTION_LAYER, 4) + NI_TEN_ROWS, 1); expect(NI_ERR_TENSOR_SHAPE, "FFN rows + 1");
    add32(tensor(NI_SECTION_EMBEDDINGS, 0) + NI_TEN_COLS, 4); expect(NI_ERR_TENSOR_SHAPE, "word embedding cols + 4");
    tb_wr32(tensor(NI_SECTION_EXIT_HEADS, 1) + NI_TEN_ROWS, 4); expect(NI_ERR_TENSOR_SHAPE, "classifier 4 rows for C = 3");
    add32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_DATA_LENGTH, 1); expect(NI_ERR_TENSOR_SIZE, "data length + 1");
    add32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_PARAMS_LENGTH, -12); expect(NI_ERR_TENSOR_SIZE, "params length - 12");
    add32(tensor(NI_SECTION_LAYER, 1) + NI_TEN_DATA_OFFSET, 4); expect(NI_ERR_TENSOR_ALIGN, "data offset + 4");
    add32(tensor(NI_SECTION_LAYER, 1) + NI_TEN_PARAMS_OFFSET, 2); expect(NI_ERR_TENSOR_ALIGN, "params offset + 2");
    tb_wr32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_DATA_OFFSET, 0); expect(NI_ERR_TENSOR_BOUNDS, "data over the table");
    tb_wr32(tensor(NI_SECTION_LAYER, 5) + NI_TEN_DATA_OFFSET, lay.section_length[NI_SECTION_LAYER] & ~31u);
    expect(NI_ERR_TENSOR_BOUNDS, "data past the section");
    tb_wr32(tensor(NI_SECTION_LAYER, 5) + NI_TEN_DATA_OFFSET, 0xFFFFFFE0u); expect(NI_ERR_TENSOR_BOUNDS, "data offset wraps");
    tb_wr32(tensor(NI_SECTION_LAYER, 5) + NI_TEN_PARAMS_OFFSET, 0xFFFFFFFCu); expect(NI_ERR_TENSOR_BOUNDS, "params offset wraps");
    tb_wr32(tensor(NI_SECTION_LAYER, 1) + NI_TEN_DATA_OFFSET, ni_rd32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_DATA_OFFSET));
    expect(NI_ERR_TENSOR_OVERLAP, "key data on query data");
    tb_wr32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_PARAMS_OFFSET, ni_rd32(tensor(NI_SECTION_LAYER, 0) + NI_TEN_DATA_OFFSET));
    expect(NI_ERR_TENSOR_OVERLAP, "params on own data");
    int8_row_params_cases(NI_SECTION_LAYER, 3);
    tensor(NI_SECTION_LAYER, 2)[NI_TEN_ENCODING] = NI_ENC_BINARY; expect(NI_ERR_TENSOR_ENCODING, "BINARY key in an INT8 model");
    tensor(NI_SECTION_EXIT_HEADS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY; expect(NI_ERR_TENSOR_ENCODING, "BINARY pooler in an INT8 model");
    tensor(NI_SECTION_EMBEDDINGS, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_EMBED; expect(NI_ERR_TENSOR_ENCODING, "BINARY_EMBED word embeddings in an INT8 model");
    tensor(NI_SECTION_LAYER, 0)[NI_TEN_ENCODING] = NI_ENC_BINARY_SIGN; expect(NI_ERR_TENSOR_ENCODING, "BINARY_SIGN query in an INT8 model");

    /* QUANT_PARAMS: ni_qparams_validate decides (docs/numerics.md) */
    {
        const uint32_t sm = sizeof(ni_qparams_fixed); /* the softmax block follows the fixed part */
        CHECK(lay.section_length[NI_SECTION_QUANT_PARAMS] == sm + sizeof(ni_qparams_softmax) + 8u * (8u + 2u * 8u) + 256u * 2u);
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS), 2); expect(NI_ERR_QUANT_PARAMS, "QUANT_PARAMS version 2");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS), 4); expect(NI_ERR_QUANT_PARAMS, "QUANT_PARAMS version 4");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 4, 0); expect(NI_ERR_QUANT_TABLES, "INT8 QUANT_PARAMS without its softmax table");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 4, 3); expect(NI_ERR_QUANT_TABLES, "INT8 QUANT_PARAMS unknown table bit");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 8, 1); expect(NI_ERR_QUANT_PARAMS, "attention threshold 1 in an INT8 model");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + 16, 0); expect(NI_ERR_QUANT_PARAMS, "QUANT_PARAMS residual requantization shift 0");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + sm + 4, 0); expect(NI_ERR_QUANT_PARAMS, "softmax index requantization shift 0");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + sm + 8, 0xFFFFFFFFu); expect(NI_ERR_QUANT_PARAMS, "context multiplier -1");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + sm + 16, 65535); expect(NI_ERR_QUANT_PARAMS, "exp table [0] != 65536");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + sm + 16 + 4 * 100, 65536); expect(NI_ERR_QUANT_PARAMS, "exp table increasing");
        tb_wr32(sec(NI_SECTION_QUANT_PARAMS) + sizeof(ni_qparams_fixed) - 256 - 4, 0); expect(NI_ERR_QUANT_PARAMS, "log2 table decreasing at its end");
    }

    /* vocabulary */
    tb_wr32(sec(NI_SECTION_VOCABULARY), 0); expect(NI_ERR_VOCAB_COUNT, "no entries");
    tb_wr32(sec(NI_SECTION_VOCABULARY), 41); expect(NI_ERR_VOCAB_COUNT, "more entries than V");
    tb_wr16(sec(NI_SECTION_VOCABULARY) + NI_VOC_UNK_ID, 40); expect(NI_ERR_VOCAB_ID, "unk id = V");
    tb_wr32(sec(NI_SECTION_VOCABULARY) + NI_VOC_FLAGS, 8); expect(NI_ERR_FLAGS, "tokenizer flag 8");
    sec(NI_SECTION_VOCABULARY)[31] = 1; expect(NI_ERR_RESERVED, "vocabulary reserved");
    tb_wr16(sec(NI_SECTION_VOCABULARY) + NI_VOC_CLS_ID, 39); expect(NI_OK, "cls id = count - 1");
    tb_wr32(sec(NI_SECTION_VOCABULARY), 39); expect(NI_ERR_VOCAB_BOUNDS, "count 39: a string after the last block");
    tb_wr32(sec(NI_SECTION_VOCABULARY), 32); expect(NI_ERR_VOCAB_BOUNDS, "count 32: block offsets of three blocks");
    add32(vblock(1), 1); expect(NI_ERR_VOCAB_BOUNDS, "block 1 starts a byte late");
    add32(vblock(2), -1); expect(NI_ERR_VOCAB_BOUNDS, "block 2 starts a byte early");
    tb_wr32(vblock(0), 0xFFFFFFFFu); expect(NI_ERR_VOCAB_BOUNDS, "block offset wraps");
    tb_wr32(vblock(0), lay.section_length[NI_SECTION_VOCABULARY]); expect(NI_ERR_VOCAB_BOUNDS, "block at the end");
    ventry(5)[0] &= 0xF0u; expect(NI_ERR_VOCAB_BOUNDS, "empty suffix");
    ventry(16)[0] |= 0x10u; expect(NI_ERR_VOCAB_BOUNDS, "prefix in a block's first string");
    ventry(0)[0] |= 0x10u; expect(NI_ERR_VOCAB_BOUNDS, "prefix in the first string");
    ventry(6)[0] = (uint8_t)(0xE0u | (ventry(6)[0] & 0xFu)); expect(NI_ERR_VOCAB_BOUNDS, "prefix longer than the previous string");
    ventry(6)[0] = (uint8_t)(0xF0u | (ventry(6)[0] & 0xFu)); ventry(6)[1] = 14;
    expect(NI_ERR_VOCAB_BOUNDS, "escaped prefix length 14");
    ventry(39)[0] |= 0x0Fu; ventry(39)[1] = 255; expect(NI_ERR_VOCAB_BOUNDS, "escaped suffix past the end");
    ventry(39)[0]++; expect(NI_ERR_VOCAB_BOUNDS, "last suffix one byte past the end");
    {   /* the block head a string after its predecessor (strings ascending) -> below it */
        uint8_t *h = ventry(16);
        h[1] = '!'; expect(NI_ERR_VOCAB_ORDER, "block 1's first string below the previous string");
        h = ventry(7);
        h[0] &= 0x0Fu; h[1] = '!'; expect(NI_ERR_VOCAB_ORDER, "a string inside a block below the previous string");
    }
    ventry(39)[1 + (ventry(39)[0] & 0xFu) - 1u] = 0xFF; expect(NI_ERR_UTF8, "0xFF in the last string");
    {   /* the string with "é": cut its last byte -> a truncated sequence (the cut byte then starts the next entry) */
        uint32_t i;
        for (i = 0; i < 40; i++) {
            uint8_t *e = ventry(i);
            uint32_t m = e[0] & 0xFu;
            if (e[m] == 0xA9) { e[0]--; break; }
        }
        CHECK(i < 40);
        expect(NI_ERR_UTF8, "truncated UTF-8 sequence");
    }

    /* labels, thresholds */
    tb_wr32(sec(NI_SECTION_LABELS), 2); expect(NI_ERR_LABELS, "2 labels for C = 3");
    sec(NI_SECTION_LABELS)[4] = 1; expect(NI_ERR_RESERVED, "labels reserved");
    tb_wr32(label(1), 0); expect(NI_ERR_LABELS, "label inside the entry table");
    add32(label(2) + 4, 1); expect(NI_ERR_LABELS, "label past the end");
    tb_wr32(label(2) + 4, 0); expect(NI_ERR_LABELS, "empty label");
    sec(NI_SECTION_LABELS)[ni_rd32(label(0))] = 0xC0; expect(NI_ERR_UTF8, "overlong UTF-8 label");
    tb_wr32(sec(NI_SECTION_THRESHOLDS), 3); expect(NI_ERR_THRESHOLDS, "3 thresholds for L = 2");
    rejection_cases();

    /* test vectors */
    tb_wr32(sec(NI_SECTION_TEST_VECTORS) + 4, 3); expect(NI_ERR_TEST_VECTORS, "layers 3 for L = 2");
    tb_wr32(sec(NI_SECTION_TEST_VECTORS) + 8, 2); expect(NI_ERR_TEST_VECTORS, "labels 2 for C = 3");
    sec(NI_SECTION_TEST_VECTORS)[12] = 2; expect(NI_ERR_FLAGS, "test vectors flag 0x2");
    sec(NI_SECTION_TEST_VECTORS)[15] = 0x80; expect(NI_ERR_FLAGS, "test vectors flag 0x80000000");
    sec(NI_SECTION_TEST_VECTORS)[12] = 0; expect(NI_ERR_TEST_VECTORS, "records with answers, flag cleared");
    tb_wr32(record(1) + ni_rd32(record(1)) - 4, 3); expect(NI_ERR_TEST_VECTORS, "answer 3 for C = 3");
    tb_wr32(record(1) + ni_rd32(record(1)) - 8, (uint32_t)-2); expect(NI_ERR_TEST_VECTORS, "answer -2");
    tb_wr32(record(1) + ni_rd32(record(1)) - 4, (uint32_t)NI_ANSWER_UNKNOWN); expect(NI_OK, "answer unknown");
    tb_wr32(record(1) + ni_rd32(record(1)) - 4, 2); expect(NI_OK, "answer C - 1");
    add32(sec(NI_SECTION_TEST_VECTORS), 1); expect(NI_ERR_TEST_VECTORS, "count + 1");
    add32(sec(NI_SECTION_TEST_VECTORS), -1); expect(NI_ERR_TEST_VECTORS, "count - 1 leaves bytes");
    tb_wr32(sec(NI_SECTION_TEST_VECTORS), 0xFFFFFFFFu); expect(NI_ERR_TEST_VECTORS, "count 2^32-1");
    add32(record(1), 4); expect(NI_ERR_TEST_VECTORS, "record length + 4");
    tb_wr16(record(1) + 4, 0); expect(NI_ERR_TEST_VECTORS, "zero tokens");
    tb_wr16(record(1) + 4, 9); expect(NI_ERR_TEST_VECTORS, "9 tokens for P = 8");
    tb_wr16(record(2) + 8 + 2, 40); expect(NI_ERR_TEST_VECTOR_TOKEN, "token id = V");
    tb_wr16(record(0) + 6, 1); expect(NI_ERR_RESERVED, "record reserved");
    tb_wr16(record(0) + 8 + 2 * 3, 1); expect(NI_ERR_RESERVED, "token padding not zero"); /* record 0 has 3 tokens */

    /* normalizer (the builder's table: 30 ranges, 29 mappings, 2 pool code points; range 7 is A-Z, 9 a-z, 20 the
     * CJK ideographs, 22 the Hangul syllables; mapping 28 is U+FB01 -> pool 0 "fi") */
    CHECK(ni_rd32(sec(NI_SECTION_NORMALIZER)) == 30u && ni_rd32(sec(NI_SECTION_NORMALIZER) + 4) == 29u);
    sec(NI_SECTION_NORMALIZER)[NI_NORM_RESERVED] = 1; expect(NI_ERR_RESERVED, "normalizer reserved");
    tb_wr32(sec(NI_SECTION_NORMALIZER), 0); expect(NI_ERR_NORMALIZER, "no ranges");
    add32(sec(NI_SECTION_NORMALIZER), 1); expect(NI_ERR_NORMALIZER, "range count + 1");
    tb_wr32(sec(NI_SECTION_NORMALIZER), 0xFFFFFFFFu); expect(NI_ERR_NORMALIZER, "range count 2^32-1");
    add32(sec(NI_SECTION_NORMALIZER) + NI_NORM_MAP_COUNT, 1); expect(NI_ERR_NORMALIZER, "map count + 1");
    tb_wr32(sec(NI_SECTION_NORMALIZER) + NI_NORM_MAP_COUNT, 0x40000000u); expect(NI_ERR_NORMALIZER, "map count 2^30");
    add32(sec(NI_SECTION_NORMALIZER) + NI_NORM_POOL_COUNT, 1); expect(NI_ERR_NORMALIZER, "pool count + 1");
    add32(sec(NI_SECTION_NORMALIZER) + NI_NORM_POOL_COUNT, -1); expect(NI_ERR_NORMALIZER, "pool count - 1");
    wr24(nrange(0), 1); expect(NI_ERR_NORMALIZER, "first range starts at 1");
    wr24(nrange(5), ni_rd24(nrange(4))); expect(NI_ERR_NORMALIZER, "range starts equal");
    wr24(nrange(29), 0x110000u | (uint32_t)NI_NORM_KIND_WORD << NI_NORM_KIND_SHIFT); expect(NI_ERR_NORMALIZER, "range past U+10FFFF");
    wr24(nrange(29), 0x10FFFFu | (uint32_t)NI_NORM_KIND_WORD << NI_NORM_KIND_SHIFT); expect(NI_OK, "last range at U+10FFFF");
    set_kind(2, NI_NORM_KIND_SPACE); expect(NI_ERR_NORMALIZER, "range like its predecessor");
    set_kind(20, NI_NORM_KIND_WORD_HANGUL); expect(NI_ERR_NORMALIZER, "HANGUL before U+AC00");
    set_kind(23, NI_NORM_KIND_WORD_PUNCT); expect(NI_OK, "U+D7A4.. PUNCT");
    set_kind(9, NI_NORM_KIND_WORD_MAPPED); expect(NI_ERR_NORMALIZER, "a-z MAPPED without mappings");
    set_kind(9, NI_NORM_KIND_WORD_PUNCT_MAPPED); expect(NI_ERR_NORMALIZER, "a-z PUNCT MAPPED without mappings");
    set_kind(7, NI_NORM_KIND_WORD); expect(NI_ERR_NORMALIZER, "mappings for an unmapped A-Z");
    set_kind(7, NI_NORM_KIND_WORD_PUNCT_MAPPED); expect(NI_OK, "A-Z PUNCT and MAPPED");
    memcpy(tmp, nmap(0), NI_NORM_MAP_SIZE); memcpy(nmap(0), nmap(1), NI_NORM_MAP_SIZE);
    memcpy(nmap(1), tmp, NI_NORM_MAP_SIZE); expect(NI_ERR_NORMALIZER, "mappings swapped");
    wr24(nmap(0), 0x40u); expect(NI_ERR_NORMALIZER, "mapping outside a MAPPED range");
    wr24(nmap(28), 0x110000u | 1u << NI_NORM_KIND_SHIFT); expect(NI_ERR_NORMALIZER, "mapping key past U+10FFFF");
    wr24(nmap(0) + 3, 0xD800u); expect(NI_ERR_NORMALIZER, "mapping to a surrogate");
    wr24(nmap(0) + 3, 0x110000u); expect(NI_ERR_NORMALIZER, "mapping past U+10FFFF");
    wr24(nmap(0) + 3, 0x10FFFFu); expect(NI_OK, "mapping to U+10FFFF");
    wr24(nmap(28) + 3, 1); expect(NI_ERR_NORMALIZER, "pool index 1 + 2 past the pool");
    wr24(nmap(28) + 3, 0xFFFFFFu); expect(NI_ERR_NORMALIZER, "pool index 2^24-1");
    wr24(nmap(28), 0xFB01u | 7u << NI_NORM_KIND_SHIFT); expect(NI_ERR_NORMALIZER, "mapping of 8 code points past the pool");
    wr24(nmap(29), 0xDFFFu); expect(NI_ERR_NORMALIZER, "surrogate in the pool");
    wr24(nmap(29) + NI_NORM_POOL_SIZE, 0x110000u); expect(NI_ERR_NORMALIZER, "pool code point past U+10FFFF");
    w1a1_cases();
    w1a1_s8_cases();
    af8_cases();
    gobo3_cases();
    sparse_embed_cases();
    span_cases();
    int4_cases();
    ipq_cases();
    int8_sparse_cases();
    int8_sparse_4x4_cases();
    nm_2of4_cases();
    return ni_test_finish("image_tamper");
}
