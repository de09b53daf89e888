/* The rows of the encoding table (ni_encoding_table.c), one file each. Internal to the library. */
#ifndef NANO_INTENT_NI_ENCODINGS_H
#define NANO_INTENT_NI_ENCODINGS_H

#include "nano_intent/ni_encoding.h"

extern const ni_encoding_traits ni_enc_int8_row; /* ni_enc_int8_row.c */
extern const ni_encoding_traits ni_enc_binary;   /* ni_enc_binary.c */
extern const ni_encoding_traits ni_enc_binary_embed; /* ni_enc_binary_embed.c */

/* Little-endian readers of params bytes (the loader calls validate on bytes it has not yet vouched for). */
static inline int32_t ni_enc_rd32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}
static inline uint32_t ni_enc_rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

#endif
