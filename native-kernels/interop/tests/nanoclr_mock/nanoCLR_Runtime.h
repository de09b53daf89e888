// TEST DOUBLE: stands in for nf-interpreter's nanoCLR_Runtime.h, which the generated NanoIntent.h includes. The
// stubs use nothing from it beyond nanoCLR_Interop.h; the mock stack frame lives in nanoclr_mock.h.
#ifndef NI_MOCK_NANOCLR_RUNTIME_H
#define NI_MOCK_NANOCLR_RUNTIME_H
#include "nanoCLR_Interop.h"
#endif
