using System.CommandLine;

namespace ModelPacker.Cli;

/// <summary>
/// The <c>modelpacker</c> command line. Every command lives in its own file and is registered in
/// <see cref="Commands"/>, the one list to extend.
/// </summary>
public static class CommandTree
{
    public static readonly IReadOnlyList<Func<CliEnvironment, Command>> Commands =
    [
        TrainCommand.Create,
        EvalCommand.Create,
        ClassifyCommand.Create,
        PackCommand.Create,
        InspectCommand.Create,
        VerifyCommand.Create,
        CalibrateCommand.Create,
        FinetuneInt8Command.Create,
        BinarizeCommand.Create,
        TeacherCommand.Create,
        SplitsCommand.Create,
        SpanCommand.Create,
        PruneCommand.Create,
        SparsifyCommand.Create,
        PruneHeadsCommand.Create,
        LayerDropCommand.Create,
    ];

    public static RootCommand Build(CliEnvironment env)
    {
        var root = new RootCommand("modelpacker: train, evaluate and pack tiny ALBERT intent classifiers for microcontrollers");
        foreach (var create in Commands) root.Add(create(env));
        return root;
    }

    /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code (see <see cref="ExitCodes"/>).</summary>
    public static int Run(string[] args, CliEnvironment env)
    {
        var parse = Build(env).Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line: the parser's complaints and where to look for help.
            string command = string.Join(' ', CommandPath(parse.CommandResult));
            env.Error.WriteLine($"error: {string.Join("; ", parse.Errors.Select(e => OneLine(e.Message)))} (see '{command} --help')");
            return ExitCodes.Usage;
        }
        return parse.Invoke(new InvocationConfiguration
        {
            Output = env.Out,
            Error = env.Error,
            EnableDefaultExceptionHandler = false,
        });
    }

    private static string OneLine(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"\s+", " ").Trim().TrimEnd('.');

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new Stack<string>();
        for (System.CommandLine.Parsing.SymbolResult? r = result; r is not null; r = r.Parent)
            if (r is System.CommandLine.Parsing.CommandResult c)
                names.Push(c.Command is RootCommand ? "modelpacker" : c.Command.Name);
        return names;
    }
}
