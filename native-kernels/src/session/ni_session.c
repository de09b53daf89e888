/* One open model in static memory (ni_session.h): the arena, token ids and tokenizer scratch are sized at build
 * time, so the firmware never allocates and no caller memory is kept across calls. */
#include <string.h>
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_session.h"
#include "nano_intent/ni_tokenizer.h"

/* Tokenizer scratch; ni_session_open refuses an image that needs more (NI_ERR_SCRATCH_CAPACITY). ni_tokenize needs
 * about 8 * max_word_chars + 8 bytes (ni_tokenizer_scratch_bytes; BERT's 100 -> 808), so 4 KB serves vocabularies
 * with max_word_chars up to 511; the u16 field's worst case (65535) would need 512 KB, which no board has. */
#ifndef NI_SESSION_TOKENIZER_SCRATCH_BYTES
#define NI_SESSION_TOKENIZER_SCRATCH_BYTES 4096u
#endif

/* uint32_t storage: the runtime and the tokenizer need 4-byte aligned memory. */
static uint32_t arena_words[(NI_SESSION_ARENA_BYTES + 3u) / 4u];
static uint32_t scratch_words[(NI_SESSION_TOKENIZER_SCRATCH_BYTES + 3u) / 4u];
static int32_t token_ids[NI_MAX_POSITIONS];
static uint32_t token_count;
static ni_model model;
static const uint8_t *open_image; /* NULL when no model is open */

#define ARENA ((uint8_t *)arena_words)

/* The arena the open image asked for (checked against the capacity at open). */
static uint32_t arena_len(void) { return model.image.arena_bytes; }

/* Forgets the last text: a step after this fails with NI_ERR_ARENA_STATE instead of reading stale activations. */
static void reset_text(void)
{
    token_count = 0;
    memset(arena_words, 0, sizeof arena_words < 64u ? sizeof arena_words : 64u);
}

int ni_session_open(const uint8_t *image, uint32_t len)
{
    if (open_image != NULL) return NI_ERR_ALREADY_OPEN;
    if (image == NULL) return NI_ERR_NULL;
    int st = ni_open(image, len, &model);
    /* a firmware built for board 0 (the host, the emulator) runs images packed for any board */
    if (st == NI_OK && NI_SESSION_BOARD_ID != 0u) st = ni_image_check_board(&model.image, NI_SESSION_BOARD_ID);
    if (st == NI_OK && model.image.arena_bytes > (uint32_t)sizeof arena_words) st = NI_ERR_ARENA_CAPACITY;
    if (st == NI_OK && ni_tokenizer_scratch_bytes(&model.image) > (uint32_t)sizeof scratch_words)
        st = NI_ERR_SCRATCH_CAPACITY;
    if (st != NI_OK) {
        memset(&model, 0, sizeof model);
        return st;
    }
    open_image = image;
    reset_text();
    return NI_OK;
}

const uint8_t *ni_session_close(void)
{
    const uint8_t *was = open_image;
    open_image = NULL;
    memset(&model, 0, sizeof model);
    reset_text();
    return was;
}

int ni_session_is_open(void) { return open_image != NULL; }

int ni_session_info(int32_t *values, uint32_t n)
{
    if (open_image == NULL) return NI_ERR_NOT_OPEN;
    if (values == NULL && n > 0) return NI_ERR_NULL;
    const ni_image *img = &model.image;
    const int32_t all[NI_INFO_COUNT] = {
        [NI_INFO_LAYERS] = (int32_t)img->dims.num_layers,
        [NI_INFO_LABELS] = (int32_t)img->dims.num_labels,
        [NI_INFO_MAX_POSITIONS] = (int32_t)img->dims.max_positions,
        [NI_INFO_VOCAB_SIZE] = (int32_t)img->dims.vocab_size,
        [NI_INFO_HIDDEN_SIZE] = (int32_t)img->dims.hidden_size,
        [NI_INFO_IMAGE_BYTES] = (int32_t)img->length,
        [NI_INFO_ARENA_BYTES] = (int32_t)img->arena_bytes,
        [NI_INFO_ARENA_CAPACITY] = (int32_t)sizeof arena_words,
        [NI_INFO_BOARD_ID] = (int32_t)img->board_id,
        [NI_INFO_FLAGS] = (int32_t)img->flags,
        [NI_INFO_REJECT_KIND] = (int32_t)img->reject_kind,
        [NI_INFO_REJECT_THRESHOLD] = img->reject_threshold,
        [NI_INFO_UNKNOWN_LABEL] = img->unknown_label,
    };
    uint32_t k = n < NI_INFO_COUNT ? n : NI_INFO_COUNT;
    for (uint32_t i = 0; i < k; i++) values[i] = all[i];
    return (int)k;
}

int ni_session_label(uint32_t index, uint8_t *buf, uint32_t cap)
{
    if (open_image == NULL) return NI_ERR_NOT_OPEN;
    const char *p;
    uint32_t len;
    int st = ni_label(&model, index, &p, &len);
    if (st != NI_OK) return st;
    if (buf == NULL && cap > 0) return NI_ERR_NULL;
    if (cap < len) return NI_ERR_BUFFER;
    memcpy(buf, p, len);
    return (int)len;
}

int ni_session_thresholds(int32_t *q16, uint32_t n)
{
    if (open_image == NULL) return NI_ERR_NOT_OPEN;
    uint32_t L = ni_num_layers(&model);
    if (n < L) return NI_ERR_BUFFER;
    if (q16 == NULL) return NI_ERR_NULL;
    for (uint32_t l = 0; l < L; l++) {
        int st = ni_exit_threshold(&model, l, &q16[l]);
        if (st != NI_OK) return st;
    }
    return (int)L;
}

int ni_session_begin(const uint8_t *utf8, uint32_t len)
{
    if (open_image == NULL) return NI_ERR_NOT_OPEN;
    if (utf8 == NULL && len > 0) return NI_ERR_NULL;
    reset_text();
    static const uint8_t empty[1] = {0};
    int n = ni_tokenize(&model.image, utf8 != NULL ? utf8 : empty, len, token_ids, ni_max_positions(&model),
                        (uint8_t *)scratch_words, (uint32_t)sizeof scratch_words);
    if (n < 0) return n;
    int st = ni_embed(&model, token_ids, (uint32_t)n, ARENA, arena_len());
    if (st != NI_OK) return st;
    token_count = (uint32_t)n;
    return n;
}

int ni_session_token_ids(int32_t *ids, uint32_t cap)
{
    if (open_image == NULL) return NI_ERR_NOT_OPEN;
    if (cap < token_count) return NI_ERR_BUFFER;
    if (ids == NULL && token_count > 0) return NI_ERR_NULL;
    for (uint32_t i = 0; i < token_count; i++) ids[i] = token_ids[i];
    return (int)token_count;
}

int ni_session_run_layer(uint32_t layer)
{
    if (open_image == NULL) return NI_ERR_NOT_OPEN;
    return ni_run_layer(&model, layer, ARENA, arena_len());
}

int ni_session_exit_head(uint32_t layer, int32_t *logits, uint32_t n, int32_t *stats, uint32_t n_stats)
{
    if (open_image == NULL) return NI_ERR_NOT_OPEN;
    if (stats == NULL && n_stats > 0) return NI_ERR_NULL;
    int32_t entropy = 0;
    int st = ni_exit_head(&model, layer, ARENA, arena_len(), logits, n, &entropy);
    if (st != NI_OK) return st;
    uint32_t argmax = 0;
    int32_t confidence = ni_confidence_q16(logits, n, model.qp->exp2_frac, &argmax);
    const int32_t all[NI_STAT_COUNT] = {
        [NI_STAT_ENTROPY_Q16] = entropy,
        [NI_STAT_ARGMAX] = (int32_t)argmax,
        [NI_STAT_CONFIDENCE_Q16] = confidence,
        [NI_STAT_ANSWER] = ni_image_answer(&model.image, argmax, entropy, confidence),
    };
    uint32_t k = n_stats < NI_STAT_COUNT ? n_stats : NI_STAT_COUNT;
    for (uint32_t i = 0; i < k; i++) stats[i] = all[i];
    return entropy;
}
