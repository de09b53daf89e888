/* Bare-metal harness: runs every test vector of the image linked into flash (image_blob.S) through the step API
 * exactly as the device does, and checks the int32 logits and entropies of every layer, and each exit's answer under
 * the image's rejection rule (a label or unknown, when the vectors carry answers), against the expected ones stored
 * in the image (computed by the C# reference runtime when the image was packed).
 *
 * Per utterance two passes:
 *   full depth  ni_embed, then ni_run_layer(l) + ni_exit_head(l) for every layer, each layer's logits checked;
 *   early exit  the same loop stopping at the first layer whose entropy < the image's threshold (what the
 *               firmware runs), counted on its own.
 * Prints one line per utterance (exit layer, predicted label, instruction counts) and a summary; returns non-zero
 * on any mismatch or runtime error, which ctest reports through QEMU's exit status. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "nano_intent/ni_image.h"
#include "nano_intent/ni_runtime.h"
#include "ni_mcu_counter.h"
#ifdef NI_MCU_PROFILE_GEMM
#include "ni_profile.h"
#endif

#ifndef NI_MCU_ARENA_BYTES
#define NI_MCU_ARENA_BYTES 65536
#endif
#ifndef NI_MCU_IMAGE_NAME
#define NI_MCU_IMAGE_NAME "image"
#endif
#define NI_MAX_LABELS 512u

extern const uint8_t ni_embedded_image[];
extern const uint32_t ni_embedded_image_len;

static ni_model model;
static uint8_t arena[NI_MCU_ARENA_BYTES] __attribute__((aligned(8)));
static int32_t logits[NI_MAX_LABELS];
static int32_t token_ids[256];

static int failures;
static uint32_t unknown_answers;

#ifdef NI_MCU_PROFILE_GEMM
/* Built with -Wl,--wrap=ni_gemm_s8,--wrap=ni_b1_gemm (NI_MCU_PROFILE=ON): every GEMM tile of the runtime, int8 and
 * 1-bit, is counted, which splits an utterance's instructions into GEMM and everything else. The counter's own cost
 * is left out of the split. A 1-bit MAC is one weight bit against one activation bit. */
void __real_ni_gemm_s8(const int8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                       uint32_t r1, int32_t *acc, uint32_t acc_stride);
void __real_ni_b1_gemm(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                       uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride);
static uint64_t gemm_instructions, gemm_macs, gemm_calls;
static int gemm_counting; /* set during the full-depth pass only */

/* The runtime's step marks (library built with NI_PROFILE_STEPS, src/runtime/ni_profile.h): the instructions from
 * one mark to the next go to the step the first one named, the GEMM tiles among them also to step_gemm; the cost
 * of a mark itself (calibrated at start) is taken off. */
static const char *const step_names[NI_STEP_COUNT] = {
    "other", "embed", "Q/K/V GEMM + epilogue", "attention", "Dense + residual", "LayerNorm (attention)",
    "FFN + GELU", "FFN output + residual", "LayerNorm (output)", "exit heads",
};
static uint64_t step_instructions[NI_STEP_COUNT], step_gemm[NI_STEP_COUNT], step_mark_time, step_mark_cost;
static ni_profile_step_id step_now;
void ni_profile_step(ni_profile_step_id step)
{
    uint64_t t = ni_mcu_count();
    if (gemm_counting) step_instructions[step_now] += t - step_mark_time - step_mark_cost;
    step_now = step;
    step_mark_time = ni_mcu_count();
}
static void step_calibrate(void)
{
    gemm_counting = 1;
    ni_profile_step(NI_STEP_OTHER);
    step_instructions[NI_STEP_OTHER] = 0;
    ni_profile_step(NI_STEP_OTHER); /* back to back: all that is charged is the mark's own cost */
    step_mark_cost = step_instructions[NI_STEP_OTHER];
    step_instructions[NI_STEP_OTHER] = 0;
    gemm_counting = 0;
}
void __wrap_ni_gemm_s8(const int8_t *w, uint32_t cols, const int8_t *x, uint32_t x_stride, uint32_t n, uint32_t r0,
                       uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint64_t t = gemm_counting ? ni_mcu_count() : 0;
    __real_ni_gemm_s8(w, cols, x, x_stride, n, r0, r1, acc, acc_stride);
    if (!gemm_counting) return;
    uint64_t g = ni_mcu_count() - t;
    gemm_instructions += g;
    step_gemm[step_now] += g;
    gemm_macs += (uint64_t)(r1 - r0) * cols * n;
    gemm_calls++;
}
void __wrap_ni_b1_gemm(const uint32_t *w, uint32_t words, const uint32_t *xbits, uint32_t x_words_stride, uint32_t n,
                       uint32_t r0, uint32_t r1, int32_t *acc, uint32_t acc_stride)
{
    uint64_t t = gemm_counting ? ni_mcu_count() : 0;
    __real_ni_b1_gemm(w, words, xbits, x_words_stride, n, r0, r1, acc, acc_stride);
    if (!gemm_counting) return;
    uint64_t g = ni_mcu_count() - t;
    gemm_instructions += g;
    step_gemm[step_now] += g;
    gemm_macs += (uint64_t)(r1 - r0) * 32u * words * n;
    gemm_calls++;
}
/* and every LayerNorm row (--wrap=ni_layernorm_s16): instructions per normalized element */
void __real_ni_layernorm_s16(const int16_t *x, const ni_ln_param *p, uint32_t n, int8_t *out);
static uint64_t ln_instructions, ln_elements, ln_calls;
void __wrap_ni_layernorm_s16(const int16_t *x, const ni_ln_param *p, uint32_t n, int8_t *out)
{
    uint64_t t = gemm_counting ? ni_mcu_count() : 0;
    __real_ni_layernorm_s16(x, p, n, out);
    if (!gemm_counting) return;
    ln_instructions += ni_mcu_count() - t;
    ln_elements += n;
    ln_calls++;
}
#define NI_GEMM_COUNTING(on) (gemm_counting = (on))
#define NI_STEP_CALIBRATE() step_calibrate()
#else
#define NI_STEP_CALIBRATE() ((void)0)
#define NI_GEMM_COUNTING(on) ((void)0)
#endif

/* Multiply-accumulates of one utterance of n tokens through `layers` layers and their exit heads: the linear layers
 * (embedding projection, Q/K/V/output, FFN in and out, pooler, classifier) and attention (scores and context). */
static uint64_t model_macs(const ni_model_dims *d, uint32_t n, uint32_t layers)
{
    uint64_t H = d->hidden_size, E = d->embedding_size, I = d->intermediate_size, C = d->num_labels;
    uint64_t per_layer = n * (4 * H * H + 2 * H * I) + 2ull * n * n * H + H * H + C * H;
    return n * H * E + layers * per_layer;
}

static void fail_status(const char *what, uint32_t utterance, uint32_t layer, int status)
{
    printf("FAIL utterance %" PRIu32 " layer %" PRIu32 ": %s returned %s\n", utterance, layer, what,
           ni_status_name((ni_status)status));
    failures++;
}

/* Compares layer `layer` of the arena's exit head with the test vector; returns 0 when equal. */
static int check_layer(const ni_test_vector *tv, uint32_t layer, uint32_t n_labels, int32_t entropy)
{
    int bad = 0;
    for (uint32_t c = 0; c < n_labels; c++) {
        int32_t want = ni_test_vector_logit(&model.image, tv, layer, c);
        if (logits[c] != want) {
            if (!bad)
                printf("FAIL utterance %" PRIu32 " layer %" PRIu32 " label %" PRIu32 ": logit %" PRId32
                       ", expected %" PRId32 "\n", tv->index, layer, c, logits[c], want);
            bad = 1;
        }
    }
    int32_t want_entropy = ni_test_vector_entropy(&model.image, tv, layer);
    if (entropy != want_entropy) {
        printf("FAIL utterance %" PRIu32 " layer %" PRIu32 ": entropy %" PRId32 ", expected %" PRId32 "\n", tv->index,
               layer, entropy, want_entropy);
        bad = 1;
    }
    int32_t want_answer, answer = 0;
    if (ni_test_vector_answer(&model.image, tv, layer, &want_answer)) {
        int st = ni_exit_answer(&model, logits, n_labels, entropy, &answer);
        if (st != NI_OK || answer != want_answer) {
            printf("FAIL utterance %" PRIu32 " layer %" PRIu32 ": answer %" PRId32 " (%s), expected %" PRId32 "\n",
                   tv->index, layer, answer, ni_status_name((ni_status)st), want_answer);
            bad = 1;
        }
    }
    failures += bad;
    return bad;
}

int main(void)
{
    ni_mcu_counter_init();
    NI_STEP_CALIBRATE();
    printf("counter: instructions, %" PRIu32 " per step%s\n", ni_mcu_counter_resolution,
           ni_mcu_counter_resolution == 1 ? " (exact)" : " (counts to within one step)");
    const uint32_t image_len = ni_embedded_image_len;
    uint64_t t0 = ni_mcu_count();
    int st = ni_open(ni_embedded_image, image_len, &model);
    uint64_t open_count = ni_mcu_count() - t0;
    printf("image %s: %" PRIu32 " bytes at %p (flash)\n", NI_MCU_IMAGE_NAME, image_len, (const void *)ni_embedded_image);
    if (st != NI_OK) {
        printf("FAIL ni_open: %s\n", ni_status_name((ni_status)st));
        return 2;
    }
    const uint32_t layers = ni_num_layers(&model), n_labels = ni_num_labels(&model);
    const uint32_t arena_len = ni_arena_bytes(&model);
    printf("model: V=%" PRIu32 " E=%" PRIu32 " H=%" PRIu32 " heads=%" PRIu32 " I=%" PRIu32 " L=%" PRIu32 " P=%" PRIu32
           " C=%" PRIu32 ", arena %" PRIu32 " bytes (header says %" PRIu32 "), %" PRIu32 " test vectors\n",
           model.dims.vocab_size, model.dims.embedding_size, model.dims.hidden_size, model.dims.num_heads,
           model.dims.intermediate_size, layers, ni_max_positions(&model), n_labels, arena_len,
           model.image.arena_bytes, model.image.test_vector_count);
    if (arena_len > sizeof arena || n_labels > NI_MAX_LABELS) {
        printf("FAIL arena %" PRIu32 " bytes / %" PRIu32 " labels exceed the harness's %u bytes / %u labels\n",
               arena_len, n_labels, (unsigned)sizeof arena, NI_MAX_LABELS);
        return 2;
    }
    if (arena_len != model.image.arena_bytes) {
        printf("FAIL the runtime needs %" PRIu32 " arena bytes, the image header says %" PRIu32 "\n", arena_len,
               model.image.arena_bytes);
        failures++;
    }
    if (model.image.test_vector_count == 0) {
        printf("FAIL the image has no test vectors\n");
        return 2;
    }

    uint64_t sum_full = 0, sum_early = 0, min_early = UINT64_MAX, max_early = 0;
    uint64_t sum_embed = 0, sum_layers = 0, sum_heads = 0, sum_macs = 0;
    uint32_t sum_exit_layers = 0, exits_per_layer[NI_MAX_LAYERS] = {0}, utterances = 0;
    ni_test_vector_iter it;
    ni_test_vector tv;
    ni_test_vector_begin(&model.image, &it);
    while (ni_test_vector_next(&model.image, &it, &tv)) {
        const int failures_before = failures;
        if (tv.token_count > sizeof token_ids / sizeof token_ids[0]) {
            printf("FAIL utterance %" PRIu32 ": %" PRIu32 " tokens\n", tv.index, tv.token_count);
            failures++;
            continue;
        }
        for (uint32_t i = 0; i < tv.token_count; i++) token_ids[i] = ni_test_vector_token(&tv, i);
        int32_t entropy = 0;

        /* full depth: every layer's logits and entropy checked; only the step calls are counted */
        uint64_t embed_n = 0, layers_n = 0, heads_n = 0, t;
        NI_GEMM_COUNTING(1);
        t = ni_mcu_count();
        st = ni_embed(&model, token_ids, tv.token_count, arena, arena_len);
        embed_n += ni_mcu_count() - t;
        if (st != NI_OK) { fail_status("ni_embed", tv.index, 0, st); continue; }
        for (uint32_t l = 0; l < layers; l++) {
            t = ni_mcu_count();
            st = ni_run_layer(&model, l, arena, arena_len);
            uint64_t t2 = ni_mcu_count();
            layers_n += t2 - t;
            if (st == NI_OK) st = ni_exit_head(&model, l, arena, arena_len, logits, n_labels, &entropy);
            heads_n += ni_mcu_count() - t2;
            if (st != NI_OK) { fail_status("ni_run_layer/ni_exit_head", tv.index, l, st); break; }
            check_layer(&tv, l, n_labels, entropy);
        }
        NI_GEMM_COUNTING(0);
        const uint64_t full = embed_n + layers_n + heads_n;

        /* early exit, as the firmware runs it: stop at the first layer under its threshold */
        uint32_t exit_layer = layers - 1;
        int32_t answer = 0;
        t = ni_mcu_count();
        st = ni_embed(&model, token_ids, tv.token_count, arena, arena_len);
        for (uint32_t l = 0; st == NI_OK && l < layers; l++) {
            int32_t threshold = 0;
            st = ni_run_layer(&model, l, arena, arena_len);
            if (st == NI_OK) st = ni_exit_head(&model, l, arena, arena_len, logits, n_labels, &entropy);
            if (st == NI_OK) st = ni_exit_threshold(&model, l, &threshold);
            if (st == NI_OK && entropy < threshold) { exit_layer = l; break; }
        }
        if (st == NI_OK) st = ni_exit_answer(&model, logits, n_labels, entropy, &answer);
        uint64_t early = ni_mcu_count() - t;
        if (st != NI_OK) { fail_status("early-exit loop", tv.index, exit_layer, st); continue; }
        check_layer(&tv, exit_layer, n_labels, entropy); /* the logits it stopped with */

        const char *label = "(unknown)";
        uint32_t label_len = 9;
        if (answer == NI_ANSWER_UNKNOWN) unknown_answers++;
        else ni_label(&model, (uint32_t)answer, &label, &label_len);
        printf("utterance %" PRIu32 ": tokens %" PRIu32 " exit layer %" PRIu32 "/%" PRIu32 " label %.*s "
               "instructions early %" PRIu64 " full %" PRIu64 "%s\n", tv.index, tv.token_count, exit_layer + 1,
               layers, (int)label_len, label, early, full, failures != failures_before ? " MISMATCH" : "");
        utterances++;
        sum_full += full;
        sum_embed += embed_n;
        sum_layers += layers_n;
        sum_heads += heads_n;
        sum_macs += model_macs(&model.dims, tv.token_count, layers);
        sum_early += early;
        if (early < min_early) min_early = early;
        if (early > max_early) max_early = early;
        sum_exit_layers += exit_layer + 1;
        exits_per_layer[exit_layer]++;
    }

    if (utterances != model.image.test_vector_count) {
        printf("FAIL ran %" PRIu32 " of %" PRIu32 " test vectors\n", utterances, model.image.test_vector_count);
        failures++;
    }
    printf("summary %s: %" PRIu32 " utterances, %d mismatches, mean exit layer %" PRIu32 ".%02" PRIu32 " of %" PRIu32,
           NI_MCU_IMAGE_NAME, utterances, failures, utterances ? sum_exit_layers / utterances : 0,
           utterances ? (sum_exit_layers * 100u / utterances) % 100u : 0, layers);
    printf(", exits per layer");
    for (uint32_t l = 0; l < layers; l++) printf(" %" PRIu32, exits_per_layer[l]);
    printf(", answered unknown %" PRIu32 "\n", unknown_answers);
    if (utterances)
        printf("instructions %s: open %" PRIu64 ", per utterance full depth mean %" PRIu64 ", early exit mean %" PRIu64
               " min %" PRIu64 " max %" PRIu64 ", arena %" PRIu32 " bytes, image %" PRIu32 " bytes\n",
               NI_MCU_IMAGE_NAME, open_count, sum_full / utterances, sum_early / utterances, min_early, max_early,
               arena_len, image_len);
    if (utterances && sum_macs) {
        uint64_t milli = (sum_full * 1000u + sum_macs / 2) / sum_macs;
        printf("full depth %s: mean per utterance embed %" PRIu64 ", layers %" PRIu64 ", exit heads %" PRIu64
               "; %" PRIu64 " MACs, %" PRIu64 ".%03" PRIu64 " instructions per MAC overall\n", NI_MCU_IMAGE_NAME,
               sum_embed / utterances, sum_layers / utterances, sum_heads / utterances, sum_macs / utterances,
               milli / 1000u, milli % 1000u);
    }
#ifdef NI_MCU_PROFILE_GEMM
    if (gemm_macs) {
        uint64_t milli = (gemm_instructions * 1000u + gemm_macs / 2) / gemm_macs;
        printf("gemm profile %s: %" PRIu64 " calls, %" PRIu64 " MACs, %" PRIu64 " instructions (%" PRIu64 ".%03" PRIu64
               " per MAC) in the full-depth passes\n", NI_MCU_IMAGE_NAME, gemm_calls, gemm_macs,
               gemm_instructions, milli / 1000u, milli % 1000u);
    }
    if (utterances) {
        printf("step profile %s: per utterance at full depth, instructions (of which GEMM tiles), mark cost %" PRIu64
               "\n", NI_MCU_IMAGE_NAME, step_mark_cost);
        uint64_t marked = 0;
        for (int k = 1; k < NI_STEP_COUNT; k++) {
            printf("step %s: %s: %" PRIu64 " %" PRIu64 "\n", NI_MCU_IMAGE_NAME, step_names[k],
                   step_instructions[k] / utterances, step_gemm[k] / utterances);
            marked += step_instructions[k];
        }
        /* the rest of the steps' calls (argument and arena checks) and what the GEMM counting adds */
        printf("step %s: %s: %" PRIu64 " 0\n", NI_MCU_IMAGE_NAME, step_names[0],
               sum_full > marked ? (sum_full - marked) / utterances : 0);
    }
    if (ln_elements) {
        uint64_t milli = (ln_instructions * 1000u + ln_elements / 2) / ln_elements;
        printf("layernorm profile %s: %" PRIu64 " rows, %" PRIu64 " elements, %" PRIu64 " instructions (%" PRIu64
               ".%03" PRIu64 " per element) in the full-depth passes\n", NI_MCU_IMAGE_NAME, ln_calls, ln_elements,
               ln_instructions, milli / 1000u, milli % 1000u);
    }
#endif
    printf("%s\n", failures ? "FAILED" : "PASSED");
    return failures ? 1 : 0;
}
