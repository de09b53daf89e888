using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace NanoIntent
{
    /// <summary>
    /// Finds the host build of the native session library for P/Invoke: next to this assembly, then
    /// $NANO_INTENT_INTEROP_LIB, then &lt;repo&gt;/native-kernels/build/host (where scripts/test-native-host.sh builds it).
    /// A missing library is one DllNotFoundException naming every place looked at and the command that builds it.
    /// </summary>
    internal static class InteropLibrary
    {
        internal const string Name = "nano_intent_interop";
        internal const string EnvironmentVariable = "NANO_INTENT_INTEROP_LIB";
        internal const string BuildCommand =
            "cmake -S native-kernels -B native-kernels/build/host && cmake --build native-kernels/build/host -j2 (or scripts/test-native-host.sh)";

        internal static void Register(Assembly assembly) => NativeLibrary.SetDllImportResolver(assembly, Resolve);

        private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
        {
            if (name != Name) return IntPtr.Zero;
            string file = FileName();
            var tried = new System.Collections.Generic.List<string>();
            foreach (string candidate in Candidates(assembly, file))
            {
                tried.Add(candidate);
                if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out IntPtr handle)) return handle;
            }
            throw new DllNotFoundException(
                $"{file} not found (looked at: {string.Join(", ", tried)}); build it: {BuildCommand}, or set {EnvironmentVariable} to its path");
        }

        private static System.Collections.Generic.IEnumerable<string> Candidates(Assembly assembly, string file)
        {
            string dir = Path.GetDirectoryName(assembly.Location);
            if (!string.IsNullOrEmpty(dir)) yield return Path.Combine(dir, file);
            string env = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(env)) yield return Path.GetFullPath(env);
            string repo = RepositoryRoot();
            if (repo != null) yield return Path.Combine(repo, "native-kernels", "build", "host", file);
        }

        private static string FileName() =>
            OperatingSystem.IsWindows() ? Name + ".dll" : OperatingSystem.IsMacOS() ? "lib" + Name + ".dylib" : "lib" + Name + ".so";

        /// <summary>The directory holding nano.sln above this program, or null.</summary>
        internal static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "nano.sln"))) return dir.FullName;
            return null;
        }
    }
}
