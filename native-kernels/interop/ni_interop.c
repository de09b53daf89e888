/* ni_interop.h: the native methods of NanoIntent.NativeSession on top of the session and this platform's partition
 * provider. Argument checks for the managed types (negative indexes, NULL strings) live here, once for every
 * platform; the session does the rest. */
#include <string.h>
#include "ni_interop.h"
#include "ni_partition.h"

/* Opens the mapping the provider just made; on failure unmaps it, so nothing stays open or mapped. */
static int32_t open_mapped(int st, const uint8_t *base, uint32_t len)
{
    if (st != NI_OK) return st;
    st = ni_session_open(base, len);
    if (st != NI_OK) ni_partition_unmap();
    return st;
}

int32_t ni_interop_open_partition(const char *label)
{
    if (label == NULL) return NI_ERR_NULL;
    if (ni_session_is_open()) return NI_ERR_ALREADY_OPEN; /* before mapping: the provider holds one mapping */
    const uint8_t *base = NULL;
    uint32_t len = 0;
    int st = ni_partition_map(label, &base, &len);
    return open_mapped(st, base, len);
}

int32_t ni_interop_open_file(const char *path)
{
    if (path == NULL) return NI_ERR_NULL;
    if (ni_session_is_open()) return NI_ERR_ALREADY_OPEN;
    const uint8_t *base = NULL;
    uint32_t len = 0;
    int st = ni_partition_map_file(path, &base, &len);
    return open_mapped(st, base, len);
}

int32_t ni_interop_close(void)
{
    if (ni_session_close() != NULL) ni_partition_unmap();
    return NI_OK;
}

int32_t ni_interop_info(int32_t *values, uint32_t n) { return ni_session_info(values, n); }

int32_t ni_interop_label(int32_t index, uint8_t *utf8, uint32_t cap)
{
    if (!ni_session_is_open()) return NI_ERR_NOT_OPEN;
    if (index < 0) return NI_ERR_INDEX;
    return ni_session_label((uint32_t)index, utf8, cap);
}

int32_t ni_interop_thresholds(int32_t *q16, uint32_t n) { return ni_session_thresholds(q16, n); }

int32_t ni_interop_begin(const char *utf8)
{
    if (!ni_session_is_open()) return NI_ERR_NOT_OPEN;
    if (utf8 == NULL) return NI_ERR_NULL;
    size_t len = strlen(utf8);
    if (len > 0xFFFFFFFFu) return NI_ERR_SEQ_LEN;
    return ni_session_begin((const uint8_t *)utf8, (uint32_t)len);
}

int32_t ni_interop_token_ids(int32_t *ids, uint32_t cap) { return ni_session_token_ids(ids, cap); }

int32_t ni_interop_run_layer(int32_t layer)
{
    if (!ni_session_is_open()) return NI_ERR_NOT_OPEN;
    if (layer < 0) return NI_ERR_LAYER_INDEX;
    return ni_session_run_layer((uint32_t)layer);
}

int32_t ni_interop_exit_head(int32_t layer, int32_t *logits, uint32_t n, int32_t *stats, uint32_t n_stats)
{
    if (!ni_session_is_open()) return NI_ERR_NOT_OPEN;
    if (layer < 0) return NI_ERR_LAYER_INDEX;
    return ni_session_exit_head((uint32_t)layer, logits, n, stats, n_stats);
}

int32_t ni_interop_status_name(int32_t status, uint8_t *utf8, uint32_t cap)
{
    const char *name = ni_status_name((ni_status)status);
    uint32_t len = (uint32_t)strlen(name);
    if (len > cap) len = cap;
    if (len > 0 && utf8 == NULL) return NI_ERR_NULL;
    if (len > 0) memcpy(utf8, name, len);
    return (int32_t)len;
}
