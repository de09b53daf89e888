/* The scheme table (ni_scheme.h): one row per scheme. Adding a scheme adds a row and its attention block's file. */
#include <stddef.h>
#include "nano_intent/ni_scheme.h"
#include "nano_intent/ni_encoding.h"
#include "ni_attention_block.h"

static const ni_scheme_traits schemes[] = {
    { NI_SCHEME_INT8, "int8", 4u, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, 0, NI_QP_TABLE_SOFTMAX, 0,
      &ni_attention_softmax_s8, NI_ENC_INT8_SPARSE_EMBED },
    /* Bi-Attention keeps only the sign of Q, K, V: BINARY_SIGN stores no multiplier; a pooler may read the int8 h[CLS]
     * (BINARY_S8) instead of its sign bits */
    { NI_SCHEME_W1A1, "w1a1", 32u, NI_ENC_BINARY, NI_ENC_INT8_ROW, NI_ENC_BINARY_EMBED, NI_ENC_BINARY_SIGN, NI_ENC_BINARY_S8, 0, 1,
      &ni_attention_bi, 0 },
    /* the int8 layer with AdaptivFloat linear weights; embedding tables and exit classifiers stay int8 rows */
    { NI_SCHEME_AF8, "af8", 4u, NI_ENC_ADAPTIVFLOAT, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, NI_ENC_ADAPTIVFLOAT, 0, NI_QP_TABLE_SOFTMAX, 0,
      &ni_attention_softmax_s8, NI_ENC_INT8_SPARSE_EMBED },
    /* the int8 layer with GOBO 3-bit linear weights (+ outliers); embedding tables and exit classifiers stay int8 rows */
    { NI_SCHEME_GOBO3, "gobo3", 4u, NI_ENC_GOBO3, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, NI_ENC_GOBO3, 0, NI_QP_TABLE_SOFTMAX, 0,
      &ni_attention_softmax_s8, NI_ENC_INT8_SPARSE_EMBED },
    /* the int8 layer with int4 linear weights; embedding tables and exit classifiers stay int8 rows */
    { NI_SCHEME_INT4, "int4", 4u, NI_ENC_INT4, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, NI_ENC_INT4, 0, NI_QP_TABLE_SOFTMAX, 0,
      &ni_attention_softmax_s8, NI_ENC_INT8_SPARSE_EMBED },
    /* the int8 layer with iPQ linear weights (codebook + indices); embedding tables and exit classifiers stay int8 rows */
    { NI_SCHEME_IPQ, "ipq", 4u, NI_ENC_IPQ, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, NI_ENC_IPQ, 0, NI_QP_TABLE_SOFTMAX, 0,
      &ni_attention_softmax_s8, NI_ENC_INT8_SPARSE_EMBED },
    /* the int8 layer with pruned linear weights (kept blocks only); embedding tables and exit classifiers stay int8 rows */
    { NI_SCHEME_INT8_SPARSE, "int8-sparse", 4u, NI_ENC_INT8_SPARSE, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, NI_ENC_INT8_SPARSE, 0,
      NI_QP_TABLE_SOFTMAX, 0, &ni_attention_softmax_s8, NI_ENC_INT8_SPARSE_EMBED },
    /* the int8 layer with 2:4 sparse int8 linear weights; embedding tables and exit classifiers stay int8 rows */
    { NI_SCHEME_INT8_2OF4, "int8-2of4", 4u, NI_ENC_INT8_2OF4, NI_ENC_INT8_ROW, NI_ENC_INT8_ROW, NI_ENC_INT8_2OF4, 0,
      NI_QP_TABLE_SOFTMAX, 0, &ni_attention_softmax_s8, NI_ENC_INT8_SPARSE_EMBED },
};

const ni_scheme_traits *ni_scheme_find(uint32_t id)
{
    for (uint32_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++)
        if (schemes[i].id == id) return &schemes[i];
    return NULL;
}
