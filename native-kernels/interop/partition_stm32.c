/* STM32 model provider: the image lives in a flash region the linker reserves (stm32/nano_intent_model.ld defines
 * __nano_intent_model_start/_end; the image is programmed there separately, see docs/firmware.md). Internal flash is
 * always memory-mapped; the Quad-SPI NOR (the default region, 0x90000000 on the STM32F769I-DISCO and B-L475E-IOT01A)
 * is mapped only once the firmware has put QUADSPI into memory-mapped mode, and a read of the window before that
 * faults. So "mapping" is: for a region in the QUADSPI window, check that QUADSPI is enabled and in memory-mapped mode
 * (its registers only, never a command to the flash: the firmware owns the peripheral), then find the region and the
 * image length in its header. Every byte of the image is read through the mapping, in place. */
#include <stddef.h>
#include <stdint.h>
#include "nano_intent/ni_image.h"
#include "ni_partition.h"

extern const uint8_t __nano_intent_model_start[];
extern const uint8_t __nano_intent_model_end[];

static int mapped;

/* QUADSPI (RM0410 for the STM32F7, RM0351 for the STM32L4: same block, same address): the memory-mapped window and
 * the two registers that say whether it is live. Overridable for another part. */
#ifndef NI_STM32_QSPI_WINDOW_BASE
#define NI_STM32_QSPI_WINDOW_BASE 0x90000000u
#define NI_STM32_QSPI_WINDOW_END 0xA0000000u
#endif
#ifndef NI_STM32_QUADSPI_BASE
#define NI_STM32_QUADSPI_BASE 0xA0001000u
#endif
#define NI_QUADSPI_CR (*(volatile const uint32_t *)(uintptr_t)(NI_STM32_QUADSPI_BASE + 0x00u))
#define NI_QUADSPI_CCR (*(volatile const uint32_t *)(uintptr_t)(NI_STM32_QUADSPI_BASE + 0x14u))
#define NI_QUADSPI_CR_EN 1u
#define NI_QUADSPI_CCR_FMODE_SHIFT 26u
#define NI_QUADSPI_FMODE_MEMORY_MAPPED 3u

/* 1 when [start, end) can be read: outside the QUADSPI window always; inside it only with QUADSPI enabled in
 * memory-mapped mode (CR.EN = 1, CCR.FMODE = 0b11). A QUADSPI whose clock is off is expected to read as zeros, so
 * "not mapped" (not checked on a board). */
static int region_readable(uintptr_t start, uintptr_t end)
{
    if (end <= NI_STM32_QSPI_WINDOW_BASE || start >= NI_STM32_QSPI_WINDOW_END) return 1;
    return (NI_QUADSPI_CR & NI_QUADSPI_CR_EN) != 0
        && ((NI_QUADSPI_CCR >> NI_QUADSPI_CCR_FMODE_SHIFT) & 3u) == NI_QUADSPI_FMODE_MEMORY_MAPPED;
}

/* One region: every label names it. */
int ni_partition_map(const char *label, const uint8_t **base, uint32_t *len)
{
    (void)label;
    if (base == NULL || len == NULL) return NI_ERR_NULL;
    if (mapped) return NI_ERR_ALREADY_OPEN;
    const uint8_t *start = __nano_intent_model_start;
    uint32_t region = (uint32_t)(__nano_intent_model_end - __nano_intent_model_start);
    if (region < NI_HEADER_SIZE) return NI_ERR_PARTITION;          /* no region linked */
    if (!region_readable((uintptr_t)start, (uintptr_t)__nano_intent_model_end))
        return NI_ERR_PARTITION;                                    /* Quad-SPI flash not memory-mapped (yet) */
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
