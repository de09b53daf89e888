/* TEST DOUBLE: ESP-IDF's version header, as an ESP-IDF 5 build has it. */
#ifndef NI_MOCK_ESP_IDF_VERSION_H
#define NI_MOCK_ESP_IDF_VERSION_H
#define ESP_IDF_VERSION_MAJOR 5
#define ESP_IDF_VERSION_MINOR 2
#define ESP_IDF_VERSION_PATCH 0
#endif
