/* The session's build-time limits, with its own copy of ni_session.c built for a small board: board id 7 and a
 * 4 KB arena. An image for board 0 or 7 opens, one for board 9 fails with NI_ERR_BOARD; an image whose arena
 * exceeds the capacity fails with NI_ERR_ARENA_CAPACITY, one whose max_word_chars needs more tokenizer scratch
 * than the 4 KB default with NI_ERR_SCRATCH_CAPACITY; none leaves anything open. */
#define NI_SESSION_ARENA_BYTES 4096u
#define NI_SESSION_BOARD_ID 7u
#include "../../src/session/ni_session.c"

#include "session_image.h"
#include "test_util.h"

static uint32_t image_words[131072 / 4];

/* max_word_chars > 0 overrides the vocabulary's (checksums fixed). */
static void expect_open_words(tb_options opt, uint32_t max_word_chars, int want, const char *what)
{
    uint8_t *image = (uint8_t *)image_words;
    tb_layout layout;
    uint32_t len = si_build(image, sizeof image_words, opt, &layout);
    CHECK(len > 0);
    if (max_word_chars > 0) {
        tb_wr16(image + layout.section_offset[NI_SECTION_VOCABULARY] + NI_VOC_MAX_WORD_CHARS, max_word_chars);
        tb_fix_checksums(image, len);
    }
    CHECK_STATUS((ni_status)ni_session_open(image, len), (ni_status)want, what);
    CHECK(ni_session_is_open() == (want == NI_OK));
    if (want == NI_OK) {
        int32_t v[NI_INFO_COUNT];
        CHECK(ni_session_info(v, NI_INFO_COUNT) == NI_INFO_COUNT && v[NI_INFO_ARENA_CAPACITY] == 4096);
        CHECK(ni_session_begin((const uint8_t *)"a b", 3) >= 2);
        CHECK(ni_session_run_layer(0) == NI_OK);
    }
    ni_session_close();
}

static void expect_open(tb_options opt, int want, const char *what) { expect_open_words(opt, 0, want, what); }

int main(void)
{
    tb_options opt = si_options();
    CHECK(opt.arena_bytes <= 4096);                                 /* the default model fits */
    opt.board_id = 0;
    expect_open(opt, NI_OK, "board 0 (any board)");
    opt.board_id = 7;
    expect_open(opt, NI_OK, "board 7 (this board)");
    opt.board_id = 9;
    expect_open(opt, NI_ERR_BOARD, "board 9");

    tb_options big = si_options();
    big.dims.max_positions = 64;
    big.dims.hidden_size = 32;
    big.dims.embedding_size = 32;
    big.dims.intermediate_size = 64;
    expect_open(big, NI_ERR_ARENA_CAPACITY, "arena larger than NI_SESSION_ARENA_BYTES");
    opt.board_id = 0;
    expect_open_words(opt, 511, NI_OK, "max_word_chars 511 (4,096 bytes of scratch)");
    expect_open_words(opt, 512, NI_ERR_SCRATCH_CAPACITY, "max_word_chars 512");
    return ni_test_finish("session limits");
}
