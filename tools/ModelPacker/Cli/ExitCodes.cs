namespace ModelPacker.Cli;

/// <summary>Process exit codes of every command (documented in docs/cli.md).</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Bad input file, unreadable model, I/O failure: one line on stderr, no output written.</summary>
    public const int Failure = 1;
    /// <summary>Bad command line: unknown option, missing value, invalid choice.</summary>
    public const int Usage = 2;
    /// <summary>Interrupted with Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;
}
