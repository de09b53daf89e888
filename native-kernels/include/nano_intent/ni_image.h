/*
 * nano-intent flash image, format version 4: constants, the in-RAM view of a validated image, and the loader.
 *
 * This header mirrors docs/flash-image.md byte for byte; the C# codec (tools/ModelPacker/FlashImage) mirrors
 * both, and tests parse this file and the spec to keep the three equal. Every constant below is written as a
 * plain `#define NAME value` or an enum member with an explicit `= value` so those tests can read it.
 *
 * C99, no malloc, no OS. The image stays in flash: ni_image_open() validates every byte of it (structure, CRCs,
 * SHA-256, model dimensions, every tensor entry, vocabulary, labels, thresholds, test vectors, normalizer) and fills a small
 * ni_image in RAM whose pointers point into the image. Nothing else reads the image before ni_image_open()
 * returned NI_OK. Multi-byte fields are little-endian and are decoded byte by byte, never through a cast of a
 * flash pointer.
 */
#ifndef NANO_INTENT_NI_IMAGE_H
#define NANO_INTENT_NI_IMAGE_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- header --------------------------------------------------------------------------------------------- */

#define NI_IMAGE_MAGIC 0x4946494Eu          /* bytes "NIFI" (Nano Intent Flash Image) at offset 0 */
#define NI_IMAGE_VERSION 4                  /* 1, 2 and 3 (pre-release: one encoding for every tensor; vocabulary
                                             * entries of 8 bytes with stored token ids; 4-byte row params of
                                             * binary embeddings, QUANT_PARAMS with every table) are rejected */
#define NI_HEADER_SIZE 96
#define NI_SECTION_ENTRY_SIZE 16
#define NI_SECTION_ALIGN 32                 /* every section starts on a 32-byte boundary (XIP cache line) */
#define NI_MAX_SECTIONS 16

/* Header field offsets (bytes from the start of the image). */
#define NI_HDR_MAGIC 0                      /* u32 */
#define NI_HDR_VERSION 4                    /* u16 */
#define NI_HDR_HEADER_SIZE 6                /* u16 */
#define NI_HDR_BOARD_ID 8                   /* u32, 0 = any board */
#define NI_HDR_TOTAL_LENGTH 12              /* u32 */
#define NI_HDR_ARENA_BYTES 16               /* u32 */
#define NI_HDR_FLAGS 20                     /* u32 */
#define NI_HDR_SECTION_COUNT 24             /* u16 */
#define NI_HDR_SECTION_ENTRY_SIZE 26        /* u16 */
#define NI_HDR_SECTION_TABLE_OFFSET 28      /* u32 */
#define NI_HDR_HEADER_CRC 32                /* u32, CRC-32 of header + section table, this field and SHA zeroed */
#define NI_HDR_RESERVED0 36                 /* u32, 0 */
#define NI_HDR_SHA256 40                    /* 32 bytes, SHA-256 of the whole image with these 32 bytes zeroed */
#define NI_HDR_RESERVED1 72                 /* 24 bytes, 0 */

/* Header flags. Unknown bits are rejected (NI_ERR_FLAGS). */
#define NI_FLAG_THRESHOLDS_CALIBRATED 0x1u  /* THRESHOLDS were chosen on a validation split, not defaults */
#define NI_FLAGS_KNOWN 0x1u

/* Section table entry field offsets (bytes from the start of the entry). */
#define NI_SEC_KIND 0                       /* u16 */
#define NI_SEC_RESERVED 2                   /* u16, 0 */
#define NI_SEC_OFFSET 4                     /* u32, from the start of the image */
#define NI_SEC_LENGTH 8                     /* u32 */
#define NI_SEC_CRC32 12                     /* u32, CRC-32 of the section's bytes */

/* Section kinds, in the order they appear in the table and in the image (ascending). */
typedef enum ni_section_kind {
    NI_SECTION_EMBEDDINGS = 1,              /* tensor table; memory-mapped from flash, never copied to RAM */
    NI_SECTION_MODEL = 2,                   /* ni_model_dims */
    NI_SECTION_LAYER = 3,                   /* tensor table; the ONE shared layer, applied L times */
    NI_SECTION_EXIT_HEADS = 4,              /* tensor table; L exit heads */
    NI_SECTION_QUANT_PARAMS = 5,            /* opaque, defined and validated by docs/numerics.md */
    NI_SECTION_VOCABULARY = 6,              /* tokenizer settings + front-coded strings sorted by UTF-8 bytes */
    NI_SECTION_LABELS = 7,                  /* C UTF-8 strings */
    NI_SECTION_THRESHOLDS = 8,              /* L int32 exit entropy thresholds */
    NI_SECTION_TEST_VECTORS = 9,            /* optional: token ids -> expected logits and entropies per layer */
    NI_SECTION_NORMALIZER = 10,             /* the tokenizer's normalization: code point classes and mappings */
    NI_SECTION_ATTENTION_SPAN = 11          /* optional: the learned attention span of each head */
} ni_section_kind;
#define NI_SECTION_KIND_MAX 11

/* ---- MODEL section ------------------------------------------------------------------------------------- */

#define NI_MODEL_SIZE 64                    /* 16 x u32; fields after scheme are reserved (0) */
/* Limits (the same tokens as in ni_encoding.h / ni_runtime.h, so a repeated definition is harmless). */
#define NI_MAX_LAYERS 32u
#define NI_MAX_VOCAB 65535u                 /* token ids are u16 */
#define NI_MAX_POSITIONS 512u
#define NI_MAX_DIM 1024u                    /* E, H, I, C */

typedef enum ni_activation {
    NI_ACT_GELU = 1,                        /* erf GELU ("gelu") */
    NI_ACT_GELU_TANH = 2                    /* tanh approximation ("gelu_new", ALBERT's default) */
} ni_activation;
#define NI_ACT_MAX 2

/* The scheme decides which encoding each tensor carries and the attention block (docs/flash-image.md, "Schemes"). */
typedef enum ni_scheme {
    NI_SCHEME_INT8 = 1,                     /* int8 weights per row, integer activations, softmax attention */
    NI_SCHEME_W1A1 = 2,                     /* 1-bit weights and activations (BiBERT), Bi-Attention; exit classifiers int8 */
    NI_SCHEME_AF8 = 4,                      /* AdaptivFloat linear weights, int8 activations, softmax attention */
    NI_SCHEME_GOBO3 = 3,                    /* GOBO 3-bit linear weights + outliers, int8 activations, softmax attention */
    NI_SCHEME_INT4 = 5,                     /* int4 linear weights per row, int8 activations, softmax attention */
    NI_SCHEME_IPQ = 6,                      /* iPQ linear weights (codebook + 8-bit indices), int8 activations, softmax */
    NI_SCHEME_INT8_SPARSE = 7,              /* pruned int8 linear weights (kept blocks only), int8 activations, softmax */
    NI_SCHEME_INT8_2OF4 = 8                 /* 2:4 sparse int8 linear weights, int8 activations, softmax attention */
} ni_scheme;
#define NI_SCHEME_MAX 8

/* The MODEL section: 16 little-endian u32 in this order (the first 10 named, 6 reserved zero). */
typedef struct ni_model_dims {
    uint32_t vocab_size;                    /* V, 5..NI_MAX_VOCAB */
    uint32_t embedding_size;                /* E, 4..NI_MAX_DIM, multiple of 4 (W1A1: of 32) */
    uint32_t hidden_size;                   /* H, 4..NI_MAX_DIM, multiple of 4 (W1A1: of 32), multiple of heads */
    uint32_t num_heads;                     /* H / heads is a multiple of 4 (W1A1: of 32) */
    uint32_t intermediate_size;             /* I, 4..NI_MAX_DIM, multiple of 4 (W1A1: of 32) */
    uint32_t num_layers;                    /* L, 1..NI_MAX_LAYERS */
    uint32_t max_positions;                 /* P, 3..NI_MAX_POSITIONS */
    uint32_t num_labels;                    /* C, 2..NI_MAX_DIM */
    uint32_t activation;                    /* ni_activation */
    uint32_t scheme;                        /* ni_scheme */
} ni_model_dims;

/* ---- tensor tables (EMBEDDINGS, LAYER, EXIT_HEADS) ----------------------------------------------------- */

#define NI_TENSOR_TABLE_HEADER_SIZE 16      /* u32 count, u32 entry size, 8 reserved bytes */
#define NI_TENSOR_ENTRY_SIZE 32
#define NI_TENSOR_DATA_ALIGN 32             /* data offset within its section (sections are 32-aligned too) */
#define NI_TENSOR_PARAMS_ALIGN 4

/* Tensor entry field offsets (bytes from the start of the entry). */
#define NI_TEN_ID 0                         /* u16 ni_tensor_id */
#define NI_TEN_ENCODING 2                   /* u8 ni_encoding */
#define NI_TEN_FLAGS 3                      /* u8, 0 */
#define NI_TEN_ROWS 4                       /* u32 */
#define NI_TEN_COLS 8                       /* u32 */
#define NI_TEN_DATA_OFFSET 12               /* u32, from the start of the section */
#define NI_TEN_DATA_LENGTH 16               /* u32 */
#define NI_TEN_PARAMS_OFFSET 20             /* u32, from the start of the section; 0 when length is 0 */
#define NI_TEN_PARAMS_LENGTH 24             /* u32 */
#define NI_TEN_RESERVED 28                  /* u32, 0 */

/* Per-tensor encodings. The bytes of data and params for each are defined in docs/numerics.md and implemented by
 * one row of the encoding table (ni_encoding_find, ni_encoding.h). The loader rejects an encoding the table does
 * not have, and one the image's scheme does not give that tensor (both NI_ERR_TENSOR_ENCODING). */
typedef enum ni_encoding {
    NI_ENC_INT8_ROW = 1,                    /* int8 weights, per-row scale (+ bias) in params */
    NI_ENC_BINARY = 2,                      /* 1-bit weights (BiBERT): sign bits, per-row scale (+ bias) in params */
    NI_ENC_GOBO3 = 3,                       /* GOBO: 3-bit indices into 8 int16 centroids + a sparse list of outliers */
    NI_ENC_INT4 = 4,                        /* int4 weights, two per byte, one {bias, multiplier, shift} per row */
    NI_ENC_IPQ = 5,                         /* iPQ: a codebook of K int8 codewords of d weights, an 8-bit index per sub-vector */
    NI_ENC_ADAPTIVFLOAT = 6,                /* AdaptivFloat 8-bit weights (1-3-4), per-row power-of-two unit in params */
    NI_ENC_FP32 = 7,                        /* reserved: fp32 (host comparisons only, never on the device path) */
    NI_ENC_BINARY_EMBED = 8,                /* 1-bit embedding table: sign bits, a 1-byte magnitude per row */
    NI_ENC_BINARY_SIGN = 9,                 /* 1-bit weights whose output is only the sign of acc + bias (W1A1 Q, K, V) */
    NI_ENC_BINARY_S8 = 10,                  /* 1-bit weights over int8 inputs (a W1A1 pooler over the int8 h[CLS]) */
    NI_ENC_INT8_SPARSE_EMBED = 11,          /* pruned int8 embedding rows: row offsets, per row a bitmap + kept int8 */
    NI_ENC_INT8_SPARSE = 12,                /* pruned int8 GEMM rows: kept blocks of 1 or 4 weights, column-indexed */
    NI_ENC_INT8_2OF4 = 13                   /* 2:4 sparse int8 rows: per 4 columns 2 kept int8 + a position nibble */
} ni_encoding;

/* Tensor ids. Logical shapes [rows, cols] are demanded by the MODEL dims (docs/flash-image.md); a linear
 * layer is [out, in] and its bias travels in its params. LayerNorm parameters and activation tables are
 * activation quantization parameters: they live in QUANT_PARAMS (docs/numerics.md), not in tensor tables. */
typedef enum ni_tensor_id {
    /* EMBEDDINGS section */
    NI_TENSOR_WORD_EMBEDDINGS = 1,          /* [V, E] */
    NI_TENSOR_POSITION_EMBEDDINGS = 2,      /* [P, E]  token type 0 folded in (single-utterance input) */
    NI_TENSOR_EMBEDDING_MAPPING_IN = 3,     /* [H, E]  embedding_hidden_mapping_in */
    /* LAYER section (shared by every depth) */
    NI_TENSOR_ATTENTION_QUERY = 16,         /* [H, H] */
    NI_TENSOR_ATTENTION_KEY = 17,           /* [H, H] */
    NI_TENSOR_ATTENTION_VALUE = 18,         /* [H, H] */
    NI_TENSOR_ATTENTION_DENSE = 19,         /* [H, H] */
    NI_TENSOR_FFN = 20,                     /* [I, H] */
    NI_TENSOR_FFN_OUTPUT = 21,              /* [H, I] */
    /* EXIT_HEADS section: id = NI_TENSOR_EXIT_BASE + l * NI_TENSOR_EXIT_STRIDE + part, l = 0..L-1 */
    NI_TENSOR_EXIT_BASE = 256,
    NI_TENSOR_EXIT_STRIDE = 16
} ni_tensor_id;

/* The parts of one exit head (the `part` of NI_TENSOR_EXIT). */
typedef enum ni_exit_part {
    NI_EXIT_POOLER = 0,                     /* [H, H]  tanh pooler over [CLS] */
    NI_EXIT_CLASSIFIER = 1                  /* [C, H] */
} ni_exit_part;
#define NI_TENSOR_EXIT(layer, part) \
    ((uint16_t)(NI_TENSOR_EXIT_BASE + (uint32_t)(layer) * NI_TENSOR_EXIT_STRIDE + (uint32_t)(part)))
#define NI_EMBEDDING_TENSOR_COUNT 3
#define NI_LAYER_TENSOR_COUNT 6
#define NI_EXIT_TENSORS_PER_LAYER 2

/* ---- VOCABULARY, LABELS, THRESHOLDS, TEST_VECTORS ------------------------------------------------------ */

#define NI_VOCAB_HEADER_SIZE 32             /* then u32 block offsets, then the blocks */
#define NI_VOCAB_BLOCK_ENTRIES 16           /* strings per front-coded block; token id = rank in UTF-8 order */
#define NI_VOCAB_BLOCK_OFFSET_SIZE 4        /* u32 offset of a block's first byte, from the section start */
#define NI_VOCAB_LENGTH_ESCAPE 15           /* a length nibble of 15: the length (15..255) is the next byte */
#define NI_VOC_COUNT 0                      /* u32 */
#define NI_VOC_PAD_ID 4                     /* u16 */
#define NI_VOC_UNK_ID 6                     /* u16 */
#define NI_VOC_CLS_ID 8                     /* u16 */
#define NI_VOC_SEP_ID 10                    /* u16 */
#define NI_VOC_MASK_ID 12                   /* u16 */
#define NI_VOC_MAX_WORD_CHARS 14            /* u16, longer words become [UNK] (BERT: 100) */
#define NI_VOC_FLAGS 16                     /* u32 tokenizer flags below */
#define NI_VOC_RESERVED 20                  /* 12 bytes, 0 */
#define NI_VOCAB_FLAG_LOWERCASE 0x1u
#define NI_VOCAB_FLAG_STRIP_ACCENTS 0x2u
#define NI_VOCAB_FLAG_CJK_CHARS 0x4u        /* split CJK ideographs into single-character words */
#define NI_VOCAB_FLAGS_KNOWN 0x7u
#define NI_VOCAB_MAX_TOKEN_BYTES 255        /* a string is 1..255 bytes */

#define NI_LABELS_HEADER_SIZE 8             /* u32 count (== C), u32 reserved */
#define NI_LABEL_ENTRY_SIZE 8               /* u32 string offset (from section start), u32 length */
#define NI_MAX_LABEL_BYTES 255

#define NI_THRESHOLDS_HEADER_SIZE 8         /* u32 count (== L), u32 reject_kind; then count x int32, then the
                                               rejection fields when reject_kind is not NI_REJECT_NONE */
#define NI_THR_COUNT 0                      /* u32 */
#define NI_THR_REJECT_KIND 4                /* u32 ni_reject_kind */
#define NI_REJECTION_FIELDS_SIZE 8          /* after the L thresholds; offsets below from their start */
#define NI_REJ_THRESHOLD 0                  /* int32, Q16: confidence 0..65536, or entropy >= 0 */
#define NI_REJ_UNKNOWN_LABEL 4              /* int32: the model's out-of-scope label (answered unknown), or NI_LABEL_NONE */
#define NI_REJECT_KIND_MAX 2
#define NI_CONFIDENCE_ONE_Q16 65536         /* confidence 1.0, the largest confidence threshold */

/* When an exit's answer is unknown (ni_exit_answer): never, when the argmax's softmax probability (Q16) is below the
 * threshold, or when the exit entropy (Q16 nats) is above it; and always when the argmax is the unknown label. */
typedef enum ni_reject_kind {
    NI_REJECT_NONE = 0,
    NI_REJECT_CONFIDENCE = 1,
    NI_REJECT_ENTROPY = 2
} ni_reject_kind;

typedef enum ni_answer_code {
    NI_ANSWER_UNKNOWN = -1,                 /* the reserved answer "I don't know" */
    NI_LABEL_NONE = -1                      /* unknown_label: the model has no out-of-scope label */
} ni_answer_code;

#define NI_TEST_VECTORS_HEADER_SIZE 16      /* u32 count, u32 layers (== L), u32 labels (== C), u32 flags */
#define NI_TEST_VECTORS_FLAG_ANSWERS 0x1u   /* every record ends with L int32 answers (label index or -1) */
#define NI_TEST_VECTORS_FLAGS_KNOWN 0x1u
#define NI_TEST_VECTOR_HEADER_SIZE 8        /* u32 record length, u16 token count (1..P), u16 reserved */

/* ATTENTION_SPAN: u32 count (== num_heads), u32 reserved; then count x u16 spans (each <= max_positions), zero
 * padding to a multiple of 4 bytes. Query row i >= 1 of head h reads the keys j with |i - j| < span_h, [CLS]'s row
 * (i = 0) every key; span 0 skips the head (context 0). Only schemes with the softmax attention. */
#define NI_ATTENTION_SPAN_HEADER_SIZE 8

/* ---- NORMALIZER ------------------------------------------------------------------------------------------ */

/* Header, then range_count x 3-byte ranges, map_count x 6-byte mappings, pool_count x 3-byte code points, all
 * little-endian u24. A range is its first code point | kind << 21; the kind stands for a props value (below). */
#define NI_NORM_HEADER_SIZE 16
#define NI_NORM_RANGE_COUNT 0               /* u32, >= 1 */
#define NI_NORM_MAP_COUNT 4                 /* u32 */
#define NI_NORM_POOL_COUNT 8                /* u32 */
#define NI_NORM_RESERVED 12                 /* u32, 0 */
#define NI_NORM_RANGE_SIZE 3                /* u24: first code point (bits 0..20) | kind << 21 */
#define NI_NORM_MAP_SIZE 6                  /* u24 code point | (length - 1) << 21, u24 value (code point or pool index) */
#define NI_NORM_POOL_SIZE 3                 /* u24 code point */
#define NI_NORM_KIND_SHIFT 21
#define NI_NORM_CP_MASK 0x1FFFFFu
#define NI_NORM_MAX_MAPPING 8               /* code points of one replacement (at least 1) */
#define NI_NORM_KIND_DROP 0                 /* props NI_NORM_CLASS_DROP */
#define NI_NORM_KIND_SPACE 1                /* props NI_NORM_CLASS_SPACE */
#define NI_NORM_KIND_CJK 2                  /* props NI_NORM_CLASS_CJK */
#define NI_NORM_KIND_WORD 3                 /* props NI_NORM_CLASS_WORD */
#define NI_NORM_KIND_WORD_PUNCT 4           /* props NI_NORM_CLASS_WORD | NI_NORM_PUNCT */
#define NI_NORM_KIND_WORD_MAPPED 5          /* props NI_NORM_CLASS_WORD | NI_NORM_MAPPED */
#define NI_NORM_KIND_WORD_PUNCT_MAPPED 6    /* props NI_NORM_CLASS_WORD | NI_NORM_PUNCT | NI_NORM_MAPPED */
#define NI_NORM_KIND_WORD_HANGUL 7          /* props NI_NORM_CLASS_WORD | NI_NORM_HANGUL */
/* Props: what the tokenizer does with a code point of the text. */
#define NI_NORM_CLASS_MASK 0x3u             /* props bits 0..1: the class of a code point of the text */
#define NI_NORM_CLASS_DROP 0                /* removed (NUL, U+FFFD, C* categories) */
#define NI_NORM_CLASS_SPACE 1               /* ends the word */
#define NI_NORM_CLASS_CJK 2                 /* a word of its own, not mapped */
#define NI_NORM_CLASS_WORD 3                /* part of the word, after mapping */
#define NI_NORM_PUNCT 0x4u                  /* a code point of a mapped word that is a word of its own */
#define NI_NORM_MAPPED 0x8u                 /* WORD replaced by its mapping entry */
#define NI_NORM_HANGUL 0x10u                /* WORD Hangul syllable replaced by its jamo L V (T) (Unicode 3.12) */
#define NI_NORM_HANGUL_BASE 0xAC00u
#define NI_NORM_HANGUL_COUNT 11172u

/* The props a range kind stands for (NI_NORM_KIND_*, 0..7). */
static inline uint32_t ni_norm_kind_props(uint32_t kind)
{
    if (kind <= NI_NORM_KIND_WORD) return kind;
    if (kind == NI_NORM_KIND_WORD_HANGUL) return NI_NORM_CLASS_WORD | NI_NORM_HANGUL;
    return NI_NORM_CLASS_WORD | (kind - NI_NORM_KIND_WORD) << 2; /* 4: PUNCT, 5: MAPPED, 6: both */
}

/* ---- status codes ---------------------------------------------------------------------------------------- */

typedef enum ni_status {
    NI_OK = 0,
    NI_ERR_NULL_ARG = -1,                    /* a required pointer argument is NULL */
    NI_ERR_TRUNCATED = -2,                   /* fewer bytes than the header or its total length demands */
    NI_ERR_BAD_MAGIC = -3,
    NI_ERR_VERSION = -4,                     /* format version this loader does not read */
    NI_ERR_HEADER_SIZE = -5,
    NI_ERR_LENGTH = -6,                      /* more bytes than the header's total length */
    NI_ERR_SECTION_COUNT = -7,               /* 0, more than NI_MAX_SECTIONS, or wrong section entry size */
    NI_ERR_HEADER_CRC = -8,
    NI_ERR_FLAGS = -9,                       /* unknown header or section flag bits */
    NI_ERR_RESERVED = -10,                   /* a reserved field is not zero */
    NI_ERR_SECTION_KIND = -11,               /* unknown section kind */
    NI_ERR_SECTION_ORDER = -12,              /* section kinds not ascending */
    NI_ERR_SECTION_DUPLICATE = -13,
    NI_ERR_MISSING_SECTION = -14,
    NI_ERR_SECTION_BOUNDS = -15,             /* a section reaches past the image, or the image past the last one */
    NI_ERR_SECTION_ALIGN = -16,
    NI_ERR_SECTION_OVERLAP = -17,            /* sections overlap each other or the header/section table */
    NI_ERR_SECTION_CRC = -18,
    NI_ERR_IMAGE_HASH = -19,                 /* SHA-256 of the image does not match */
    NI_ERR_SECTION_FORMAT = -20,             /* a section too short for its own header, or a wrong entry size */
    NI_ERR_MODEL_DIMS = -21,                 /* MODEL dims out of range or not multiples the kernels need */
    NI_ERR_TENSOR_COUNT = -22,
    NI_ERR_TENSOR_ORDER = -23,               /* tensor ids not ascending within a table */
    NI_ERR_TENSOR_DUPLICATE = -24,
    NI_ERR_TENSOR_UNKNOWN = -25,             /* an id that does not belong in this section */
    NI_ERR_MISSING_TENSOR = -26,
    NI_ERR_TENSOR_ENCODING = -27,            /* an unknown encoding, or not the one the scheme gives this tensor */
    NI_ERR_TENSOR_SHAPE = -28,               /* rows/cols differ from what the MODEL dims demand */
    NI_ERR_TENSOR_BOUNDS = -29,              /* data or params outside the section or inside the table */
    NI_ERR_TENSOR_ALIGN = -30,
    NI_ERR_TENSOR_SIZE = -31,                /* data/params length differ from the encoding's sizes */
    NI_ERR_TENSOR_OVERLAP = -32,             /* regions not in entry order or overlapping */
    NI_ERR_QUANT_PARAMS = -33,               /* ni_qparams_validate() rejected QUANT_PARAMS */
    NI_ERR_VOCAB_COUNT = -34,                /* 0 entries or more than V */
    NI_ERR_VOCAB_BOUNDS = -35,               /* a block or string outside the section, or a length the coding forbids */
    NI_ERR_VOCAB_ORDER = -36,                /* strings not strictly ascending by UTF-8 bytes */
    NI_ERR_VOCAB_ID = -37,                   /* a special id >= the string count */
    NI_ERR_UTF8 = -38,                       /* a vocabulary string or label is not well-formed UTF-8 */
    NI_ERR_LABELS = -39,                     /* count != C, or a label out of bounds or empty */
    NI_ERR_THRESHOLDS = -40,                 /* count != L or wrong section length */
    NI_ERR_TEST_VECTORS = -41,               /* malformed test vector section or record */
    NI_ERR_TEST_VECTOR_TOKEN = -42,          /* a test vector token id >= V */
    NI_ERR_TENSOR_PARAMS = -43,              /* the encoding's validate rejected a tensor's params */
    NI_ERR_BOARD = -44,                      /* ni_image_check_board: image built for another board */
    NI_ERR_NORMALIZER = -45,                 /* malformed NORMALIZER section */
    NI_ERR_QUANT_TABLES = -46,               /* QUANT_PARAMS tables bits not the scheme's (e.g. a W1A1 softmax table) */
    NI_ERR_ATTENTION_SPAN = -47,             /* ATTENTION_SPAN: count != num_heads, wrong length, span > max_positions, or a scheme without softmax */
    /* Runtime codes (ni_runtime.h, docs/numerics.md): the step API on a validated image. One enum, so a
     * caller gets one name for every failure; the two ranges never collide. */
    NI_ERR_NULL = -100,                      /* a required pointer is NULL */
    NI_ERR_ARENA_SMALL = -101,               /* arena_len < ni_arena_bytes(model) */
    NI_ERR_ARENA_STATE = -102,               /* the arena does not hold an embedded sequence */
    NI_ERR_SEQ_LEN = -103,                   /* n == 0 or n > max_positions */
    NI_ERR_TOKEN_ID = -104,                  /* a token id is negative or >= vocab_size */
    NI_ERR_LAYER_ORDER = -105,               /* layers run out of order */
    NI_ERR_LAYER_INDEX = -106,               /* layer >= num_layers */
    NI_ERR_LABELS_COUNT = -107,              /* n_labels != the model's label count */
    NI_ERR_MODEL = -108,                     /* tensors or quantization params do not match the runtime */
    NI_ERR_INDEX = -109,                     /* label / layer index out of range in an accessor */
    NI_ERR_ALIGNMENT = -110,                 /* image base, arena or in-memory params not 4-byte aligned */
    /* Session and interop codes (ni_session.h, interop/ni_interop.h): the firmware's one open model. */
    NI_ERR_NOT_OPEN = -120,                  /* no model is open */
    NI_ERR_ALREADY_OPEN = -121,              /* a model is open: close it first */
    NI_ERR_PARTITION = -122,                 /* the model partition (or NANO_INTENT_MODEL file) is missing or unreadable */
    NI_ERR_UNSUPPORTED = -123,               /* not available on this platform (e.g. opening a file on a device) */
    NI_ERR_ARENA_CAPACITY = -124,            /* the image's arena_bytes exceed the firmware's static arena */
    NI_ERR_BUFFER = -125,                    /* the caller's buffer is too small */
    NI_ERR_SCRATCH_CAPACITY = -126           /* the tokenizer needs more scratch than the firmware's static buffer */
} ni_status;

/* "NI_OK", "NI_ERR_TRUNCATED", …; "NI_ERR_UNKNOWN" for values outside the enum. */
const char *ni_status_name(ni_status status);

/* ---- the validated image (RAM) --------------------------------------------------------------------------- */

/* One tensor table entry, decoded; data and params point into the image. */
typedef struct ni_tensor_desc {
    uint16_t id;
    uint8_t encoding;
    uint8_t present;                        /* 1 in every descriptor of a validated image */
    uint32_t rows;
    uint32_t cols;
    const uint8_t *data;
    uint32_t data_len;
    const uint8_t *params;                  /* NULL when params_len is 0 */
    uint32_t params_len;
} ni_tensor_desc;

typedef struct ni_section_view {
    const uint8_t *data;                    /* NULL when the section is absent */
    uint32_t length;
    uint32_t offset;                        /* from the start of the image */
    uint32_t crc32;
} ni_section_view;

typedef struct ni_image {
    const uint8_t *base;
    uint32_t length;
    uint32_t version;
    uint32_t board_id;
    uint32_t arena_bytes;
    uint32_t flags;
    ni_model_dims dims;
    ni_section_view sections[NI_SECTION_KIND_MAX + 1];   /* indexed by ni_section_kind; [0] unused */
    ni_tensor_desc embedding_tensors[NI_EMBEDDING_TENSOR_COUNT];
    ni_tensor_desc layer_tensors[NI_LAYER_TENSOR_COUNT];
    ni_tensor_desc exit_tensors[NI_MAX_LAYERS][NI_EXIT_TENSORS_PER_LAYER];
    /* vocabulary */
    uint32_t vocab_count;                   /* strings; token ids 0..vocab_count-1 in UTF-8 byte order */
    const uint8_t *vocab_blocks;            /* ceil(vocab_count / 16) u32 block offsets */
    uint16_t pad_id, unk_id, cls_id, sep_id, mask_id, max_word_chars;
    uint32_t vocab_flags;
    /* labels, thresholds, test vectors */
    const uint8_t *label_entries;
    const uint8_t *thresholds;              /* L little-endian int32 */
    uint32_t reject_kind;                   /* ni_reject_kind; NI_REJECT_NONE when the image has no rejection fields */
    int32_t reject_threshold;               /* Q16 */
    int32_t unknown_label;                  /* a label index, or NI_LABEL_NONE */
    uint32_t test_vector_count;             /* 0 when the section is absent */
    uint32_t test_vector_flags;             /* NI_TEST_VECTORS_FLAG_ANSWERS */
    const uint8_t *test_vectors;            /* first record */
    /* normalizer */
    uint32_t norm_range_count;
    const uint8_t *norm_ranges;
    uint32_t norm_map_count;
    const uint8_t *norm_maps;
    uint32_t norm_pool_count;
    const uint8_t *norm_pool;
    /* attention spans */
    const uint8_t *attention_spans;         /* num_heads little-endian u16; NULL when the section is absent */
} ni_image;

/* sizeof(ni_image), for callers that allocate it without this header (the P/Invoke tests). */
uint32_t ni_image_struct_bytes(void);

/* Validates all of image[0..len) and fills *out. On any error *out is zeroed and the named status returned. */
ni_status ni_image_open(const uint8_t *image, uint32_t len, ni_image *out);

/* NI_ERR_BOARD when the image names a board other than board_id (an image with board id 0 runs anywhere). */
ni_status ni_image_check_board(const ni_image *img, uint32_t board_id);

/* The section of that kind, its length in *len (may be NULL); NULL when absent. */
const uint8_t *ni_image_section(const ni_image *img, uint16_t kind, uint32_t *len);

/* The tensor with that id (NI_TENSOR_* or NI_TENSOR_EXIT(l, part)); NULL when the id is not in the image. */
const ni_tensor_desc *ni_image_tensor(const ni_image *img, uint16_t tensor_id);

/* The token id of a UTF-8 string, or -1 when absent: a binary search over the block heads, then a scan of one
 * block, in place in the image (no copy). */
int32_t ni_image_vocab_find(const ni_image *img, const char *utf8, uint32_t len);

/* The string of token id (0 <= id < vocab_count), decoded into buf[0..cap): 1 and its length in *len, or 0 when
 * id is out of range or the string is longer than cap (NI_VOCAB_MAX_TOKEN_BYTES always suffices). */
int ni_image_vocab_entry(const ni_image *img, uint32_t id, uint8_t *buf, uint32_t cap, uint32_t *len);

/* Label i (0 <= i < C): 1 and its UTF-8 bytes (not NUL-terminated), or 0 when out of range. */
int ni_image_label(const ni_image *img, uint32_t index, const uint8_t **utf8, uint32_t *len);

/* Exit entropy threshold of layer l (fixed point per docs/numerics.md); 0 when l >= L. */
int32_t ni_image_threshold(const ni_image *img, uint32_t layer);
/* The attention span of head `head` (ATTENTION_SPAN), max_positions when the image has no spans. */
uint32_t ni_image_attention_span(const ni_image *img, uint32_t head);

/* The answer of an exit whose argmax label, entropy and confidence (Q16) are given, under the image's rejection
 * rule: the argmax, or NI_ANSWER_UNKNOWN. */
int32_t ni_image_answer(const ni_image *img, uint32_t argmax, int32_t entropy_q16, int32_t confidence_q16);

/* ---- test vectors ---------------------------------------------------------------------------------------- */

typedef struct ni_test_vector {
    uint32_t index;
    uint32_t token_count;
    const uint8_t *tokens;                  /* token_count little-endian u16 */
    const uint8_t *logits;                  /* L x C little-endian int32, layer-major */
    const uint8_t *entropies;               /* L little-endian int32 */
    const uint8_t *answers;                 /* L little-endian int32; NULL when the section carries none */
} ni_test_vector;

typedef struct ni_test_vector_iter {
    uint32_t next_index;
    uint32_t next_offset;                   /* from the start of the TEST_VECTORS section */
} ni_test_vector_iter;

void ni_test_vector_begin(const ni_image *img, ni_test_vector_iter *it);
/* 1 and the next test vector in *out, or 0 when there are no more. */
int ni_test_vector_next(const ni_image *img, ni_test_vector_iter *it, ni_test_vector *out);
uint16_t ni_test_vector_token(const ni_test_vector *tv, uint32_t i);
int32_t ni_test_vector_logit(const ni_image *img, const ni_test_vector *tv, uint32_t layer, uint32_t label);
int32_t ni_test_vector_entropy(const ni_image *img, const ni_test_vector *tv, uint32_t layer);
/* 1 and the expected answer of the layer's exit in *answer (label index or NI_ANSWER_UNKNOWN), 0 when the vector
 * carries no answers. */
int ni_test_vector_answer(const ni_image *img, const ni_test_vector *tv, uint32_t layer, int32_t *answer);

/* ---- checksums (exposed for the packer's tests and the firmware) ---------------------------------------- */

/* CRC-32/ISO-HDLC (zlib's crc32): reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF.
 * Start with crc = 0; feed pieces in order: crc = ni_crc32_update(crc, p, n). */
uint32_t ni_crc32_update(uint32_t crc, const uint8_t *p, uint32_t n);

typedef struct ni_sha256 {
    uint32_t state[8];
    uint64_t bytes;
    uint8_t block[64];
    uint32_t fill;
} ni_sha256;
void ni_sha256_init(ni_sha256 *s);
void ni_sha256_update(ni_sha256 *s, const uint8_t *p, uint32_t n);
void ni_sha256_final(ni_sha256 *s, uint8_t digest[32]);

/* Little-endian readers: the one way the loader and the kernels read multi-byte fields from the image. */
static inline uint16_t ni_rd16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t ni_rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline int32_t ni_rd32s(const uint8_t *p) { return (int32_t)ni_rd32(p); }
static inline uint32_t ni_rd24(const uint8_t *p) { return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16); }

#ifdef __cplusplus
}
#endif

#endif /* NANO_INTENT_NI_IMAGE_H */
