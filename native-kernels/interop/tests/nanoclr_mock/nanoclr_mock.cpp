// TEST DOUBLE: the marshalling functions over the mock stack frame (nanoclr_mock.h).
#include "nanoclr_mock.h"

static const MockArg *arg(const CLR_RT_StackFrame &f, unsigned int i, MockKind kind)
{
    return i < 4 && f.args[i].kind == kind ? &f.args[i] : NULL;
}

HRESULT Interop_Marshal_INT32(const CLR_RT_StackFrame &f, unsigned int i, signed int &param)
{
    const MockArg *a = arg(f, i, MOCK_I4);
    if (a == NULL) return CLR_E_WRONG_TYPE;
    param = a->i4;
    return S_OK;
}

HRESULT Interop_Marshal_LPCSTR(const CLR_RT_StackFrame &f, unsigned int i, const char *&param)
{
    const MockArg *a = arg(f, i, MOCK_STRING);
    if (a == NULL) return CLR_E_WRONG_TYPE;
    param = a->str;
    return S_OK;
}

HRESULT Interop_Marshal_UINT8_ARRAY(const CLR_RT_StackFrame &f, unsigned int i, CLR_RT_TypedArray_UINT8 &typedArray)
{
    const MockArg *a = arg(f, i, MOCK_SZARRAY_U1);
    if (a == NULL) return CLR_E_WRONG_TYPE;
    typedArray.m_pData = static_cast<unsigned char *>(a->data);
    typedArray.m_ElemCount = a->data != NULL ? a->count : 0;
    return S_OK;
}

HRESULT Interop_Marshal_INT32_ARRAY(const CLR_RT_StackFrame &f, unsigned int i, CLR_RT_TypedArray_INT32 &typedArray)
{
    const MockArg *a = arg(f, i, MOCK_SZARRAY_I4);
    if (a == NULL) return CLR_E_WRONG_TYPE;
    typedArray.m_pData = static_cast<signed int *>(a->data);
    typedArray.m_ElemCount = a->data != NULL ? a->count : 0;
    return S_OK;
}

void SetResult_INT32(CLR_RT_StackFrame &f, signed int value)
{
    f.result = value;
    f.has_result = true;
}
