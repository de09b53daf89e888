/* libFuzzer target: ni_image_open on arbitrary bytes (the loader as shipped: CRCs and SHA-256 compared), then
 * every accessor over an accepted image (fuzz_image_walk.c). */
#include <stdlib.h>
#include <string.h>
#include "fuzz_image_walk.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy;
    if (size > 0xFFFFFFFFu) return 0;
    /* an exact-size heap copy, so ASan sees the image's real end */
    copy = (uint8_t *)malloc(size ? size : 1);
    if (!copy) return 0;
    if (size) memcpy(copy, data, size);
    ni_fuzz_open_and_walk(copy, (uint32_t)size);
    free(copy);
    return 0;
}
