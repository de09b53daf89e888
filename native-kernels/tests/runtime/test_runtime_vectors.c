/* Runs every test vector of every image given (files, or directories of *.nii) through the C step API and compares
 * the int32 logits and entropies of every layer, and each exit's answer under the image's rejection rule (a label or
 * unknown, when the vectors carry answers), with what the C# reference embedded. Exit 0 only when every image
 * opened and held at least one test vector, and all matched. (A host test program: it reads files with stdio and
 * malloc; the library does not.) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "nano_intent/ni_runtime.h"

static long vectors_run, mismatches, images_run, answers_checked, unknown_answers;

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

static int run_image(const char *path)
{
    uint32_t len = 0;
    uint8_t *image = read_file(path, &len);
    if (image == NULL) { printf("%s: cannot read\n", path); return 1; }
    static ni_model model;
    int st = ni_open(image, len, &model);
    if (st != NI_OK) { printf("%s: ni_open failed: %s\n", path, ni_status_name((ni_status)st)); free(image); return 1; }
    uint32_t arena_len = ni_arena_bytes(&model), L = ni_num_layers(&model), C = ni_num_labels(&model);
    uint32_t *arena = malloc(arena_len + 4);
    int32_t *logits = malloc(sizeof(int32_t) * C), *ids = malloc(sizeof(int32_t) * ni_max_positions(&model));
    ni_test_vector_iter it;
    ni_test_vector tv;
    long before = mismatches, count = 0;
    ni_test_vector_begin(&model.image, &it);
    while (ni_test_vector_next(&model.image, &it, &tv)) {
        for (uint32_t i = 0; i < tv.token_count; i++) ids[i] = ni_test_vector_token(&tv, i);
        st = ni_embed(&model, ids, tv.token_count, (uint8_t *)arena, arena_len);
        if (st != NI_OK) { printf("%s: vector %u: ni_embed: %s\n", path, tv.index, ni_status_name((ni_status)st)); mismatches++; continue; }
        for (uint32_t l = 0; l < L; l++) {
            int32_t entropy = 0;
            st = ni_run_layer(&model, l, (uint8_t *)arena, arena_len);
            if (st == NI_OK) st = ni_exit_head(&model, l, (uint8_t *)arena, arena_len, logits, C, &entropy);
            if (st != NI_OK) { printf("%s: vector %u layer %u: %s\n", path, tv.index, l, ni_status_name((ni_status)st)); mismatches++; break; }
            for (uint32_t c = 0; c < C; c++)
                if (logits[c] != ni_test_vector_logit(&model.image, &tv, l, c)) {
                    printf("%s: vector %u layer %u label %u: logit %ld, expected %ld\n", path, tv.index, l, c,
                           (long)logits[c], (long)ni_test_vector_logit(&model.image, &tv, l, c));
                    mismatches++;
                    break;
                }
            if (entropy != ni_test_vector_entropy(&model.image, &tv, l)) {
                printf("%s: vector %u layer %u: entropy %ld, expected %ld\n", path, tv.index, l, (long)entropy,
                       (long)ni_test_vector_entropy(&model.image, &tv, l));
                mismatches++;
            }
            int32_t want, answer = 0;
            if (ni_test_vector_answer(&model.image, &tv, l, &want)) {
                st = ni_exit_answer(&model, logits, C, entropy, &answer);
                if (st != NI_OK || answer != want) {
                    printf("%s: vector %u layer %u: answer %ld (%s), expected %ld\n", path, tv.index, l, (long)answer,
                           ni_status_name((ni_status)st), (long)want);
                    mismatches++;
                }
                answers_checked++;
                if (want == NI_ANSWER_UNKNOWN) unknown_answers++;
            }
        }
        count++;
    }
    printf("%s: %ld test vectors x %u layers, %ld mismatches (arena %u bytes)\n", path, count, L, mismatches - before, arena_len);
    vectors_run += count;
    images_run++;
    free(arena); free(logits); free(ids); free(image);
    /* an image without vectors proves nothing about bit-exactness */
    if (count == 0) { printf("%s: no test vectors: pack it with --test-vectors N (scripts/pack-test-images.sh)\n", path); return 1; }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

int main(int argc, char **argv)
{
    int failed = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) { printf("%s: does not exist; pack images first (scripts/pack-test-images.sh)\n", argv[i]); failed = 1; continue; }
        if (!S_ISDIR(sb.st_mode)) { failed |= run_image(argv[i]); continue; }
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        while (d != NULL && (e = readdir(d)) != NULL) {
            if (!ends_with(e->d_name, ".nii")) continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", argv[i], e->d_name);
            failed |= run_image(path);
        }
        if (d != NULL) closedir(d);
    }
    if (vectors_run == 0) { printf("no test vectors ran: pack images with test vectors first (scripts/pack-test-images.sh)\n"); return 1; }
    printf("runtime vectors: %ld images, %ld vectors, %ld answers (%ld unknown), %ld mismatches\n", images_run, vectors_run,
           answers_checked, unknown_answers, mismatches);
    return failed || mismatches ? 1 : 0;
}
