/* libFuzzer target: the shipped loader (checksums compared) on mutated images whose checksums are made right
 * again. After mutation the header's total length is set to the input's size, then every section CRC, the header
 * CRC and the SHA-256 are recomputed (tb_fix_checksums, tests/image/image_builder.c), so a mutation of a section's
 * bytes reaches that section's parser instead of stopping at NI_ERR_HEADER_CRC / SECTION_CRC / IMAGE_HASH.
 * Unlike fuzz_image_structure, this is the exact library code that ships (no FUZZING_BUILD_MODE switch). */
#include <stdlib.h>
#include <string.h>
#include "fuzz_image_walk.h"
#include "image_builder.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy;
    if (size > 0xFFFFFFFFu) return 0;
    copy = (uint8_t *)malloc(size ? size : 1); /* exact size: ASan sees the image's real end */
    if (!copy) return 0;
    if (size) memcpy(copy, data, size);
    if (size >= NI_HEADER_SIZE) tb_wr32(copy + NI_HDR_TOTAL_LENGTH, (uint32_t)size);
    tb_fix_checksums(copy, (uint32_t)size);
    ni_fuzz_open_and_walk(copy, (uint32_t)size);
    free(copy);
    return 0;
}
