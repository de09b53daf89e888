using System.Runtime.CompilerServices;

namespace NanoIntent
{
    /// <summary>
    /// The native session (native-kernels/interop/ni_interop.h) as nanoFramework calls it: one InternalCall per C
    /// function, implemented by the firmware's interop glue. These signatures fix the native checksum: changing one
    /// means regenerating the stubs and rebuilding the firmware. A negative return is an ni_status code.
    /// </summary>
    internal static class NativeSession
    {
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int OpenPartition(string label);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int OpenFile(string path);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int Close();
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int Info(int[] values);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int Label(int index, byte[] utf8);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int Thresholds(int[] q16);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int Begin(string text);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int TokenIds(int[] ids);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int RunLayer(int layer);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int ExitHead(int layer, int[] logits, int[] stats);
        [MethodImpl(MethodImplOptions.InternalCall)] internal static extern int StatusName(int status, byte[] utf8);
    }
}
