/* One open model in static memory, for the firmware (nanoFramework native interop) and the host emulator
 * (P/Invoke): the arena, the token ids and the tokenizer's scratch are static arrays sized at build time, so the
 * caller passes only plain integers, byte arrays and UTF-8 strings, and no pointer into the caller's (managed,
 * movable) memory is kept across calls. The early-exit loop stays in the caller:
 *     n = ni_session_begin(text) ; for l in 0..L-1 { ni_session_run_layer(l);
 *                                   e = ni_session_exit_head(l, logits, C, stats); if e < threshold[l] stop }
 *     answer = stats[NI_STAT_ANSWER]   (a label index, or NI_ANSWER_UNKNOWN: out of scope)
 * Every function returns NI_OK (0), a non-negative value, or a negative ni_status (ni_status_name names it). */
#ifndef NANO_INTENT_NI_SESSION_H
#define NANO_INTENT_NI_SESSION_H

#include <stdint.h>
#include "ni_runtime.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Static arena in bytes; the firmware build sets it from the board profile (boards/<board>.json arena budget). */
#ifndef NI_SESSION_ARENA_BYTES
#define NI_SESSION_ARENA_BYTES 65536u
#endif
/* The board this firmware runs on (boards/<board>.json "id"); 0 accepts an image packed for any board. */
#ifndef NI_SESSION_BOARD_ID
#define NI_SESSION_BOARD_ID 0u
#endif

/* Indexes of ni_session_info's values. */
enum ni_session_info_index {
    NI_INFO_LAYERS = 0,          /* L */
    NI_INFO_LABELS = 1,          /* C */
    NI_INFO_MAX_POSITIONS = 2,   /* P: at most this many ids per text, [CLS] and [SEP] included */
    NI_INFO_VOCAB_SIZE = 3,      /* V */
    NI_INFO_HIDDEN_SIZE = 4,     /* H */
    NI_INFO_IMAGE_BYTES = 5,     /* length of the open image */
    NI_INFO_ARENA_BYTES = 6,     /* arena the image needs */
    NI_INFO_ARENA_CAPACITY = 7,  /* NI_SESSION_ARENA_BYTES */
    NI_INFO_BOARD_ID = 8,        /* the image's board id */
    NI_INFO_FLAGS = 9,           /* the image's header flags (NI_FLAG_THRESHOLDS_CALIBRATED) */
    NI_INFO_REJECT_KIND = 10,    /* ni_reject_kind of the image's out-of-scope rule (NI_REJECT_NONE: never unknown) */
    NI_INFO_REJECT_THRESHOLD = 11, /* its threshold, Q16 (confidence or entropy in nats) */
    NI_INFO_UNKNOWN_LABEL = 12,  /* the label answered as unknown, or NI_LABEL_NONE */
    NI_INFO_COUNT = 13
};

/* Indexes of ni_session_exit_head's stats. */
enum ni_session_stat_index {
    NI_STAT_ENTROPY_Q16 = 0,     /* exit entropy, Q16 nats (ni_exit_head) */
    NI_STAT_ARGMAX = 1,          /* index of the largest logit (the first one on ties) */
    NI_STAT_CONFIDENCE_Q16 = 2,  /* softmax probability of the argmax label, Q16 (integer exp as the entropy) */
    NI_STAT_ANSWER = 3,          /* the argmax, or NI_ANSWER_UNKNOWN when the image's rejection rule rejects this exit */
    NI_STAT_COUNT = 4
};

/* Opens the image at image[0..len) (4-byte aligned; it must stay mapped until ni_session_close): validates it
 * (ni_open), checks its board id (ni_image_check_board against NI_SESSION_BOARD_ID: NI_ERR_BOARD) and that its
 * arena fits (NI_ERR_ARENA_CAPACITY). NI_ERR_ALREADY_OPEN when a model is open. On failure nothing stays open. */
int ni_session_open(const uint8_t *image, uint32_t len);
/* Closes the open model (no-op when none); returns the image pointer it held so a provider can unmap it. */
const uint8_t *ni_session_close(void);
int ni_session_is_open(void);

/* Writes min(n, NI_INFO_COUNT) values; returns the number written, NI_ERR_NOT_OPEN when no model is open. */
int ni_session_info(int32_t *values, uint32_t n);
/* Label index's UTF-8 bytes into buf; returns their length, NI_ERR_BUFFER when cap is too small. */
int ni_session_label(uint32_t index, uint8_t *buf, uint32_t cap);
/* The image's exit thresholds (Q16 nats), one per layer; returns L, NI_ERR_BUFFER when n < L. */
int ni_session_thresholds(int32_t *q16, uint32_t n);

/* Tokenizes utf8[0..len) with the image's tokenizer and embeds it: the layer-0 input. Returns the number of ids
 * ([CLS] ... [SEP], at most max_positions). */
int ni_session_begin(const uint8_t *utf8, uint32_t len);
/* The ids of the last ni_session_begin; returns their number, NI_ERR_BUFFER when cap is too small. */
int ni_session_token_ids(int32_t *ids, uint32_t cap);
/* The next layer (0, 1, ... in order after ni_session_begin). */
int ni_session_run_layer(uint32_t layer);
/* Exit head of the layer just run: Q16 logits into logits[0..n) (n must be C) and, when stats is not NULL,
 * NI_STAT_COUNT values into stats[0..n_stats). Returns the entropy (Q16, >= 0). */
int ni_session_exit_head(uint32_t layer, int32_t *logits, uint32_t n, int32_t *stats, uint32_t n_stats);

#ifdef __cplusplus
}
#endif

#endif
