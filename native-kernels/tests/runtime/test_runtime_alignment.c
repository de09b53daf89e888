/* Misalignment has its own status: an image whose base, or an arena whose start, is not 4-byte aligned fails with
 * NI_ERR_ALIGNMENT (not NI_ERR_MODEL / NI_ERR_ARENA_SMALL), and the same image and arena aligned succeed, so the
 * failure is the alignment alone. The image is the C image builder's small valid model (tests/image). */
#include <stdio.h>
#include <string.h>
#include "image_builder.h"
#include "nano_intent/ni_runtime.h"

static int failures;

static void expect(int got, int want, const char *what)
{
    if (got != want) {
        printf("FAIL %s: %s, expected %s\n", what, ni_status_name((ni_status)got), ni_status_name((ni_status)want));
        failures++;
    }
}

int main(void)
{
    /* uint32_t storage: offset 0 is 4-aligned, offsets 1..3 are not */
    static uint32_t image_words[16384 / 4 + 1], copy_words[16384 / 4 + 1], arena_words[8192 / 4 + 1];
    static ni_model model;
    uint8_t *image = (uint8_t *)image_words, *copy = (uint8_t *)copy_words, *arena = (uint8_t *)arena_words;

    tb_options opt = tb_default_options();
    tb_layout layout;
    ni_model_init(&model, &opt.dims);
    opt.arena_bytes = ni_arena_bytes(&model); /* ni_open requires the header's arena size to match */
    uint32_t len = tb_build(image, 16384, &opt, &layout);
    uint32_t arena_len = opt.arena_bytes;
    if (len == 0 || arena_len == 0 || arena_len > 8192) { printf("FAIL cannot build the test image\n"); return 1; }

    for (uint32_t off = 1; off < 4; off++) {
        char what[64];
        memcpy(copy + off, image, len);
        snprintf(what, sizeof what, "ni_open, image base + %u", off);
        expect(ni_open(copy + off, len, &model), NI_ERR_ALIGNMENT, what);
    }
    expect(ni_open(image, len, &model), NI_OK, "ni_open, aligned image");
    if (failures) return 1;

    int32_t ids[3] = { 2, 5, 3 }, logits[3], entropy;
    uint32_t C = ni_num_labels(&model);
    expect(ni_embed(&model, ids, 3, arena + 1, arena_len), NI_ERR_ALIGNMENT, "ni_embed, arena + 1");
    expect(ni_embed(&model, ids, 3, arena + 2, arena_len), NI_ERR_ALIGNMENT, "ni_embed, arena + 2");
    expect(ni_embed(&model, ids, 3, arena, arena_len - 1), NI_ERR_ARENA_SMALL, "ni_embed, aligned arena 1 byte short");
    expect(ni_embed(&model, ids, 3, arena, arena_len), NI_OK, "ni_embed, aligned arena");
    expect(ni_run_layer(&model, 0, arena + 3, arena_len), NI_ERR_ALIGNMENT, "ni_run_layer, arena + 3");
    expect(ni_run_layer(&model, 0, arena, arena_len), NI_OK, "ni_run_layer, aligned arena");
    expect(ni_exit_head(&model, 0, arena + 1, arena_len, logits, C, &entropy), NI_ERR_ALIGNMENT, "ni_exit_head, arena + 1");
    expect(ni_exit_head(&model, 0, arena, arena_len, logits, C, &entropy), NI_OK, "ni_exit_head, aligned arena");

    /* in-memory binding: QUANT_PARAMS one byte off its 4-byte boundary */
    uint32_t qlen = 0;
    const uint8_t *qp = ni_image_section(&model.image, NI_SECTION_QUANT_PARAMS, &qlen);
    if (qp == NULL || qlen + 1 > sizeof copy_words) { printf("FAIL no QUANT_PARAMS section\n"); return 1; }
    memcpy(copy + 1, qp, qlen);
    expect(ni_model_bind(&model, copy + 1, qlen), NI_ERR_ALIGNMENT, "ni_model_bind, QUANT_PARAMS + 1");
    memcpy(copy, qp, qlen);
    expect(ni_model_bind(&model, copy, qlen), NI_OK, "ni_model_bind, aligned QUANT_PARAMS");

    printf("runtime alignment: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
