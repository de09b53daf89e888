/* Loads every *.nimg in a directory written by the C# ImageWriter: plain names must load (and every accessor
 * must answer), "bad-<STATUS>-<what>.nimg" must fail with exactly <STATUS>. Fails when the directory has none. */
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include "test_util.h"

static uint8_t *read_file(const char *path, uint32_t *len)
{
    FILE *f = fopen(path, "rb");
    long n;
    uint8_t *b;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = (uint8_t *)malloc(n > 0 ? (size_t)n : 1u);
    if (b && n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n) { free(b); b = NULL; }
    fclose(f);
    *len = (uint32_t)n;
    return b;
}

static void exercise(const ni_image *img, const char *name)
{
    uint32_t i, l, n, tv_count = 0;
    const uint8_t *s;
    uint8_t str[NI_VOCAB_MAX_TOKEN_BYTES];
    ni_test_vector_iter it;
    ni_test_vector tv;
    for (i = 0; i < img->vocab_count; i++) {
        CHECK(ni_image_vocab_entry(img, i, str, sizeof str, &n) == 1);
        if (ni_image_vocab_find(img, (const char *)str, n) != (int32_t)i) {
            ni_test_failures++;
            fprintf(stderr, "%s: vocabulary string %u not found by its lookup\n", name, (unsigned)i);
        }
    }
    for (i = 0; i < img->dims.num_labels; i++) CHECK(ni_image_label(img, i, &s, &n) == 1 && n > 0);
    for (l = 0; l < img->dims.num_layers; l++) {
        CHECK(ni_image_tensor(img, NI_TENSOR_EXIT(l, NI_EXIT_POOLER)) != NULL);
        CHECK(ni_image_tensor(img, NI_TENSOR_EXIT(l, NI_EXIT_CLASSIFIER)) != NULL);
    }
    CHECK(ni_image_tensor(img, NI_TENSOR_WORD_EMBEDDINGS) != NULL && ni_image_tensor(img, NI_TENSOR_FFN_OUTPUT) != NULL);
    ni_test_vector_begin(img, &it);
    while (ni_test_vector_next(img, &it, &tv)) {
        for (i = 0; i < tv.token_count; i++) CHECK(ni_test_vector_token(&tv, i) < img->dims.vocab_size);
        tv_count++;
    }
    CHECK(tv_count == img->test_vector_count);
    printf("  %s: V=%u E=%u H=%u L=%u C=%u, %u bytes, %u test vectors\n", name, (unsigned)img->dims.vocab_size,
           (unsigned)img->dims.embedding_size, (unsigned)img->dims.hidden_size, (unsigned)img->dims.num_layers,
           (unsigned)img->dims.num_labels, (unsigned)img->length, (unsigned)tv_count);
}

int main(int argc, char **argv)
{
    DIR *dir;
    struct dirent *e;
    int valid = 0, bad = 0;
    char path[4096];
    if (argc != 2) { fprintf(stderr, "usage: test_image_files <dir>\n"); return 2; }
    dir = opendir(argv[1]);
    if (!dir) {
        fprintf(stderr, "%s: no such directory; the C# ImageWriter writes it (dotnet test tests/ModelPacker.Tests "
                        "--filter FullyQualifiedName~NativeTestImageTests)\n", argv[1]);
        return 1;
    }
    while ((e = readdir(dir)) != NULL) {
        size_t nl = strlen(e->d_name);
        uint32_t len = 0;
        uint8_t *b;
        ni_image img;
        ni_status st;
        if (nl < 5 || strcmp(e->d_name + nl - 5, ".nimg") != 0) continue;
        snprintf(path, sizeof path, "%s/%s", argv[1], e->d_name);
        b = read_file(path, &len);
        if (!b) { fprintf(stderr, "%s: cannot read\n", path); ni_test_failures++; continue; }
        st = ni_image_open(b, len, &img);
        if (strncmp(e->d_name, "bad-", 4) == 0) {
            const char *want = e->d_name + 4;
            size_t wl = strcspn(want, "-");
            if (strlen(ni_status_name(st)) != wl || strncmp(ni_status_name(st), want, wl) != 0) {
                ni_test_failures++;
                fprintf(stderr, "%s: got %s, want %.*s\n", e->d_name, ni_status_name(st), (int)wl, want);
            }
            bad++;
        } else {
            if (st != NI_OK) {
                ni_test_failures++;
                fprintf(stderr, "%s: %s\n", e->d_name, ni_status_name(st));
            } else {
                exercise(&img, e->d_name);
            }
            valid++;
        }
        free(b);
    }
    closedir(dir);
    printf("image_csharp_images: %d valid and %d corrupt images from the C# writer\n", valid, bad);
    if (valid == 0) { fprintf(stderr, "%s: no valid .nimg images\n", argv[1]); return 1; }
    return ni_test_finish("image_csharp_images");
}
