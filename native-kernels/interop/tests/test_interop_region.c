/* The STM32 provider (partition_stm32.c) and the linker fragment (stm32/nano_intent_model.ld) inside QEMU: the
 * fragment places the region in the machine's "flash", which QEMU's mps2 and virt machines model as RAM, so the test
 * can program it the way a flash programmer would and then open it by label. Erased flash is NI_ERR_BAD_MAGIC; the
 * image length comes from the header, not the region; a header claiming more than the region is NI_ERR_TRUNCATED;
 * open_file is NI_ERR_UNSUPPORTED; open/classify/close/reopen works. */
#include <string.h>
#include "ni_interop.h"
#include "session_image.h"
#include "test_util.h"

extern uint8_t __nano_intent_model_start[]; /* writable here: QEMU RAM playing flash */
extern uint8_t __nano_intent_model_end[];

int main(void)
{
    uint8_t *region = __nano_intent_model_start;
    uint32_t region_len = (uint32_t)(__nano_intent_model_end - __nano_intent_model_start);
    CHECK(((uintptr_t)region & 31u) == 0 && region_len >= 32768u);

    memset(region, 0xFF, region_len);                               /* erased flash */
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_BAD_MAGIC, "erased region");
    CHECK_STATUS((ni_status)ni_interop_open_file("model.nii"), NI_ERR_UNSUPPORTED, "open_file on a device");

    uint32_t len = si_build(region, region_len, si_options(), NULL);
    CHECK(len > 0 && len < region_len);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_OK, "programmed region");
    int32_t info[NI_INFO_COUNT], logits[8], stats[NI_STAT_COUNT];
    CHECK(ni_interop_info(info, NI_INFO_COUNT) == NI_INFO_COUNT && info[NI_INFO_IMAGE_BYTES] == (int32_t)len);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_ALREADY_OPEN, "second open");
    int n = ni_interop_begin("a b c");
    CHECK(n >= 2);
    for (int32_t l = 0; l < info[NI_INFO_LAYERS]; l++) {
        CHECK(ni_interop_run_layer(l) == NI_OK);
        int e = ni_interop_exit_head(l, logits, (uint32_t)info[NI_INFO_LABELS], stats, NI_STAT_COUNT);
        CHECK(e >= 0 && e == stats[NI_STAT_ENTROPY_Q16] && stats[NI_STAT_CONFIDENCE_Q16] > 0);
    }
    CHECK(ni_interop_close() == NI_OK);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_OK, "reopen");
    CHECK(ni_interop_close() == NI_OK);

    tb_wr32(region + NI_HDR_TOTAL_LENGTH, region_len + 1u);         /* claims more than the region holds */
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_TRUNCATED, "header longer than the region");
    CHECK_STATUS((ni_status)ni_interop_info(info, NI_INFO_COUNT), NI_ERR_NOT_OPEN, "nothing open after a failure");
    return ni_test_finish("interop STM32 region");
}
