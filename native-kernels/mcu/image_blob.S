/* Links a packed flash image into the read-only flash region: .incbin places its bytes in a .rodata section, which
 * the linker script puts in flash, so the runtime reads embeddings and weights in place (nothing is copied to RAM).
 * NI_IMAGE_PATH is the image file, set by CMake per harness executable. */
    .section .rodata.ni_image, "a"
    .balign 64
    .global ni_embedded_image
    .type ni_embedded_image, %object
ni_embedded_image:
    .incbin NI_IMAGE_PATH
ni_embedded_image_end:
    .size ni_embedded_image, ni_embedded_image_end - ni_embedded_image
    .balign 4
    .global ni_embedded_image_len
    .type ni_embedded_image_len, %object
    .size ni_embedded_image_len, 4
ni_embedded_image_len:
    .word ni_embedded_image_end - ni_embedded_image
