/* Names of the status codes, for one-line error messages on the host and logs on the device. */
#include "nano_intent/ni_image.h"

const char *ni_status_name(ni_status status)
{
    switch (status) {
    case NI_OK: return "NI_OK";
    case NI_ERR_NULL_ARG: return "NI_ERR_NULL_ARG";
    case NI_ERR_TRUNCATED: return "NI_ERR_TRUNCATED";
    case NI_ERR_BAD_MAGIC: return "NI_ERR_BAD_MAGIC";
    case NI_ERR_VERSION: return "NI_ERR_VERSION";
    case NI_ERR_HEADER_SIZE: return "NI_ERR_HEADER_SIZE";
    case NI_ERR_LENGTH: return "NI_ERR_LENGTH";
    case NI_ERR_SECTION_COUNT: return "NI_ERR_SECTION_COUNT";
    case NI_ERR_HEADER_CRC: return "NI_ERR_HEADER_CRC";
    case NI_ERR_FLAGS: return "NI_ERR_FLAGS";
    case NI_ERR_RESERVED: return "NI_ERR_RESERVED";
    case NI_ERR_SECTION_KIND: return "NI_ERR_SECTION_KIND";
    case NI_ERR_SECTION_ORDER: return "NI_ERR_SECTION_ORDER";
    case NI_ERR_SECTION_DUPLICATE: return "NI_ERR_SECTION_DUPLICATE";
    case NI_ERR_MISSING_SECTION: return "NI_ERR_MISSING_SECTION";
    case NI_ERR_SECTION_BOUNDS: return "NI_ERR_SECTION_BOUNDS";
    case NI_ERR_SECTION_ALIGN: return "NI_ERR_SECTION_ALIGN";
    case NI_ERR_SECTION_OVERLAP: return "NI_ERR_SECTION_OVERLAP";
    case NI_ERR_SECTION_CRC: return "NI_ERR_SECTION_CRC";
    case NI_ERR_IMAGE_HASH: return "NI_ERR_IMAGE_HASH";
    case NI_ERR_SECTION_FORMAT: return "NI_ERR_SECTION_FORMAT";
    case NI_ERR_MODEL_DIMS: return "NI_ERR_MODEL_DIMS";
    case NI_ERR_TENSOR_COUNT: return "NI_ERR_TENSOR_COUNT";
    case NI_ERR_TENSOR_ORDER: return "NI_ERR_TENSOR_ORDER";
    case NI_ERR_TENSOR_DUPLICATE: return "NI_ERR_TENSOR_DUPLICATE";
    case NI_ERR_TENSOR_UNKNOWN: return "NI_ERR_TENSOR_UNKNOWN";
    case NI_ERR_MISSING_TENSOR: return "NI_ERR_MISSING_TENSOR";
    case NI_ERR_TENSOR_ENCODING: return "NI_ERR_TENSOR_ENCODING";
    case NI_ERR_TENSOR_SHAPE: return "NI_ERR_TENSOR_SHAPE";
    case NI_ERR_TENSOR_BOUNDS: return "NI_ERR_TENSOR_BOUNDS";
    case NI_ERR_TENSOR_ALIGN: return "NI_ERR_TENSOR_ALIGN";
    case NI_ERR_TENSOR_SIZE: return "NI_ERR_TENSOR_SIZE";
    case NI_ERR_TENSOR_OVERLAP: return "NI_ERR_TENSOR_OVERLAP";
    case NI_ERR_QUANT_PARAMS: return "NI_ERR_QUANT_PARAMS";
    case NI_ERR_VOCAB_COUNT: return "NI_ERR_VOCAB_COUNT";
    case NI_ERR_VOCAB_BOUNDS: return "NI_ERR_VOCAB_BOUNDS";
    case NI_ERR_VOCAB_ORDER: return "NI_ERR_VOCAB_ORDER";
    case NI_ERR_VOCAB_ID: return "NI_ERR_VOCAB_ID";
    case NI_ERR_UTF8: return "NI_ERR_UTF8";
    case NI_ERR_LABELS: return "NI_ERR_LABELS";
    case NI_ERR_THRESHOLDS: return "NI_ERR_THRESHOLDS";
    case NI_ERR_TEST_VECTORS: return "NI_ERR_TEST_VECTORS";
    case NI_ERR_TEST_VECTOR_TOKEN: return "NI_ERR_TEST_VECTOR_TOKEN";
    case NI_ERR_TENSOR_PARAMS: return "NI_ERR_TENSOR_PARAMS";
    case NI_ERR_BOARD: return "NI_ERR_BOARD";
    case NI_ERR_NORMALIZER: return "NI_ERR_NORMALIZER";
    case NI_ERR_QUANT_TABLES: return "NI_ERR_QUANT_TABLES";
    case NI_ERR_ATTENTION_SPAN: return "NI_ERR_ATTENTION_SPAN";
    case NI_ERR_NULL: return "NI_ERR_NULL";
    case NI_ERR_ARENA_SMALL: return "NI_ERR_ARENA_SMALL";
    case NI_ERR_ARENA_STATE: return "NI_ERR_ARENA_STATE";
    case NI_ERR_SEQ_LEN: return "NI_ERR_SEQ_LEN";
    case NI_ERR_TOKEN_ID: return "NI_ERR_TOKEN_ID";
    case NI_ERR_LAYER_ORDER: return "NI_ERR_LAYER_ORDER";
    case NI_ERR_LAYER_INDEX: return "NI_ERR_LAYER_INDEX";
    case NI_ERR_LABELS_COUNT: return "NI_ERR_LABELS_COUNT";
    case NI_ERR_MODEL: return "NI_ERR_MODEL";
    case NI_ERR_INDEX: return "NI_ERR_INDEX";
    case NI_ERR_ALIGNMENT: return "NI_ERR_ALIGNMENT";
    case NI_ERR_NOT_OPEN: return "NI_ERR_NOT_OPEN";
    case NI_ERR_ALREADY_OPEN: return "NI_ERR_ALREADY_OPEN";
    case NI_ERR_PARTITION: return "NI_ERR_PARTITION";
    case NI_ERR_UNSUPPORTED: return "NI_ERR_UNSUPPORTED";
    case NI_ERR_ARENA_CAPACITY: return "NI_ERR_ARENA_CAPACITY";
    case NI_ERR_BUFFER: return "NI_ERR_BUFFER";
    case NI_ERR_SCRATCH_CAPACITY: return "NI_ERR_SCRATCH_CAPACITY";
    }
    return "NI_ERR_UNKNOWN";
}
