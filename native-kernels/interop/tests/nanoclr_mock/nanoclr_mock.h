// TEST DOUBLE: a managed stack frame reduced to what the marshalling reads: up to 4 arguments (int32, string or
// array) and the int32 result. Argument kinds are checked as nanoCLR checks them (CLR_E_WRONG_TYPE on a mismatch).
#ifndef NI_MOCK_NANOCLR_MOCK_H
#define NI_MOCK_NANOCLR_MOCK_H
#include "nanoCLR_Interop.h"

enum MockKind { MOCK_NONE, MOCK_I4, MOCK_STRING, MOCK_SZARRAY_I4, MOCK_SZARRAY_U1 };

struct MockArg
{
    MockKind kind;
    signed int i4;
    const char *str;
    void *data;      // NULL for a null array
    unsigned int count;
};

struct CLR_RT_StackFrame
{
    MockArg args[4];
    signed int result;
    bool has_result;
};

#endif
