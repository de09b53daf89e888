/* Links against stm32/nano_intent_model.ld only (ctest stm32_fragment_*): the region symbols exist. */
#include <stdint.h>
extern const uint8_t __nano_intent_model_start[], __nano_intent_model_end[];
int main(void) { return __nano_intent_model_end > __nano_intent_model_start ? 0 : 1; }
