/* The ESP32 provider (partition_esp32.c) over a mock of ESP-IDF's partition API (esp_idf_mock/, a test double):
 * the `model` data partition found by label and mapped; another label is NI_ERR_PARTITION; erased flash is
 * NI_ERR_BAD_MAGIC; the image length comes from the header, a header longer than the partition is NI_ERR_TRUNCATED;
 * open_file is NI_ERR_UNSUPPORTED; every failed open and every close leaves no mapping behind. */
#include <string.h>
#include "esp_partition.h"
#include "ni_interop.h"
#include "session_image.h"
#include "test_util.h"

static uint32_t partition_words[65536 / 4];

int main(void)
{
    mock_partition_data = (uint8_t *)partition_words;
    mock_partition_size = sizeof partition_words;
    memset(partition_words, 0xFF, sizeof partition_words);           /* erased flash */
    CHECK_STATUS((ni_status)ni_interop_open_partition("other"), NI_ERR_PARTITION, "no such partition");
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_BAD_MAGIC, "erased partition");
    CHECK(mock_active_mappings == 0);
    CHECK_STATUS((ni_status)ni_interop_open_file("model.nii"), NI_ERR_UNSUPPORTED, "open_file on a device");

    uint32_t len = si_build(mock_partition_data, mock_partition_size, si_options(), NULL);
    CHECK(len > 0 && len < mock_partition_size);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_OK, "programmed partition");
    CHECK(mock_active_mappings == 1);
    int32_t info[NI_INFO_COUNT], logits[8], stats[NI_STAT_COUNT];
    CHECK(ni_interop_info(info, NI_INFO_COUNT) == NI_INFO_COUNT && info[NI_INFO_IMAGE_BYTES] == (int32_t)len);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_ALREADY_OPEN, "second open");
    CHECK(mock_active_mappings == 1);
    CHECK(ni_interop_begin("a b c") >= 2 && ni_interop_run_layer(0) == NI_OK);
    CHECK(ni_interop_exit_head(0, logits, (uint32_t)info[NI_INFO_LABELS], stats, NI_STAT_COUNT) >= 0);
    CHECK(ni_interop_close() == NI_OK && mock_active_mappings == 0);

    tb_wr32(mock_partition_data + NI_HDR_TOTAL_LENGTH, mock_partition_size + 1u);
    CHECK_STATUS((ni_status)ni_interop_open_partition("model"), NI_ERR_TRUNCATED, "header longer than the partition");
    CHECK(mock_active_mappings == 0);
    return ni_test_finish("interop ESP32 partition");
}
