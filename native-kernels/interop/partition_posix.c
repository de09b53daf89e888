/* POSIX model provider (host tests, the host emulator's P/Invoke, the nanoCLR posix target): the image is a file,
 * memory-mapped read-only. mmap returns page-aligned memory, so the runtime's 4-byte alignment holds. */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "nano_intent/ni_image.h"
#include "ni_partition.h"

static void *mapped;
static size_t mapped_len;

int ni_partition_map_file(const char *path, const uint8_t **base, uint32_t *len)
{
    if (path == NULL || base == NULL || len == NULL) return NI_ERR_NULL;
    if (mapped != NULL) return NI_ERR_ALREADY_OPEN;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NI_ERR_PARTITION;
    struct stat sb;
    int st = NI_OK;
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) st = NI_ERR_PARTITION;
    else if (sb.st_size < NI_HEADER_SIZE) st = NI_ERR_TRUNCATED;   /* also: mmap cannot map 0 bytes */
    else if ((uint64_t)sb.st_size > 0xFFFFFFFFu) st = NI_ERR_LENGTH;
    void *p = MAP_FAILED;
    if (st == NI_OK) p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);                                                      /* the mapping keeps the file */
    if (st != NI_OK) return st;
    if (p == MAP_FAILED) return NI_ERR_PARTITION;
    mapped = p;
    mapped_len = (size_t)sb.st_size;
    *base = (const uint8_t *)p;
    *len = (uint32_t)sb.st_size;
    return NI_OK;
}

/* Every label names the file in NANO_INTENT_MODEL: a host has one model. */
int ni_partition_map(const char *label, const uint8_t **base, uint32_t *len)
{
    (void)label;
    const char *path = getenv("NANO_INTENT_MODEL");
    if (path == NULL || path[0] == '\0') return NI_ERR_PARTITION;
    return ni_partition_map_file(path, base, len);
}

void ni_partition_unmap(void)
{
    if (mapped == NULL) return;
    munmap(mapped, mapped_len);
    mapped = NULL;
    mapped_len = 0;
}
