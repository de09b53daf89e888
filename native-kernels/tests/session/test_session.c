/* The session (ni_session.h) on the C image builder's model: NOT_OPEN before open, ALREADY_OPEN, info, labels and
 * thresholds with their buffer errors, a failed open that leaves nothing open, open/close/reopen, and the classify
 * steps giving exactly what the step API gives for the same token ids, with argmax and confidence from the logits;
 * a board-0 build (the library's default) opens an image packed for any board. */
#include <string.h>
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_session.h"
#include "session_image.h"
#include "test_util.h"

static uint32_t image_words[32768 / 4], bad_words[32768 / 4], ref_arena_words[65536 / 4];

static void not_open(void)
{
    int32_t v[NI_INFO_COUNT], logits[8], stats[NI_STAT_COUNT];
    uint8_t buf[16];
    CHECK_STATUS(ni_session_info(v, NI_INFO_COUNT), NI_ERR_NOT_OPEN, "info");
    CHECK_STATUS(ni_session_label(0, buf, sizeof buf), NI_ERR_NOT_OPEN, "label");
    CHECK_STATUS(ni_session_thresholds(v, NI_INFO_COUNT), NI_ERR_NOT_OPEN, "thresholds");
    CHECK_STATUS(ni_session_begin((const uint8_t *)"a", 1), NI_ERR_NOT_OPEN, "begin");
    CHECK_STATUS(ni_session_token_ids(v, NI_INFO_COUNT), NI_ERR_NOT_OPEN, "token_ids");
    CHECK_STATUS(ni_session_run_layer(0), NI_ERR_NOT_OPEN, "run_layer");
    CHECK_STATUS(ni_session_exit_head(0, logits, 3, stats, NI_STAT_COUNT), NI_ERR_NOT_OPEN, "exit_head");
    CHECK(!ni_session_is_open());
}

/* Every layer of `text` through the session and through the step API on the same ids: equal logits and entropy. */
static void classify_matches_steps(const uint8_t *image, uint32_t len, const char *text)
{
    static ni_model ref;
    CHECK_STATUS(ni_open(image, len, &ref), NI_OK, "reference ni_open");
    uint32_t L = ni_num_layers(&ref), C = ni_num_labels(&ref), arena_len = ni_arena_bytes(&ref);
    int n = ni_session_begin((const uint8_t *)text, (uint32_t)strlen(text));
    CHECK(n >= 2);
    if (n < 2) return;
    int32_t ids[NI_MAX_POSITIONS];
    CHECK_STATUS(ni_session_token_ids(ids, 1), n > 1 ? NI_ERR_BUFFER : NI_OK, "token_ids, cap 1");
    CHECK(ni_session_token_ids(ids, NI_MAX_POSITIONS) == n);
    CHECK(ids[0] == ref.image.cls_id && ids[n - 1] == ref.image.sep_id);
    uint8_t *arena = (uint8_t *)ref_arena_words;
    CHECK_STATUS(ni_embed(&ref, ids, (uint32_t)n, arena, arena_len), NI_OK, "reference ni_embed");
    for (uint32_t l = 0; l < L; l++) {
        int32_t logits[8], want[8], stats[NI_STAT_COUNT], entropy = 0;
        CHECK_STATUS(ni_session_run_layer(l), NI_OK, "run_layer");
        CHECK_STATUS(ni_session_exit_head(l, logits, C - 1, stats, NI_STAT_COUNT), NI_ERR_LABELS_COUNT, "exit_head, n = C - 1");
        CHECK_STATUS(ni_run_layer(&ref, l, arena, arena_len), NI_OK, "reference ni_run_layer");
        CHECK_STATUS(ni_exit_head(&ref, l, arena, arena_len, want, C, &entropy), NI_OK, "reference ni_exit_head");
        int e = ni_session_exit_head(l, logits, C, stats, NI_STAT_COUNT);
        CHECK(e == entropy && stats[NI_STAT_ENTROPY_Q16] == entropy);
        CHECK(memcmp(logits, want, C * sizeof logits[0]) == 0);
        uint32_t arg = 0;
        for (uint32_t c = 1; c < C; c++) if (want[c] > want[arg]) arg = c;
        CHECK(stats[NI_STAT_ARGMAX] == (int32_t)arg);
        CHECK(stats[NI_STAT_CONFIDENCE_Q16] == ni_confidence_q16(want, C, ref.qp->exp2_frac, NULL));
        CHECK(stats[NI_STAT_CONFIDENCE_Q16] * (int32_t)C >= 65536 - (int32_t)C && stats[NI_STAT_CONFIDENCE_Q16] <= 65536);
        int32_t first = -1;
        CHECK(ni_session_exit_head(l, logits, C, &first, 1) == entropy && first == entropy); /* fewer stats */
        CHECK(ni_session_exit_head(l, logits, C, NULL, 0) == entropy);
    }
    int32_t logits[8], stats[NI_STAT_COUNT];
    CHECK_STATUS(ni_session_run_layer(L), NI_ERR_LAYER_INDEX, "run_layer L");
    CHECK_STATUS(ni_session_exit_head(L, logits, C, stats, NI_STAT_COUNT), NI_ERR_LAYER_INDEX, "exit_head L");
}

int main(void)
{
    uint8_t *image = (uint8_t *)image_words, *bad = (uint8_t *)bad_words;
    tb_options opt = si_options();
    uint32_t len = si_build(image, sizeof image_words, opt, NULL);
    CHECK(len > 0);
    if (len == 0) return ni_test_finish("session");

    not_open();
    CHECK(ni_session_close() == NULL);                              /* closing nothing is a no-op */

    /* a failed open leaves nothing open */
    memcpy(bad, image, len);
    bad[len - 1] ^= 0x40;
    CHECK(ni_session_open(bad, len) < 0);
    CHECK(!ni_session_is_open());
    CHECK_STATUS(ni_session_open(image, len - 1), NI_ERR_TRUNCATED, "open, 1 byte short");
    CHECK_STATUS(ni_session_open(NULL, len), NI_ERR_NULL, "open NULL");
    not_open();

    CHECK_STATUS(ni_session_open(image, len), NI_OK, "open");
    CHECK(ni_session_is_open());
    CHECK_STATUS(ni_session_open(image, len), NI_ERR_ALREADY_OPEN, "second open");

    int32_t v[NI_INFO_COUNT + 2];
    memset(v, 0x55, sizeof v);
    CHECK(ni_session_info(v, NI_INFO_COUNT + 2) == NI_INFO_COUNT);
    CHECK(v[NI_INFO_COUNT] == 0x55555555);                         /* nothing past NI_INFO_COUNT */
    CHECK(v[NI_INFO_LAYERS] == (int32_t)opt.dims.num_layers && v[NI_INFO_LABELS] == (int32_t)opt.dims.num_labels);
    CHECK(v[NI_INFO_MAX_POSITIONS] == (int32_t)opt.dims.max_positions && v[NI_INFO_VOCAB_SIZE] == (int32_t)opt.dims.vocab_size);
    CHECK(v[NI_INFO_HIDDEN_SIZE] == (int32_t)opt.dims.hidden_size && v[NI_INFO_IMAGE_BYTES] == (int32_t)len);
    CHECK(v[NI_INFO_ARENA_BYTES] == (int32_t)opt.arena_bytes && v[NI_INFO_ARENA_CAPACITY] >= (int32_t)opt.arena_bytes);
    CHECK(v[NI_INFO_BOARD_ID] == 0 && v[NI_INFO_FLAGS] == 0);
    CHECK(ni_session_info(v, 2) == 2);

    uint8_t label[NI_MAX_LABEL_BYTES];
    const uint8_t *want;
    uint32_t want_len;
    for (uint32_t c = 0; c < opt.dims.num_labels; c++) {
        int n = ni_session_label(c, label, sizeof label);
        ni_image img;
        CHECK(ni_image_open(image, len, &img) == NI_OK && ni_image_label(&img, c, &want, &want_len));
        CHECK(n == (int)want_len && memcmp(label, want, want_len) == 0);
        CHECK_STATUS(ni_session_label(c, label, want_len - 1), NI_ERR_BUFFER, "label, cap one short");
    }
    CHECK_STATUS(ni_session_label(opt.dims.num_labels, label, sizeof label), NI_ERR_INDEX, "label C");

    int32_t thr[NI_MAX_LAYERS];
    CHECK(ni_session_thresholds(thr, NI_MAX_LAYERS) == (int)opt.dims.num_layers);
    for (uint32_t l = 0; l < opt.dims.num_layers; l++) {
        ni_image img;
        CHECK(ni_image_open(image, len, &img) == NI_OK && thr[l] == ni_image_threshold(&img, l));
    }
    CHECK_STATUS(ni_session_thresholds(thr, opt.dims.num_layers - 1), NI_ERR_BUFFER, "thresholds, n = L - 1");

    /* steps before any text */
    int32_t logits[8], stats[NI_STAT_COUNT];
    CHECK_STATUS(ni_session_run_layer(0), NI_ERR_ARENA_STATE, "run_layer before begin");
    CHECK_STATUS(ni_session_exit_head(0, logits, opt.dims.num_labels, stats, NI_STAT_COUNT), NI_ERR_ARENA_STATE, "exit_head before begin");
    CHECK(ni_session_token_ids(NULL, 0) == 0);

    classify_matches_steps(image, len, "a b c");
    classify_matches_steps(image, len, "");                         /* [CLS] [SEP] */
    classify_matches_steps(image, len, "b a b a b a b a b a b a"); /* truncated to max_positions */
    CHECK_STATUS(ni_session_run_layer(0), NI_ERR_LAYER_ORDER, "run_layer 0 again");

    /* close returns the image so a provider can unmap it; the next model starts clean */
    CHECK(ni_session_close() == image);
    not_open();
    CHECK_STATUS(ni_session_open(image, len), NI_OK, "reopen");
    CHECK_STATUS(ni_session_run_layer(0), NI_ERR_ARENA_STATE, "run_layer after reopen, before begin");
    classify_matches_steps(image, len, "c");
    CHECK(ni_session_close() == image);
    CHECK(ni_session_close() == NULL);

    /* this build's NI_SESSION_BOARD_ID is 0 (host): an image packed for a board opens too */
    tb_options board = si_options();
    board.board_id = 9;
    len = si_build(image, sizeof image_words, board, NULL);
    CHECK_STATUS(ni_session_open(image, len), NI_OK, "board-9 image on a board-0 build");
    ni_session_close();
    return ni_test_finish("session");
}
