/* The encoding table: encoding id -> its traits. Adding an encoding adds a row here and its own file. */
#include <stddef.h>
#include "ni_encodings.h"

static const ni_encoding_traits *const table[] = {
    [NI_ENC_INT8_ROW] = &ni_enc_int8_row,
    [NI_ENC_BINARY] = &ni_enc_binary,
    [NI_ENC_BINARY_EMBED] = &ni_enc_binary_embed,
    [NI_ENC_BINARY_SIGN] = &ni_enc_binary_sign,
    [NI_ENC_BINARY_S8] = &ni_enc_binary_s8,
    [NI_ENC_ADAPTIVFLOAT] = &ni_enc_adaptivfloat,
    [NI_ENC_GOBO3] = &ni_enc_gobo3,
    [NI_ENC_INT8_SPARSE_EMBED] = &ni_enc_int8_sparse_embed,
    [NI_ENC_INT4] = &ni_enc_int4,
    [NI_ENC_IPQ] = &ni_enc_ipq,
    [NI_ENC_INT8_SPARSE] = &ni_enc_int8_sparse,
    [NI_ENC_INT8_2OF4] = &ni_enc_int8_2of4,
};

const ni_encoding_traits *ni_encoding_find(uint8_t id)
{
    return id < sizeof table / sizeof table[0] ? table[id] : NULL;
}
