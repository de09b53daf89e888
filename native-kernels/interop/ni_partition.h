/* Model-partition providers: where the flash image lives on each platform. One implementation is linked:
 * partition_esp32.c (esp_partition_find_first + esp_partition_mmap of a data partition by label, as in
 * boards/esp32-4mb-partitions.csv), partition_stm32.c (a linker-placed flash region), partition_posix.c (the file named
 * by the environment variable NANO_INTENT_MODEL for any label, or an explicit path; memory-mapped read-only). */
#ifndef NANO_INTENT_NI_PARTITION_H
#define NANO_INTENT_NI_PARTITION_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Maps the partition; *base is 4-byte aligned and stays valid until ni_partition_unmap. NI_ERR_PARTITION when
 * it does not exist (or NANO_INTENT_MODEL is unset or names no readable file). */
int ni_partition_map(const char *label, const uint8_t **base, uint32_t *len);
/* Maps an image file (POSIX only; NI_ERR_UNSUPPORTED elsewhere). */
int ni_partition_map_file(const char *path, const uint8_t **base, uint32_t *len);
/* Releases what the last successful map returned (no-op when nothing is mapped). */
void ni_partition_unmap(void);

#ifdef __cplusplus
}
#endif

#endif
