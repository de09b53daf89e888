/* Shared body of the image-loader fuzz targets: ni_image_open on an exact-size heap copy of the bytes and, when it
 * accepts them, a read of everything the accessors expose. */
#ifndef NI_FUZZ_IMAGE_WALK_H
#define NI_FUZZ_IMAGE_WALK_H
#include <stdint.h>

/* Opens image[0..size) (size < 2^32) and walks every accessor; aborts when the accessors contradict each other
 * (ASan/UBSan turn any read outside the image into a crash). Returns 1 when the image was accepted. */
int ni_fuzz_open_and_walk(const uint8_t *image, uint32_t size);

#endif
