/// <summary>The directory holding nano.sln above the running binary: results go to its bench/results.</summary>
static class RepoRoot
{
    public static string Find()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "nano.sln"))) d = d.Parent;
        return d?.FullName ?? Directory.GetCurrentDirectory();
    }
}
