/* ESP32 model provider (ESP-IDF 5.x): a data partition found by label (boards/esp32-4mb-partitions.csv: "model"),
 * memory-mapped through the flash cache. Read in place: the image is never copied to RAM. The mapping starts at a
 * 64 KB MMU page boundary (partitions are 4 KB aligned; the returned pointer is adjusted to the partition start),
 * so 4-byte alignment holds. Compiled only in the nanoFramework ESP32 firmware (FindINTEROP-NanoIntent.cmake). */
#include <stddef.h>
#include <stdint.h>
#include "esp_idf_version.h"
#include "esp_partition.h"
#include "nano_intent/ni_image.h"
#include "ni_partition.h"

#if ESP_IDF_VERSION_MAJOR < 5
#error "partition_esp32.c needs ESP-IDF 5 (esp_partition_mmap_handle_t, ESP_PARTITION_MMAP_DATA)"
#endif

static esp_partition_mmap_handle_t handle;
static int mapped;

int ni_partition_map(const char *label, const uint8_t **base, uint32_t *len)
{
    if (label == NULL || base == NULL || len == NULL) return NI_ERR_NULL;
    if (mapped) return NI_ERR_ALREADY_OPEN;
    const esp_partition_t *part = esp_partition_find_first(ESP_PARTITION_TYPE_DATA, ESP_PARTITION_SUBTYPE_ANY, label);
    if (part == NULL) return NI_ERR_PARTITION;
    if (part->size < NI_HEADER_SIZE) return NI_ERR_TRUNCATED;
    const void *p = NULL;
    if (esp_partition_mmap(part, 0, part->size, ESP_PARTITION_MMAP_DATA, &p, &handle) != ESP_OK)
        return NI_ERR_PARTITION;
    mapped = 1;
    /* The image is header.total_length bytes; the rest of the partition is erased flash. A header that claims
     * more than the partition holds is passed on at the partition's size, so ni_open names it (NI_ERR_TRUNCATED). */
    uint32_t total = ni_rd32((const uint8_t *)p + NI_HDR_TOTAL_LENGTH);
    *base = (const uint8_t *)p;
    *len = total <= part->size ? total : (uint32_t)part->size;
    return NI_OK;
}

int ni_partition_map_file(const char *path, const uint8_t **base, uint32_t *len)
{
    (void)path; (void)base; (void)len;
    return NI_ERR_UNSUPPORTED;
}

void ni_partition_unmap(void)
{
    if (!mapped) return;
    esp_partition_munmap(handle);
    mapped = 0;
}
