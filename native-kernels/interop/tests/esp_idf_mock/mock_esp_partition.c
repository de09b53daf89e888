/* TEST DOUBLE: one data partition labelled "model" over the test's buffer; mappings are counted. */
#include <string.h>
#include "esp_partition.h"

uint8_t *mock_partition_data;
uint32_t mock_partition_size;
int mock_active_mappings;
static esp_partition_t model;

const esp_partition_t *esp_partition_find_first(esp_partition_type_t type, esp_partition_subtype_t subtype,
                                                const char *label)
{
    if (type != ESP_PARTITION_TYPE_DATA || subtype != ESP_PARTITION_SUBTYPE_ANY || label == NULL) return NULL;
    if (strcmp(label, "model") != 0 || mock_partition_data == NULL) return NULL;
    memset(&model, 0, sizeof model);
    model.type = ESP_PARTITION_TYPE_DATA;
    model.subtype = (esp_partition_subtype_t)0x40;
    model.address = 0x2C0000;
    model.size = mock_partition_size;
    strcpy(model.label, "model");
    return &model;
}

esp_err_t esp_partition_mmap(const esp_partition_t *partition, size_t offset, size_t size,
                             esp_partition_mmap_memory_t memory, const void **out_ptr,
                             esp_partition_mmap_handle_t *out_handle)
{
    if (partition != &model || memory != ESP_PARTITION_MMAP_DATA || offset + size > partition->size) return ESP_FAIL;
    *out_ptr = mock_partition_data + offset;
    *out_handle = 0x1234;
    mock_active_mappings++;
    return ESP_OK;
}

void esp_partition_munmap(esp_partition_mmap_handle_t handle)
{
    if (handle == 0x1234) mock_active_mappings--;
}
