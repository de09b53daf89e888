using ModelPacker.Cli;

namespace ModelPacker.Tests.Cli;

/// <summary>The outcome of running the command tree in-process.</summary>
internal sealed record CliRun(int ExitCode, string Out, string Error)
{
    public static CliRun Of(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = CommandTree.Run(args, CliEnvironment.ForWriters(output, error));
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public string[] ErrorLines => Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
