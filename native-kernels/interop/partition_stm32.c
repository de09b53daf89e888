/* STM32 model provider: the image lives in a flash region the linker reserves (stm32/nano_intent_model.ld defines
 * __nano_intent_model_start/_end; the image is programmed there separately, see docs/firmware.md). Flash is
 * memory-mapped on Cortex-M, so "mapping" is only finding the region and the image length in its header. */
#include <stddef.h>
#include <stdint.h>
#include "nano_intent/ni_image.h"
#include "ni_partition.h"

extern const uint8_t __nano_intent_model_start[];
extern const uint8_t __nano_intent_model_end[];

static int mapped;

/* One region: every label names it. */
int ni_partition_map(const char *label, const uint8_t **base, uint32_t *len)
{
    (void)label;
    if (base == NULL || len == NULL) return NI_ERR_NULL;
    if (mapped) return NI_ERR_ALREADY_OPEN;
    const uint8_t *start = __nano_intent_model_start;
    uint32_t region = (uint32_t)(__nano_intent_model_end - __nano_intent_model_start);
    if (region < NI_HEADER_SIZE) return NI_ERR_PARTITION;          /* no region linked */
    /* Erased flash (0xFF...) gives a huge total length: passed on at the region's size, ni_open says BAD_MAGIC. */
    uint32_t total = ni_rd32(start + NI_HDR_TOTAL_LENGTH);
    *base = start;
    *len = total <= region ? total : region;
    mapped = 1;
    return NI_OK;
}

int ni_partition_map_file(const char *path, const uint8_t **base, uint32_t *len)
{
    (void)path; (void)base; (void)len;
    return NI_ERR_UNSUPPORTED;
}

void ni_partition_unmap(void) { mapped = 0; }
