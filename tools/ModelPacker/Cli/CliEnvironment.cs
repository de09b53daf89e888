using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// Where a command writes: <see cref="Out"/> for results (plain text or JSON), <see cref="Error"/> for the one-line
/// errors and warnings, <see cref="Console"/> for tables and progress bars. Tests pass string writers.
/// </summary>
public sealed class CliEnvironment
{
    public required TextWriter Out { get; init; }
    public required TextWriter Error { get; init; }
    public required IAnsiConsole Console { get; init; }

    /// <summary>Live progress bars are drawn only on an interactive terminal; otherwise progress is a line per epoch.</summary>
    public bool Interactive { get; init; }

    /// <summary>The real console; plain text (no escape codes, no live bars) when stdout goes to a file or pipe.</summary>
    public static CliEnvironment ForProcess()
    {
        if (System.Console.IsOutputRedirected) return ForWriters(System.Console.Out, System.Console.Error);
        var console = AnsiConsole.Console;
        return new CliEnvironment
        {
            Out = System.Console.Out,
            Error = System.Console.Error,
            Console = console,
            Interactive = console.Profile.Capabilities.Interactive,
        };
    }

    /// <summary>Plain text, no colours, no live display: for tests and for capturing output.</summary>
    public static CliEnvironment ForWriters(TextWriter output, TextWriter error)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        // Wide enough that no result line wraps: scripts read lines such as calibrate's thresholds whole.
        console.Profile.Width = 1000;
        return new CliEnvironment { Out = output, Error = error, Console = console, Interactive = false };
    }
}
