/* A valid image the runtime opens (the C image builder's model, with the header's arena size the runtime computes):
 * the session and interop tests need no packed files. */
#ifndef NI_SESSION_IMAGE_H
#define NI_SESSION_IMAGE_H
#include <stdint.h>
#include "image_builder.h"

/* Builds into buf (4-byte aligned, capacity cap); returns the length, 0 when it does not fit. layout may be NULL. */
uint32_t si_build(uint8_t *buf, uint32_t cap, tb_options opt, tb_layout *layout);
/* The builder's default options with the arena the runtime computes for them. */
tb_options si_options(void);
/* Writes len bytes to path; 1 on success. */
int si_write_file(const char *path, const uint8_t *p, uint32_t len);
#endif
