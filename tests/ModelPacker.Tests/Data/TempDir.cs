namespace ModelPacker.Tests.Data;

/// <summary>A temporary directory for files written by a test, deleted afterwards.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("nano-intent-data-").FullName;

    /// <summary>Writes <paramref name="content"/> verbatim (no newline translation) and returns the full path.</summary>
    public string Write(string name, string content)
    {
        string file = System.IO.Path.Combine(Path, name);
        File.WriteAllText(file, content);
        return file;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
