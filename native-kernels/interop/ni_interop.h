/* The native methods of the managed class NanoIntent.NativeSession (firmware/NanoIntent), one C function each.
 * The nanoFramework implementation files (interop/nanoFramework/) only unpack the stack arguments and call these;
 * the host emulator binds the same functions by P/Invoke from the shared library nano_intent_interop. So the host
 * tests run every line of native code the device runs, except the argument unpacking.
 * Strings are NUL-terminated UTF-8 (nanoFramework's own string storage; P/Invoke's LPUTF8Str). Arrays are written
 * during the call only: nothing keeps a pointer into managed memory (the GC moves arrays).
 * Every function returns a non-negative value or a negative ni_status. */
#ifndef NANO_INTENT_NI_INTEROP_H
#define NANO_INTENT_NI_INTEROP_H

#include <stdint.h>
#include "nano_intent/ni_session.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Maps the model partition named `label` with this platform's provider (ni_partition.h) and opens it. */
int32_t ni_interop_open_partition(const char *label);
/* Memory-maps the image file at `path` and opens it (POSIX provider only; NI_ERR_UNSUPPORTED on devices). */
int32_t ni_interop_open_file(const char *path);
/* Closes the model and unmaps its image; NI_OK also when nothing was open. */
int32_t ni_interop_close(void);
int32_t ni_interop_info(int32_t *values, uint32_t n);
int32_t ni_interop_label(int32_t index, uint8_t *utf8, uint32_t cap);
int32_t ni_interop_thresholds(int32_t *q16, uint32_t n);
/* Tokenizes and embeds `utf8`; returns the number of token ids. */
int32_t ni_interop_begin(const char *utf8);
int32_t ni_interop_token_ids(int32_t *ids, uint32_t cap);
int32_t ni_interop_run_layer(int32_t layer);
/* Returns the entropy (Q16 nats, >= 0); logits[0..n) and stats[0..n_stats) as ni_session_exit_head. */
int32_t ni_interop_exit_head(int32_t layer, int32_t *logits, uint32_t n, int32_t *stats, uint32_t n_stats);
/* The name of a status code ("NI_ERR_TRUNCATED") into utf8; returns its length (truncated to cap). */
int32_t ni_interop_status_name(int32_t status, uint8_t *utf8, uint32_t cap);

#ifdef __cplusplus
}
#endif

#endif
