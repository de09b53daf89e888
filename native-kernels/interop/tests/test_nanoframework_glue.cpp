// Compile and run check of the nanoFramework glue (interop/nanoFramework/*.cpp) against a mock of the few
// nanoCLR types it uses (nanoclr_mock/, a test double): every native method of NanoIntent.NativeSession is called
// once through the assembly's method table and its marshalling, as nanoCLR would call it, on an image file this
// test writes. A signature that drifts between the stubs, the implementation and ni_interop.h fails to compile.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include "NanoIntent.h"
#include "nanoclr_mock.h"
#include "ni_interop.h"
extern "C" {
#include "session_image.h"
}

static int failures;
#define EXPECT(cond)                                                                                                   \
    do {                                                                                                               \
        if (!(cond)) { failures++; std::fprintf(stderr, "%s:%d: %s\n", __FILE__, __LINE__, #cond); }                   \
    } while (0)

// The method table's order (NanoIntent.cpp).
enum { OPEN_PARTITION, OPEN_FILE, CLOSE, INFO, LABEL, THRESHOLDS, BEGIN, TOKEN_IDS, RUN_LAYER, EXIT_HEAD, STATUS_NAME, METHODS };

static MockArg i4(signed int v) { MockArg a = {MOCK_I4, v, NULL, NULL, 0}; return a; }
static MockArg str(const char *s) { MockArg a = {MOCK_STRING, 0, s, NULL, 0}; return a; }
static MockArg ints(signed int *p, unsigned int n) { MockArg a = {MOCK_SZARRAY_I4, 0, NULL, p, n}; return a; }
static MockArg bytes(unsigned char *p, unsigned int n) { MockArg a = {MOCK_SZARRAY_U1, 0, NULL, p, n}; return a; }
static MockArg none() { MockArg a = {MOCK_NONE, 0, NULL, NULL, 0}; return a; }

// Calls method m with up to three arguments; returns its int result (the HRESULT must be S_OK).
static signed int call(int m, MockArg a0 = none(), MockArg a1 = none(), MockArg a2 = none())
{
    const CLR_RT_MethodHandler *table =
        static_cast<const CLR_RT_MethodHandler *>(g_CLR_AssemblyNative_NanoIntent.m_pNativeMethods);
    CLR_RT_StackFrame f;
    std::memset(&f, 0, sizeof f);
    f.args[0] = a0; f.args[1] = a1; f.args[2] = a2;
    HRESULT hr = table[m](f);
    EXPECT(hr == S_OK && f.has_result);
    return f.result;
}

int main(int argc, char **argv)
{
    char path[4096];
    std::snprintf(path, sizeof path, "%s/glue.nii", argc > 1 ? argv[1] : ".");
    static uint32_t image[32768 / 4];
    uint32_t len = si_build(reinterpret_cast<uint8_t *>(image), sizeof image, si_options(), NULL);
    EXPECT(len > 0 && si_write_file(path, reinterpret_cast<uint8_t *>(image), len));
    EXPECT(std::strcmp(g_CLR_AssemblyNative_NanoIntent.m_szAssemblyName, "NanoIntent") == 0);

    unsigned char name[32];
    EXPECT(call(STATUS_NAME, i4(NI_ERR_PARTITION), bytes(name, sizeof name)) == 16);
    EXPECT(std::memcmp(name, "NI_ERR_PARTITION", 16) == 0);
    unsetenv("NANO_INTENT_MODEL");
    EXPECT(call(OPEN_PARTITION, str("model")) == NI_ERR_PARTITION);
    EXPECT(call(OPEN_FILE, str("/nonexistent/model.nii")) == NI_ERR_PARTITION);
    EXPECT(call(OPEN_FILE, str(path)) == NI_OK);

    signed int info[NI_INFO_COUNT], thr[NI_MAX_LAYERS], ids[16], logits[8], stats[NI_STAT_COUNT];
    EXPECT(call(INFO, ints(info, NI_INFO_COUNT)) == NI_INFO_COUNT);
    EXPECT(call(INFO, ints(NULL, 0)) == 0);                        // a null array is 0 elements
    EXPECT(call(LABEL, i4(0), bytes(name, sizeof name)) > 0);
    EXPECT(call(THRESHOLDS, ints(thr, NI_MAX_LAYERS)) == info[NI_INFO_LAYERS]);
    signed int n = call(BEGIN, str("a b"));
    EXPECT(n >= 2 && call(TOKEN_IDS, ints(ids, 16)) == n);
    EXPECT(call(RUN_LAYER, i4(0)) == NI_OK);
    signed int e = call(EXIT_HEAD, i4(0), ints(logits, (unsigned)info[NI_INFO_LABELS]), ints(stats, NI_STAT_COUNT));
    EXPECT(e >= 0 && e == stats[NI_STAT_ENTROPY_Q16]);
    EXPECT(call(CLOSE) == NI_OK);

    // a wrong argument kind is the marshaller's error, before any native code runs
    CLR_RT_StackFrame f;
    std::memset(&f, 0, sizeof f);
    f.args[0] = i4(1);
    const CLR_RT_MethodHandler *table =
        static_cast<const CLR_RT_MethodHandler *>(g_CLR_AssemblyNative_NanoIntent.m_pNativeMethods);
    EXPECT(table[BEGIN](f) == CLR_E_WRONG_TYPE && !f.has_result);

    if (failures) { std::fprintf(stderr, "nanoFramework glue: %d check(s) failed\n", failures); return 1; }
    std::printf("nanoFramework glue: %d methods called through the method table: ok\n", METHODS);
    return 0;
}
