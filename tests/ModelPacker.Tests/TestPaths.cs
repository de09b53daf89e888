namespace ModelPacker.Tests;

/// <summary>Where tests find the repository and the shared intent datasets.</summary>
public static class TestPaths
{
    /// <summary>The directory holding nano.sln, found by walking up from the test binaries.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>$NANO_INTENT_DATASETS, or &lt;repo root&gt;/../shared/datasets.</summary>
    public static string DatasetsRoot =>
        Environment.GetEnvironmentVariable("NANO_INTENT_DATASETS") is { Length: > 0 } env
            ? Path.GetFullPath(env)
            : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "datasets"));

    /// <summary>One dataset directory ("snips", "clinc150", "banking77"); fails clearly when it is not there.</summary>
    public static string Dataset(string name)
    {
        string dir = Path.Combine(DatasetsRoot, name);
        if (!Directory.Exists(dir))
            throw new DirectoryNotFoundException(
                $"dataset '{name}' not found at {dir}; set NANO_INTENT_DATASETS to the datasets directory");
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "nano.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException($"nano.sln not found above {AppContext.BaseDirectory}");
    }
}
