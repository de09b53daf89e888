/* TEST DOUBLE, not ESP-IDF: the few declarations of ESP-IDF 5's esp_partition.h that partition_esp32.c uses, with
 * ESP-IDF's names, types and signatures (esp_partition_find_first, esp_partition_mmap, esp_partition_munmap), over
 * one in-memory data partition the test fills (mock_esp_partition.c). */
#ifndef NI_MOCK_ESP_PARTITION_H
#define NI_MOCK_ESP_PARTITION_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int esp_err_t;
#define ESP_OK 0
#define ESP_FAIL -1

typedef enum { ESP_PARTITION_TYPE_APP = 0x00, ESP_PARTITION_TYPE_DATA = 0x01, ESP_PARTITION_TYPE_ANY = 0xff } esp_partition_type_t;
typedef enum { ESP_PARTITION_SUBTYPE_DATA_NVS = 0x02, ESP_PARTITION_SUBTYPE_ANY = 0xff } esp_partition_subtype_t;
typedef enum { ESP_PARTITION_MMAP_DATA, ESP_PARTITION_MMAP_INST } esp_partition_mmap_memory_t;
typedef uint32_t esp_partition_mmap_handle_t;

typedef struct {
    void *flash_chip;
    esp_partition_type_t type;
    esp_partition_subtype_t subtype;
    uint32_t address;
    uint32_t size;
    uint32_t erase_size;
    char label[17];
    bool encrypted;
    bool readonly;
} esp_partition_t;

const esp_partition_t *esp_partition_find_first(esp_partition_type_t type, esp_partition_subtype_t subtype,
                                                const char *label);
esp_err_t esp_partition_mmap(const esp_partition_t *partition, size_t offset, size_t size,
                             esp_partition_mmap_memory_t memory, const void **out_ptr,
                             esp_partition_mmap_handle_t *out_handle);
void esp_partition_munmap(esp_partition_mmap_handle_t handle);

/* the mock's state, for the test */
extern uint8_t *mock_partition_data;   /* the partition's bytes (the test owns them) */
extern uint32_t mock_partition_size;
extern int mock_active_mappings;       /* mmap calls not yet unmapped */
#endif
