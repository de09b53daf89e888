//-----------------------------------------------------------------------------
// nano-intent: NanoIntent.NativeSession's native methods. Each only unpacks its arguments and calls ni_interop_*
// (interop/ni_interop.h), which the host tests run unchanged through libnano_intent_interop. Statuses travel as the
// int result (negative = ni_status); hr stays S_OK, so a failure is a value for the managed side to name (StatusName),
// never an exception. Typed arrays are read or written during the call only (the GC moves them).
//-----------------------------------------------------------------------------

#include "NanoIntent.h"
#include "NanoIntent_NanoIntent_NativeSession.h"
#include "ni_interop.h"

using namespace NanoIntent::NanoIntent;

// CLR_RT_TypedArray_INT32 holds `signed int`; int32_t is `long` on arm-none-eabi and on ESP-IDF 5 Xtensa. Both are
// 32-bit two's complement, so the buffer is passed through with a cast.
static_assert(sizeof(signed int) == sizeof(int32_t), "CLR int32 arrays must be int32_t-sized");

static int32_t *ints(CLR_RT_TypedArray_INT32 &a)
{
    return reinterpret_cast<int32_t *>(a.GetBuffer());
}

static uint8_t *bytes(CLR_RT_TypedArray_UINT8 &a)
{
    return static_cast<uint8_t *>(a.GetBuffer());
}

signed int NativeSession::OpenPartition(const char *param0, HRESULT &hr)
{
    (void)hr;
    return ni_interop_open_partition(param0);
}

signed int NativeSession::OpenFile(const char *param0, HRESULT &hr)
{
    (void)hr;
    return ni_interop_open_file(param0);
}

signed int NativeSession::Close(HRESULT &hr)
{
    (void)hr;
    return ni_interop_close();
}

signed int NativeSession::Info(CLR_RT_TypedArray_INT32 param0, HRESULT &hr)
{
    (void)hr;
    return ni_interop_info(ints(param0), param0.GetSize());
}

signed int NativeSession::Label(signed int param0, CLR_RT_TypedArray_UINT8 param1, HRESULT &hr)
{
    (void)hr;
    return ni_interop_label(param0, bytes(param1), param1.GetSize());
}

signed int NativeSession::Thresholds(CLR_RT_TypedArray_INT32 param0, HRESULT &hr)
{
    (void)hr;
    return ni_interop_thresholds(ints(param0), param0.GetSize());
}

signed int NativeSession::Begin(const char *param0, HRESULT &hr)
{
    (void)hr;
    return ni_interop_begin(param0);
}

signed int NativeSession::TokenIds(CLR_RT_TypedArray_INT32 param0, HRESULT &hr)
{
    (void)hr;
    return ni_interop_token_ids(ints(param0), param0.GetSize());
}

signed int NativeSession::RunLayer(signed int param0, HRESULT &hr)
{
    (void)hr;
    return ni_interop_run_layer(param0);
}

signed int NativeSession::ExitHead(signed int param0, CLR_RT_TypedArray_INT32 param1, CLR_RT_TypedArray_INT32 param2,
                                   HRESULT &hr)
{
    (void)hr;
    return ni_interop_exit_head(param0, ints(param1), param1.GetSize(), ints(param2), param2.GetSize());
}

signed int NativeSession::StatusName(signed int param0, CLR_RT_TypedArray_UINT8 param1, HRESULT &hr)
{
    (void)hr;
    return ni_interop_status_name(param0, bytes(param1), param1.GetSize());
}
