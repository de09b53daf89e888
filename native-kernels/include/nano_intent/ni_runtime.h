/* The step API the firmware calls through native interop (docs/numerics.md, "Runtime"). The early-exit loop lives
 * in the caller:
 *     ni_embed(ids) ; for l in 0..L-1 { ni_run_layer(l); ni_exit_head(l, logits, &entropy); if entropy < thr[l] stop }
 *     ni_exit_answer(logits, entropy, &answer)    (a label index, or NI_ANSWER_UNKNOWN: out of scope)
 * All state lives in the caller's arena of ni_arena_bytes(model) bytes; nothing is allocated, no float is used,
 * and the image is only read (embeddings and weights stay in flash). */
#ifndef NANO_INTENT_NI_RUNTIME_H
#define NANO_INTENT_NI_RUNTIME_H

#include <stdint.h>
#include "ni_encoding.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Status codes: the runtime's NI_ERR_NULL ... NI_ERR_ALIGNMENT (-100 ...) share the ni_status enum of ni_image.h
 * with the loader's codes, which ni_open passes through unchanged.
 *
 * Alignment: the image base and the arena must be 4-byte aligned (params, tables and activations are read and
 * written as int16/int32 in place); otherwise ni_open, ni_embed, ni_run_layer and ni_exit_head return
 * NI_ERR_ALIGNMENT. ni_model_bind returns it for row params or QUANT_PARAMS that are not 4-byte aligned. */

typedef struct ni_exit_tensors {
    ni_tensor pooler;          /* [H, H] -> tanh input scale */
    ni_tensor classifier;      /* [C, H] -> Q16 logits */
} ni_exit_tensors;

/* An opened model: pointers into the caller's image, nothing copied. Filled by ni_open (or ni_model_bind). Each
 * tensor carries its encoding (ni_tensor, ni_encoding.h); the scheme (dims.scheme) picks the attention block.
 * RAM besides the arena: ni_model_struct_bytes(); keep it static. */
typedef struct ni_model {
    ni_model_dims dims;
    ni_tensor word_emb;        /* [V, E] -> embedding LayerNorm input scale (int16) */
    ni_tensor pos_emb;         /* [T_max, E], token type 0 folded in -> same scale */
    ni_tensor emb_proj;        /* [H, E] -> layer input scale */
    ni_tensor query, key, value; /* [H, H] */
    ni_tensor attn_out;        /* [H, H] -> attention LayerNorm input (int16) */
    ni_tensor ffn;             /* [I, H] -> GELU input scale */
    ni_tensor ffn_out;         /* [H, I] -> full LayerNorm input (int16) */
    ni_exit_tensors exits[NI_MAX_LAYERS];
    const ni_qparams_fixed *qp;
    const ni_qparams_softmax *softmax; /* the softmax attention's block; NULL when the scheme has none (W1A1) */
    const ni_ln_param *emb_ln, *attn_ln, *full_ln;
    const int8_t *tanh_tables; /* [L][256] */
    ni_image image;            /* the validated image (loader's view): vocabulary, labels, thresholds */
    const uint8_t *attention_spans; /* num_heads little-endian u16 (ATTENTION_SPAN); NULL: every head sees every key */
} ni_model;

/* Validates the image (ni_image_open: magic, version, lengths, offsets, alignment, CRCs) and fills *model.
 * `image` must be 4-byte aligned (NI_ERR_ALIGNMENT). */
int ni_open(const uint8_t *image, uint32_t len, ni_model *model);

/* Checks dims, every tensor (shape, the scheme's encoding, sizes, params: ni_tensor_check_format/_params) and the
 * QUANT_PARAMS section, then fills the derived pointers. ni_open calls this after the loader resolved the sections;
 * tests call it with tensors built in memory. */
int ni_model_bind(ni_model *model, const uint8_t *qparams, uint32_t qparams_len);

/* Building a model from tensors already in memory (host tools and tests; ni_open does this from an image):
 * ni_model_init zeroes *model and sets the dims, ni_model_set_tensor points one NI_TENSOR_* id (or
 * NI_TENSOR_EXIT(l, part)) at its encoded data and params (the bytes an image would hold), then ni_model_bind checks
 * everything. */
uint32_t ni_model_struct_bytes(void);
int ni_model_init(ni_model *model, const ni_model_dims *dims);
int ni_model_set_tensor(ni_model *model, uint32_t tensor_id, uint8_t encoding, const uint8_t *data, uint32_t data_len,
                        const uint8_t *params, uint32_t params_len, uint32_t rows, uint32_t cols);
/* Points the model at num_heads little-endian u16 attention spans (the ATTENTION_SPAN layout; NULL: every head sees
 * every key); NI_ERR_MODEL for a span above max_positions. ni_open sets the image's. */
int ni_model_set_attention_spans(ni_model *model, const uint8_t *spans);
/* The model's slot for a tensor id; NULL for an id the model has no slot for. */
ni_tensor *ni_model_tensor(ni_model *model, uint32_t tensor_id);

/* Bytes of arena the step API needs at max_positions tokens (the packer writes the same number into the header).
 * The arena passed to the steps must be 4-byte aligned (NI_ERR_ALIGNMENT) and at least this long (NI_ERR_ARENA_SMALL). */
uint32_t ni_arena_bytes(const ni_model *model);

/* Looks up token ids[0..n-1] ([CLS] ... [SEP]) and writes the layer-0 input into the arena. */
int ni_embed(const ni_model *model, const int32_t *token_ids, uint32_t n, uint8_t *arena, uint32_t arena_len);

/* Applies the shared layer for depth `layer` (must be the next one: 0, 1, ...). */
int ni_run_layer(const ni_model *model, uint32_t layer, uint8_t *arena, uint32_t arena_len);

/* Exit head after `layer` (ni_run_layer(layer) must be the last layer run): Q16 logits and Q16 entropy (nats). */
int ni_exit_head(const ni_model *model, uint32_t layer, uint8_t *arena, uint32_t arena_len, int32_t *logits,
                 uint32_t n_labels, int32_t *entropy_q16);

/* The answer of an exit from the logits and entropy ni_exit_head wrote: *answer = the argmax label (the first largest
 * logit), or NI_ANSWER_UNKNOWN when the image's rejection rule (THRESHOLDS) rejects it (the confidence it compares
 * is ni_confidence_q16's). Call it on the exit the early-exit loop stopped at. NI_ERR_LABELS_COUNT when n_labels is
 * not the model's label count. */
int ni_exit_answer(const ni_model *model, const int32_t *logits, uint32_t n_labels, int32_t entropy_q16, int32_t *answer);

/* Index of a WordPiece token (exact bytes, e.g. "##ing") in the vocabulary, -1 when absent. */
int32_t ni_vocab_lookup(const ni_model *model, const char *utf8, uint32_t len);

uint32_t ni_num_layers(const ni_model *model);
uint32_t ni_num_labels(const ni_model *model);
uint32_t ni_max_positions(const ni_model *model);
/* Label i's UTF-8 bytes (not NUL-terminated) into utf8 and len. */
int ni_label(const ni_model *model, uint32_t index, const char **utf8, uint32_t *len);
/* Exit threshold of `layer` in Q16 nats (stop when entropy_q16 < threshold). */
int ni_exit_threshold(const ni_model *model, uint32_t layer, int32_t *threshold_q16);

#ifdef __cplusplus
}
#endif

#endif
