/* The native methods (ni_interop.h) over the POSIX provider, on image files this test writes into its directory
 * argument: a missing NANO_INTENT_MODEL or file is NI_ERR_PARTITION; empty, truncated, corrupt, wrong-version and
 * wrong-magic files fail with the loader's status; after every failure nothing is open or mapped (the next open
 * succeeds: the provider refuses a second mapping); open/close/reopen through both entry points; the managed-side
 * argument checks; status names. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ni_interop.h"
#include "session_image.h"
#include "test_util.h"

static uint32_t image_words[32768 / 4], bad_words[32768 / 4];
static char dir[3000];

static const char *path_of(const char *name)
{
    static char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

/* Writes bytes as `name`, opens it, expects `want`, and checks nothing stayed open or mapped. */
static void expect_file(const char *name, const uint8_t *bytes, uint32_t len, int want)
{
    const char *p = path_of(name);
    CHECK(si_write_file(p, bytes, len));
    CHECK_STATUS((ni_status)ni_interop_open_file(p), (ni_status)want, name);
    int32_t v[NI_INFO_COUNT];
    if (want != NI_OK) CHECK_STATUS((ni_status)ni_interop_info(v, NI_INFO_COUNT), NI_ERR_NOT_OPEN, name);
    CHECK(ni_interop_close() == NI_OK);
}

static void valid_open_works(const char *after)
{
    int st = ni_interop_open_file(path_of("valid.nii"));
    CHECK_STATUS((ni_status)st, NI_OK, after);
    ni_interop_close();
}

int main(int argc, char **argv)
{
    snprintf(dir, sizeof dir, "%s", argc > 1 ? argv[1] : ".");
    uint8_t *image = (uint8_t *)image_words, *bad = (uint8_t *)bad_words;
    tb_layout layout;
    uint32_t len = si_build(image, sizeof image_words, si_options(), &layout);
    CHECK(len > 0);
    CHECK(si_write_file(path_of("valid.nii"), image, len));

    /* where the model is not */
    unsetenv("NANO_INTENT_MODEL");
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_PARTITION, "NANO_INTENT_MODEL unset");
    setenv("NANO_INTENT_MODEL", "", 1);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_PARTITION, "NANO_INTENT_MODEL empty");
    setenv("NANO_INTENT_MODEL", path_of("missing.nii"), 1);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_PARTITION, "NANO_INTENT_MODEL names no file");
    CHECK_STATUS((ni_status)ni_interop_open_file(path_of("missing.nii")), NI_ERR_PARTITION, "missing file");
    CHECK_STATUS((ni_status)ni_interop_open_file(dir), NI_ERR_PARTITION, "a directory");
    CHECK_STATUS((ni_status)ni_interop_open_file(NULL), NI_ERR_NULL, "NULL path");
    CHECK_STATUS((ni_status)ni_interop_open_partition(NULL), NI_ERR_NULL, "NULL label");
    valid_open_works("after the missing files");

    /* files that are there but are no valid image */
    expect_file("empty.nii", image, 0, NI_ERR_TRUNCATED);
    expect_file("header-only.nii", image, NI_HEADER_SIZE - 1, NI_ERR_TRUNCATED);
    expect_file("truncated.nii", image, len - 1, NI_ERR_TRUNCATED);
    memcpy(bad, image, len);
    bad[layout.section_offset[NI_SECTION_LABELS] + 1] ^= 0x01;   /* inside a section: its CRC fails */
    expect_file("corrupt.nii", bad, len, NI_ERR_SECTION_CRC);
    memcpy(bad, image, len);
    tb_wr16(bad + NI_HDR_VERSION, NI_IMAGE_VERSION + 1);
    tb_fix_checksums(bad, len);
    expect_file("version.nii", bad, len, NI_ERR_VERSION);
    memcpy(bad, image, len);
    bad[0] = 'X';
    expect_file("magic.nii", bad, len, NI_ERR_BAD_MAGIC);
    valid_open_works("after the bad files");

    /* open, the second open of either kind, close, reopen through the environment */
    CHECK_STATUS((ni_status)ni_interop_open_file(path_of("valid.nii")), NI_OK, "open_file");
    CHECK_STATUS((ni_status)ni_interop_open_file(path_of("valid.nii")), NI_ERR_ALREADY_OPEN, "open_file twice");
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_ALREADY_OPEN, "open_partition while open");
    int32_t v[NI_INFO_COUNT];
    CHECK(ni_interop_info(v, NI_INFO_COUNT) == NI_INFO_COUNT && v[NI_INFO_IMAGE_BYTES] == (int32_t)len);
    CHECK(ni_interop_close() == NI_OK);
    CHECK(ni_interop_close() == NI_OK);
    setenv("NANO_INTENT_MODEL", path_of("valid.nii"), 1);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_OK, "open_partition via NANO_INTENT_MODEL");
    CHECK_STATUS((ni_status)ni_interop_open_partition("any-label"), NI_ERR_ALREADY_OPEN, "open_partition twice");

    /* the managed-side argument checks, then one text through every layer */
    uint8_t name[64];
    CHECK_STATUS((ni_status)ni_interop_label(-1, name, sizeof name), NI_ERR_INDEX, "label -1");
    CHECK(ni_interop_label(0, name, sizeof name) > 0);
    CHECK_STATUS((ni_status)ni_interop_begin(NULL), NI_ERR_NULL, "begin NULL");
    CHECK_STATUS((ni_status)ni_interop_run_layer(-1), NI_ERR_LAYER_INDEX, "run_layer -1");
    int32_t logits[3], stats[NI_STAT_COUNT], ids[16], thr[2];
    CHECK_STATUS((ni_status)ni_interop_exit_head(-1, logits, 3, stats, NI_STAT_COUNT), NI_ERR_LAYER_INDEX, "exit_head -1");
    CHECK(ni_interop_thresholds(thr, 2) == 2);
    int n = ni_interop_begin("a b c");
    CHECK(n >= 2 && ni_interop_token_ids(ids, 16) == n);
    for (int32_t l = 0; l < v[NI_INFO_LAYERS]; l++) {
        CHECK(ni_interop_run_layer(l) == NI_OK);
        int e = ni_interop_exit_head(l, logits, 3, stats, NI_STAT_COUNT);
        CHECK(e >= 0 && e == stats[NI_STAT_ENTROPY_Q16]);
        CHECK(stats[NI_STAT_ARGMAX] >= 0 && stats[NI_STAT_ARGMAX] < 3);
        CHECK(stats[NI_STAT_CONFIDENCE_Q16] > 0 && stats[NI_STAT_CONFIDENCE_Q16] <= 65536);
    }
    CHECK(ni_interop_close() == NI_OK);
    CHECK_STATUS((ni_status)ni_interop_begin("a"), NI_ERR_NOT_OPEN, "begin after close");
    CHECK_STATUS((ni_status)ni_interop_label(0, name, sizeof name), NI_ERR_NOT_OPEN, "label after close");

    /* status names, truncated to the buffer */
    CHECK(ni_interop_status_name(NI_ERR_PARTITION, name, sizeof name) == 16 && memcmp(name, "NI_ERR_PARTITION", 16) == 0);
    CHECK(ni_interop_status_name(NI_ERR_PARTITION, name, 3) == 3 && memcmp(name, "NI_", 3) == 0);
    CHECK(ni_interop_status_name(-9999, name, sizeof name) == 14 && memcmp(name, "NI_ERR_UNKNOWN", 14) == 0);
    CHECK(ni_interop_status_name(NI_OK, NULL, 0) == 0);
    return ni_test_finish("interop files");
}
