namespace ModelPacker.Checkpoints;

/// <summary>
/// Publishes a directory all at once: the contents are written into a hidden sibling temp directory, which is then
/// renamed into place. A failure (or Ctrl+C) part-way leaves no partial output, and an existing directory of the same
/// name is only replaced once the new one is complete.
/// </summary>
public static class AtomicDirectory
{
    /// <param name="target">The directory to create or replace.</param>
    /// <param name="mayReplace">Decides whether an existing non-empty directory may be replaced (so a mistyped
    /// <c>--out</c> never deletes unrelated files).</param>
    /// <param name="write">Writes the contents into the temp directory it is given.</param>
    public static void Publish(string target, Func<string, bool> mayReplace, Action<string> write)
    {
        string full = Path.GetFullPath(target).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
        string parent = Path.GetDirectoryName(full) ?? throw new IOException($"{target}: cannot write to a file-system root");
        string name = Path.GetFileName(full);
        if (File.Exists(full)) throw new IOException($"{target}: exists and is a file, not a directory");
        bool replacing = Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any();
        if (replacing && !mayReplace(full))
            throw new IOException($"{target}: exists and is not a checkpoint directory; refusing to replace it (choose another output directory)");

        Directory.CreateDirectory(parent);
        string temp = Path.Combine(parent, $".{name}.tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            write(temp);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        if (!Directory.Exists(full))
        {
            MoveOrCleanUp(temp, full);
            return;
        }
        // Swap: move the old directory aside, move the new one in, then drop the old one.
        string old = Path.Combine(parent, $".{name}.old-{Guid.NewGuid():N}");
        try
        {
            Directory.Move(full, old);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        try
        {
            Directory.Move(temp, full);
        }
        catch
        {
            Directory.Move(old, full);
            TryDelete(temp);
            throw;
        }
        TryDelete(old);
    }

    private static void MoveOrCleanUp(string temp, string full)
    {
        try
        {
            if (Directory.Exists(full)) Directory.Delete(full); // an empty directory the user created beforehand
            Directory.Move(temp, full);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string dir)
    {
        try { if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
