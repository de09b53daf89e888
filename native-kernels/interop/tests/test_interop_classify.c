/* The whole device path on a packed model, through libnano_intent_interop.so as the host emulator loads it: for
 * every test vector the C# reference embedded, the vector's token ids are joined back into text (pieces "##x" glue
 * to the previous word), ni_interop_begin tokenizes that text and must give the same ids, and every layer's logits
 * and entropy must equal the reference's. Then the early-exit loop as the firmware runs it, with the image's
 * thresholds. Vectors holding [UNK] (or not of the form [CLS] ... [SEP]) cannot be turned back into text and are
 * skipped (counted). Exit 0 only when
 * the image opened and at least one vector ran, all matching. (A host test: stdio and malloc are fine here.) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ni_interop.h"

static long checked, skipped, failures;

#ifndef NI_CLASSIFY_REGION_IMAGE
static uint8_t *read_file(const char *path, uint32_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n > 0 ? malloc((size_t)n) : NULL;
    if (buf != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) { free(buf); buf = NULL; }
    fclose(f);
    *len = (uint32_t)n;
    return buf;
}
#endif

static int special(const ni_image *img, uint16_t id)
{
    return id == img->unk_id || id == img->cls_id || id == img->sep_id || id == img->pad_id || id == img->mask_id;
}

/* The vector's pieces (without [CLS]/[SEP]) as text; 0 when it is not one [CLS] ... [SEP] sequence of ordinary
 * pieces (a piece is [UNK] or another special token, e.g. in the random-id vectors of the C# reference's tests). */
static int detokenize(const ni_image *img, const ni_test_vector *tv, const uint8_t **piece, const uint32_t *piece_len,
                      char *text, size_t cap)
{
    size_t n = 0;
    if (tv->token_count < 2 || ni_test_vector_token(tv, 0) != img->cls_id ||
        ni_test_vector_token(tv, tv->token_count - 1) != img->sep_id)
        return 0;
    for (uint32_t i = 1; i + 1 < tv->token_count; i++) {
        uint16_t id = ni_test_vector_token(tv, i);
        if (special(img, id) || piece[id] == NULL) return 0;
        const uint8_t *p = piece[id];
        uint32_t len = piece_len[id];
        int glue = len > 2 && p[0] == '#' && p[1] == '#';
        if (glue) { p += 2; len -= 2; }
        if (n + len + 2 > cap) return 0;
        if (!glue && n > 0) text[n++] = ' ';
        memcpy(text + n, p, len);
        n += len;
    }
    text[n] = 0;
    return 1;
}

static void run_vector(const ni_image *img, const ni_test_vector *tv, const char *text, uint32_t L, uint32_t C)
{
    int32_t ids[NI_MAX_POSITIONS], logits[NI_MAX_DIM], stats[NI_STAT_COUNT];
    int n = ni_interop_begin(text);
    if (n < 0 || ni_interop_token_ids(ids, NI_MAX_POSITIONS) != n) {
        printf("vector %u: begin(\"%s\"): %s\n", (unsigned)tv->index, text, ni_status_name((ni_status)n));
        failures++;
        return;
    }
    int same = (uint32_t)n == tv->token_count;
    for (uint32_t i = 0; same && i < tv->token_count; i++) same = ids[i] == ni_test_vector_token(tv, i);
    if (!same) {
        printf("vector %u: \"%s\" tokenizes to", (unsigned)tv->index, text);
        for (int i = 0; i < n; i++) printf(" %ld", (long)ids[i]);
        printf(", the reference has");
        for (uint32_t i = 0; i < tv->token_count; i++) printf(" %u", ni_test_vector_token(tv, i));
        printf("\n");
        failures++;
        return;
    }
    for (uint32_t l = 0; l < L; l++) {
        int st = ni_interop_run_layer((int32_t)l);
        int e = st == NI_OK ? ni_interop_exit_head((int32_t)l, logits, C, stats, NI_STAT_COUNT) : st;
        if (e < 0) { printf("vector %u layer %u: %s\n", (unsigned)tv->index, (unsigned)l, ni_status_name((ni_status)e));
                     failures++; return; }
        int bad = e != ni_test_vector_entropy(img, tv, l) || stats[NI_STAT_ENTROPY_Q16] != e;
        for (uint32_t c = 0; c < C; c++) bad |= logits[c] != ni_test_vector_logit(img, tv, l, c);
        int32_t a = stats[NI_STAT_ARGMAX];
        bad |= a < 0 || (uint32_t)a >= C || stats[NI_STAT_CONFIDENCE_Q16] <= 0 || stats[NI_STAT_CONFIDENCE_Q16] > 65536;
        for (uint32_t c = 0; !bad && c < C; c++) bad |= logits[c] > logits[a] || (logits[c] == logits[a] && c < (uint32_t)a);
        int32_t want;
        if (ni_test_vector_answer(img, tv, l, &want)) bad |= stats[NI_STAT_ANSWER] != want; /* the C# reference's answer */
        else bad |= stats[NI_STAT_ANSWER] != a;                                             /* an image that never rejects */
        if (bad) {
            printf("vector %u layer %u: logits, entropy or stats differ from the reference\n", (unsigned)tv->index,
                   (unsigned)l);
            failures++;
            return;
        }
    }
    checked++;
}

/* The firmware's loop: stop at the first layer whose entropy is below its threshold. */
static int classify(const char *text, uint32_t L, uint32_t C, const int32_t *thr, int32_t *label, uint32_t *layers)
{
    int32_t logits[NI_MAX_DIM], stats[NI_STAT_COUNT];
    int st = ni_interop_begin(text);
    if (st < 0) return st;
    for (uint32_t l = 0; l < L; l++) {
        if ((st = ni_interop_run_layer((int32_t)l)) != NI_OK) return st;
        int e = ni_interop_exit_head((int32_t)l, logits, C, stats, NI_STAT_COUNT);
        if (e < 0) return e;
        *label = stats[NI_STAT_ARGMAX];
        *layers = l + 1;
        if (e < thr[l]) break;
    }
    return NI_OK;
}

#ifdef NI_CLASSIFY_REGION_IMAGE
/* Device build (QEMU): the image is programmed into the STM32 provider's region, which QEMU models as RAM, from the
 * host file (semihosting), then opened by label as the firmware opens it. */
extern uint8_t __nano_intent_model_start[], __nano_intent_model_end[];

static int open_image(const char *path, uint8_t **copy, uint32_t *len)
{
    uint32_t room = (uint32_t)(__nano_intent_model_end - __nano_intent_model_start);
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NI_ERR_PARTITION;
    size_t n = fread(__nano_intent_model_start, 1, room, f);
    fclose(f);
    *copy = __nano_intent_model_start;
    *len = (uint32_t)n;
    return ni_interop_open_partition("model");
}
#else
static int open_image(const char *path, uint8_t **copy, uint32_t *len)
{
    *copy = read_file(path, len);
    return ni_interop_open_file(path);
}
#endif

int main(int argc, char **argv)
{
#ifdef NI_CLASSIFY_REGION_IMAGE
    const char *path = NI_CLASSIFY_REGION_IMAGE;
    (void)argc; (void)argv;
#else
    if (argc != 2) { printf("usage: test_interop_classify <image.nii>\n"); return 2; }
    const char *path = argv[1];
#endif
    uint32_t len = 0;
    uint8_t *copy = NULL;
    static ni_image img;
    int st = open_image(path, &copy, &len);
    if (copy == NULL || st != NI_OK || ni_image_open(copy, len, &img) != NI_OK) {
        printf("%s: cannot open: %s (pack images first: scripts/pack-test-images.sh)\n", path,
               ni_status_name((ni_status)st));
        return 1;
    }
    int32_t info[NI_INFO_COUNT], thr[NI_MAX_LAYERS];
    ni_interop_info(info, NI_INFO_COUNT);
    uint32_t L = (uint32_t)info[NI_INFO_LAYERS], C = (uint32_t)info[NI_INFO_LABELS], V = (uint32_t)info[NI_INFO_VOCAB_SIZE];
    ni_interop_thresholds(thr, NI_MAX_LAYERS);
    const uint8_t **piece = calloc(V, sizeof *piece);
    uint32_t *piece_len = calloc(V, sizeof *piece_len);
    uint8_t *strings = calloc(V, NI_VOCAB_MAX_TOKEN_BYTES); /* the front-coded strings, decoded */
    for (uint32_t i = 0; i < img.vocab_count && i < V; i++) {
        uint8_t *p = strings + (size_t)i * NI_VOCAB_MAX_TOKEN_BYTES;
        if (ni_image_vocab_entry(&img, i, p, NI_VOCAB_MAX_TOKEN_BYTES, &piece_len[i])) piece[i] = p;
    }
    ni_test_vector_iter it;
    ni_test_vector tv;
    static char text[NI_MAX_POSITIONS * 260];
    ni_test_vector_begin(&img, &it);
    while (ni_test_vector_next(&img, &it, &tv)) {
        if (!detokenize(&img, &tv, piece, piece_len, text, sizeof text)) { skipped++; continue; }
        run_vector(&img, &tv, text, L, C);
    }
    int32_t label = -1;
    uint32_t layers = 0;
    uint8_t name[NI_MAX_LABEL_BYTES + 1];
    st = classify("set an alarm for seven tomorrow morning", L, C, thr, &label, &layers);
    int n = st == NI_OK ? ni_interop_label(label, name, NI_MAX_LABEL_BYTES) : st;
    if (n < 0) { printf("early-exit loop: %s\n", ni_status_name((ni_status)n)); failures++; }
    else printf("early-exit loop: \"set an alarm for seven tomorrow morning\" -> %.*s after %u of %u layers\n", n,
                (const char *)name, (unsigned)layers, (unsigned)L);
    ni_interop_close();
    printf("%s: %ld test vectors through text, tokenizer and every layer; %ld not text ([UNK], specials) skipped; "
           "%ld failures\n", path, checked, skipped, failures);
    free(piece); free(piece_len); free(strings);
#ifndef NI_CLASSIFY_REGION_IMAGE
    free(copy);
#endif
    return failures == 0 && checked > 0 ? 0 : 1;
}
