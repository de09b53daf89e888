using System.Runtime.InteropServices;
using ModelPacker.IntegerRuntime;

namespace NanoIntent.Tests;

/// <summary>The images the tests run, where they are, and the environment the native partition provider reads.</summary>
public static class TestImages
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The bundled default image (scripts/pack-default-image.sh).</summary>
    public static string Default => Path.Combine(RepoRoot, "models", "snips", "snips-int8.nimg");

    /// <summary>An image scripts/pack-test-images.sh packs (native-kernels/build/test-images/runtime/&lt;name&gt;.nii).</summary>
    public static string PackedTestImage(string name)
    {
        string path = Path.Combine(RepoRoot, "native-kernels", "build", "test-images", "runtime", name + ".nii");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} is missing: run scripts/pack-test-images.sh first", path);
        return path;
    }

    public static string DatasetsRoot =>
        Environment.GetEnvironmentVariable("NANO_INTENT_DATASETS") is { Length: > 0 } env
            ? Path.GetFullPath(env) : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "datasets"));

    public static string Dataset(string name)
    {
        string dir = Path.Combine(DatasetsRoot, name);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"dataset '{name}' not found at {dir}; set NANO_INTENT_DATASETS");
        return dir;
    }

    private static readonly Dictionary<string, IntegerClassifier> References = new();

    /// <summary>The C# integer reference (what `modelpacker eval/classify --model x.nimg` runs) for an image.</summary>
    public static IntegerClassifier Reference(string image)
    {
        lock (References)
        {
            if (!References.TryGetValue(image, out var c)) References[image] = c = IntegerImage.Read(image).Classifier();
            return c;
        }
    }

    /// <summary>Sets NANO_INTENT_MODEL for the native code (setenv: .NET's SetEnvironmentVariable changes only its
    /// own copy on Unix); null unsets it.</summary>
    public static void SetModelEnvironment(string? path)
    {
        Environment.SetEnvironmentVariable("NANO_INTENT_MODEL", path);
        if (path is null) unsetenv("NANO_INTENT_MODEL");
        else setenv("NANO_INTENT_MODEL", path, 1);
    }

    [DllImport("libc", SetLastError = true)] private static extern int setenv(string name, string value, int overwrite);
    [DllImport("libc", SetLastError = true)] private static extern int unsetenv(string name);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "nano.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"nano.sln not found above {AppContext.BaseDirectory}");
    }
}
