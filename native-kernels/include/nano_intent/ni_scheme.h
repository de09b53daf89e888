/* Schemes (docs/flash-image.md "Schemes"): what the MODEL section's `scheme` decides, as one table row per scheme —
 * the dims multiples, the encoding each tensor carries, the QUANT_PARAMS tables and attention threshold rule and the layer's
 * attention block. Everything else in the layer is shared by every scheme. */
#ifndef NANO_INTENT_NI_SCHEME_H
#define NANO_INTENT_NI_SCHEME_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ni_attention_block; /* the runtime's attention block of a scheme (src/runtime/ni_attention_block.h) */

typedef struct ni_scheme_traits {
    uint32_t id;                       /* NI_SCHEME_* */
    const char *name;
    uint32_t dim_multiple;             /* E, H, I and the head size H / heads are multiples of this */
    uint8_t weight_encoding;           /* every other tensor: mapping-in, Dense, FFN, FFN output, the poolers */
    uint8_t classifier_encoding;       /* NI_EXIT_CLASSIFIER of every exit */
    uint8_t embedding_encoding;        /* the word and position embedding tables (looked up, never a GEMM operand) */
    uint8_t projection_encoding;       /* Q, K and V, the attention block's projections */
    uint8_t pooler_alternative;        /* an encoding a pooler may carry instead of weight_encoding (W1A1: BINARY_S8, 1-bit
                                        * weights over the int8 h[CLS]); 0: none */
    uint32_t qparams_tables;           /* QUANT_PARAMS `tables`: the optional blocks this scheme reads (NI_QP_TABLE_*) */
    uint8_t uses_attn_threshold;       /* 1: QUANT_PARAMS attn_threshold in [-head size, head size]; 0: it is 0 */
    const struct ni_attention_block *attention;
    uint8_t embedding_alternative;     /* an encoding the word embedding table may carry instead of embedding_encoding
                                        * (INT8, AF8: INT8_SPARSE_EMBED, pruned rows read in place); 0: none */
} ni_scheme_traits;

/* The table's row for a scheme id; NULL for an unknown id. */
const ni_scheme_traits *ni_scheme_find(uint32_t id);

#ifdef __cplusplus
}
#endif

#endif
