namespace ModelPacker.Data;

/// <summary>
/// A dataset or vocabulary file that cannot be read. <see cref="Exception.Message"/> is always ONE line,
/// "&lt;file&gt;:&lt;line&gt;: &lt;problem&gt;" (or "&lt;file&gt;: &lt;problem&gt;" when no line applies), ready to print
/// as the whole error of a command.
/// </summary>
public sealed class DataFormatException : Exception
{
    public DataFormatException(string filePath, int line, string problem)
        : base(Format(filePath, line, problem))
    {
        FilePath = filePath;
        Line = line;
        Problem = OneLine(problem);
    }

    public DataFormatException(string filePath, string problem) : this(filePath, 0, problem) { }

    /// <summary>The file (or directory) at fault, as given by the caller.</summary>
    public string FilePath { get; }

    /// <summary>1-based line number, or 0 when the problem is not tied to a line.</summary>
    public int Line { get; }

    /// <summary>The problem alone, without file and line.</summary>
    public string Problem { get; }

    private static string Format(string filePath, int line, string problem) =>
        line > 0 ? $"{filePath}:{line}: {OneLine(problem)}" : $"{filePath}: {OneLine(problem)}";

    // A message must stay one line even when it quotes user data containing line breaks.
    internal static string OneLine(string s) => s.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');

    /// <summary>Quotes a short excerpt of user data for an error message.</summary>
    internal static string Excerpt(string s, int max = 40)
    {
        s = OneLine(s);
        return s.Length <= max ? $"'{s}'" : $"'{s[..max]}…'";
    }
}
