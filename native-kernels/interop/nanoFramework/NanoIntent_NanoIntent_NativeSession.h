//-----------------------------------------------------------------------------
// nano-intent: the implementation header of NanoIntent.NativeSession's native methods, with the declarations
// nanoFramework's MetadataProcessor generates for them (keep them identical when regenerating the stubs).
//-----------------------------------------------------------------------------

#ifndef _NANOINTENT_NANOINTENT_NANOINTENT_NATIVESESSION_H_
#define _NANOINTENT_NANOINTENT_NANOINTENT_NATIVESESSION_H_

namespace NanoIntent
{
    namespace NanoIntent
    {
        struct NativeSession
        {
            // Helper Functions to access fields of managed object
            // Declaration of stubs. These functions are implemented by Interop code developers

            static signed int OpenPartition( const char* param0, HRESULT &hr );
            static signed int OpenFile( const char* param0, HRESULT &hr );
            static signed int Close( HRESULT &hr );
            static signed int Info( CLR_RT_TypedArray_INT32 param0, HRESULT &hr );
            static signed int Label( signed int param0, CLR_RT_TypedArray_UINT8 param1, HRESULT &hr );
            static signed int Thresholds( CLR_RT_TypedArray_INT32 param0, HRESULT &hr );
            static signed int Begin( const char* param0, HRESULT &hr );
            static signed int TokenIds( CLR_RT_TypedArray_INT32 param0, HRESULT &hr );
            static signed int RunLayer( signed int param0, HRESULT &hr );
            static signed int ExitHead( signed int param0, CLR_RT_TypedArray_INT32 param1, CLR_RT_TypedArray_INT32 param2, HRESULT &hr );
            static signed int StatusName( signed int param0, CLR_RT_TypedArray_UINT8 param1, HRESULT &hr );

        };
    }
}

#endif //_NANOINTENT_NANOINTENT_NANOINTENT_NATIVESESSION_H_
