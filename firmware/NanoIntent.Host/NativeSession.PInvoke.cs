using System.Runtime.InteropServices;

namespace NanoIntent
{
    /// <summary>
    /// The native session on the host: the same methods as NativeSession.InternalCall.cs, each calling its
    /// ni_interop_* function in libnano_intent_interop by P/Invoke (strings as NUL-terminated UTF-8, arrays pinned
    /// for the call only). <see cref="InteropLibrary"/> finds the library.
    /// </summary>
    internal static class NativeSession
    {
        private const string Lib = InteropLibrary.Name;

        static NativeSession() => InteropLibrary.Register(typeof(NativeSession).Assembly);

        internal static int OpenPartition(string label) => ni_interop_open_partition(label);
        internal static int OpenFile(string path) => ni_interop_open_file(path);
        internal static int Close() => ni_interop_close();
        internal static int Info(int[] values) => ni_interop_info(values, (uint)values.Length);
        internal static int Label(int index, byte[] utf8) => ni_interop_label(index, utf8, (uint)utf8.Length);
        internal static int Thresholds(int[] q16) => ni_interop_thresholds(q16, (uint)q16.Length);
        internal static int Begin(string text) => ni_interop_begin(text);
        internal static int TokenIds(int[] ids) => ni_interop_token_ids(ids, (uint)ids.Length);
        internal static int RunLayer(int layer) => ni_interop_run_layer(layer);
        internal static int ExitHead(int layer, int[] logits, int[] stats) =>
            ni_interop_exit_head(layer, logits, (uint)logits.Length, stats, (uint)stats.Length);
        internal static int StatusName(int status, byte[] utf8) => ni_interop_status_name(status, utf8, (uint)utf8.Length);

        [DllImport(Lib)] private static extern int ni_interop_open_partition([MarshalAs(UnmanagedType.LPUTF8Str)] string label);
        [DllImport(Lib)] private static extern int ni_interop_open_file([MarshalAs(UnmanagedType.LPUTF8Str)] string path);
        [DllImport(Lib)] private static extern int ni_interop_close();
        [DllImport(Lib)] private static extern int ni_interop_info([Out] int[] values, uint n);
        [DllImport(Lib)] private static extern int ni_interop_label(int index, [Out] byte[] utf8, uint cap);
        [DllImport(Lib)] private static extern int ni_interop_thresholds([Out] int[] q16, uint n);
        [DllImport(Lib)] private static extern int ni_interop_begin([MarshalAs(UnmanagedType.LPUTF8Str)] string utf8);
        [DllImport(Lib)] private static extern int ni_interop_token_ids([Out] int[] ids, uint cap);
        [DllImport(Lib)] private static extern int ni_interop_run_layer(int layer);
        [DllImport(Lib)] private static extern int ni_interop_exit_head(int layer, [Out] int[] logits, uint n, [Out] int[] stats, uint nStats);
        [DllImport(Lib)] private static extern int ni_interop_status_name(int status, [Out] byte[] utf8, uint cap);
    }
}
