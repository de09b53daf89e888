// TEST DOUBLE: nf-interpreter's nanoPackStruct.h (packing macros); the stubs use none of them.
#ifndef NI_MOCK_NANOPACKSTRUCT_H
#define NI_MOCK_NANOPACKSTRUCT_H
#endif
