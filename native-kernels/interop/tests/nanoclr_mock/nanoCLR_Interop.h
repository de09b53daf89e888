// TEST DOUBLE, not nanoFramework code: the few declarations of nf-interpreter's src/CLR/Include/nanoCLR_Interop.h
// that the NanoIntent stubs use, with the same names, types and signatures (HRESULT, the NANOCLR_* macros,
// CLR_RT_TypedArray<T> and its typedefs, Interop_Marshal_*, SetResult_INT32, CLR_RT_NativeAssemblyData), so the
// glue compiles here as it would in the firmware. The stack frame is a mock (nanoclr_mock.h) the test fills.
#ifndef NI_MOCK_NANOCLR_INTEROP_H
#define NI_MOCK_NANOCLR_INTEROP_H

#include <stddef.h>
#include <stdint.h>

typedef int HRESULT;
#define S_OK ((HRESULT)0)
#define CLR_E_WRONG_TYPE ((HRESULT)0xFD000000)
#define CLR_E_NULL_REFERENCE ((HRESULT)0xFA000000)
#define SUCCEEDED(hr) ((HRESULT)(hr) >= 0)
#define FAILED(hr) ((HRESULT)(hr) < 0)

#define NANOCLR_LEAVE() goto nanoCLR_Cleanup
#define NANOCLR_RETURN() return hr
#define NANOCLR_HEADER() HRESULT hr
#define NANOCLR_CHECK_HRESULT(expr)                                                                                    \
    {                                                                                                                  \
        if (FAILED(hr = (expr)))                                                                                       \
            NANOCLR_LEAVE();                                                                                           \
    }
#define NANOCLR_SET_AND_LEAVE(expr)                                                                                    \
    {                                                                                                                  \
        hr = (expr);                                                                                                   \
        NANOCLR_LEAVE();                                                                                               \
    }
#define NANOCLR_CLEANUP()                                                                                              \
    hr = S_OK;                                                                                                         \
    nanoCLR_Cleanup:
#define NANOCLR_CLEANUP_END() NANOCLR_RETURN()
#define NANOCLR_NOCLEANUP()                                                                                            \
    NANOCLR_CLEANUP();                                                                                                 \
    NANOCLR_CLEANUP_END()

struct CLR_RT_StackFrame;

#define NANOCLR_NATIVE_DECLARE(mtd) static HRESULT mtd(CLR_RT_StackFrame &stack)
typedef HRESULT (*CLR_RT_MethodHandler)(CLR_RT_StackFrame &stack);

struct CLR_RECORD_VERSION
{
    uint16_t majorVersion;
    uint16_t minorVersion;
    uint16_t buildNumber;
    uint16_t revisionNumber;
};

struct CLR_RT_NativeAssemblyData
{
    const char *m_szAssemblyName;
    unsigned int m_checkSum;
    const void *m_pNativeMethods;
    CLR_RECORD_VERSION m_Version;
};

HRESULT Interop_Marshal_INT32(const CLR_RT_StackFrame &stackFrame, unsigned int paramIndex, signed int &param);
HRESULT Interop_Marshal_LPCSTR(const CLR_RT_StackFrame &stackFrame, unsigned int paramIndex, const char *&param);

// As in nanoCLR: data and count are private, filled only by the Interop_Marshal_*_ARRAY friends.
template <class T> class CLR_RT_TypedArray
{
    T *m_pData;
    unsigned int m_ElemCount;

    friend HRESULT Interop_Marshal_UINT8_ARRAY(
        const CLR_RT_StackFrame &stackFrame,
        unsigned int paramIndex,
        CLR_RT_TypedArray<unsigned char> &typedArray);
    friend HRESULT Interop_Marshal_INT32_ARRAY(
        const CLR_RT_StackFrame &stackFrame,
        unsigned int paramIndex,
        CLR_RT_TypedArray<signed int> &typedArray);

  public:
    CLR_RT_TypedArray()
    {
        m_pData = NULL;
        m_ElemCount = 0;
    }
    T GetValue(unsigned int i)
    {
        return m_pData[i];
    }
    void SetValue(unsigned int i, T &val)
    {
        m_pData[i] = val;
    }
    T &operator[](unsigned int i)
    {
        return m_pData[i];
    }
    unsigned int GetSize()
    {
        return m_ElemCount;
    }
    T *GetBuffer()
    {
        return m_pData;
    }
};

typedef CLR_RT_TypedArray<unsigned char> CLR_RT_TypedArray_UINT8;
typedef CLR_RT_TypedArray<signed int> CLR_RT_TypedArray_INT32;

HRESULT Interop_Marshal_UINT8_ARRAY(
    const CLR_RT_StackFrame &stackFrame,
    unsigned int paramIndex,
    CLR_RT_TypedArray_UINT8 &typedArray);
HRESULT Interop_Marshal_INT32_ARRAY(
    const CLR_RT_StackFrame &stackFrame,
    unsigned int paramIndex,
    CLR_RT_TypedArray_INT32 &typedArray);

void SetResult_INT32(CLR_RT_StackFrame &stackFrame, signed int value);

#endif
