namespace ModelPacker.Teacher;

/// <summary>Where embedding caches live by default: $MODELPACKER_CACHE, else $XDG_CACHE_HOME/modelpacker, else
/// ~/.cache/modelpacker. One place for every dataset and output directory, so `teacher` and later `train` share it.</summary>
public static class TeacherCache
{
    public static string DefaultDirectory()
    {
        if (Environment.GetEnvironmentVariable("MODELPACKER_CACHE") is { Length: > 0 } dir) return dir;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string root = xdg is { Length: > 0 } ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(root, "modelpacker");
    }
}
