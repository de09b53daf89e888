// Links the interop the way the firmware does (a test double of nanoCLR's side): the assembly's method table pulls in
// the glue, the glue pulls in ni_interop and the library, and the STM32 provider's region symbols come from the
// linker fragment. Built, not run.
#include "NanoIntent.h"
#include "ni_interop.h"

int main()
{
    // the region holds no image here: a status, never a crash
    int32_t st = ni_interop_open_partition("model");
    ni_interop_close();
    return g_CLR_AssemblyNative_NanoIntent.m_pNativeMethods != NULL && st != NI_OK ? 0 : 1;
}
