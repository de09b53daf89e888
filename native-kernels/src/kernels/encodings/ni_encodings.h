/* The rows of the encoding table (ni_encoding_table.c), one file each. Internal to the library. */
#ifndef NANO_INTENT_NI_ENCODINGS_H
#define NANO_INTENT_NI_ENCODINGS_H

#include "nano_intent/ni_encoding.h"

extern const ni_encoding_traits ni_enc_int8_row; /* ni_enc_int8_row.c */
extern const ni_encoding_traits ni_enc_binary;   /* ni_enc_binary.c */
extern const ni_encoding_traits ni_enc_binary_embed; /* ni_enc_binary_embed.c */
extern const ni_encoding_traits ni_enc_binary_sign;  /* ni_enc_binary_sign.c */
extern const ni_encoding_traits ni_enc_binary_s8;    /* ni_enc_binary_s8.c */
extern const ni_encoding_traits ni_enc_adaptivfloat; /* ni_enc_adaptivfloat.c */
extern const ni_encoding_traits ni_enc_gobo3;       /* ni_enc_gobo3.c */
extern const ni_encoding_traits ni_enc_int8_sparse_embed; /* ni_enc_int8_sparse_embed.c */
extern const ni_encoding_traits ni_enc_int4;         /* ni_enc_int4.c */
extern const ni_encoding_traits ni_enc_ipq;          /* ni_enc_ipq.c */
extern const ni_encoding_traits ni_enc_int8_sparse;  /* ni_enc_int8_sparse.c */
extern const ni_encoding_traits ni_enc_int8_2of4;    /* ni_enc_int8_2of4.c */

/* The traits of 1-bit rows whose params start with int32 act_threshold (ni_enc_binary.c): BINARY and BINARY_SIGN. */
uint32_t ni_enc_b1_input_bytes(uint32_t cols);
void ni_enc_b1_pack_input(const ni_tensor *t, const int8_t *x, uint32_t c0, uint32_t count, uint8_t *in);
void ni_enc_b1_gemm(const ni_tensor *t, const uint8_t *in, uint32_t in_stride, uint32_t n, uint32_t r0, uint32_t r1,
                    int32_t *acc, uint32_t acc_stride);
uint32_t ni_enc_b1_acc_bound(uint32_t cols);
int ni_enc_b1_input_threshold(const ni_tensor *t, int32_t *threshold);

/* The layout every 1-bit row encoding shares (ni_enc_binary.c): rows of ceil(cols / 32) little-endian words, params
 * of a header plus row_bytes per row. b1_sizes gives both lengths (0 when they overflow 32 bits); b1_shape_ok checks
 * a tensor against them and the GEMM's column rule (cols a multiple of 32, at most NI_BINARY_MAX_COLS). */
int ni_enc_b1_sizes(uint32_t rows, uint32_t cols, uint32_t header, uint32_t row_bytes, uint32_t *data_len,
                    uint32_t *params_len);
int ni_enc_b1_shape_ok(const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols, uint32_t header,
                       uint32_t row_bytes);

/* The traits of encodings whose params are a {int32 multiplier, int32 shift} header for the whole tensor and then an
 * int32 bias a row at header + 4 r, over the int8 input as it is (ni_enc_adaptivfloat.c): ADAPTIVFLOAT and GOBO3. */
ni_int8_row_params ni_enc_tensor_rq_row_params(const ni_tensor *t, uint32_t header, uint32_t row);
uint32_t ni_enc_s8_input_bytes(uint32_t cols);
int ni_enc_s8_input_threshold(const ni_tensor *t, int32_t *threshold);
/* Params of one ni_int8_row_params per row (ni_enc_int8_row.c), shared by INT8_ROW, INT8_SPARSE_EMBED and INT4: 1 when
 * params_len is 12 rows and every row's bias (|bias| <= 2^30), multiplier (>= 0) and shift (1..62) are within bounds;
 * the params of output row `row`. */
int ni_enc_int8_row_params_ok(const uint8_t *params, uint32_t params_len, uint32_t rows);
ni_int8_row_params ni_enc_row_params_at(const ni_tensor *t, uint32_t row);

/* Little-endian readers of params bytes (the loader calls validate on bytes it has not yet vouched for). */
static inline int32_t ni_enc_rd32(const uint8_t *p)
{
    return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
}
static inline uint32_t ni_enc_rd16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }

#endif
