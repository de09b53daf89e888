using ModelPacker.Checkpoints;
using ModelPacker.Cli;
using ModelPacker.Data;

namespace ModelPacker.Tests.Cli;

public class CommandRunnerTests
{
    private static (int Code, string Error) Run(Func<int> body)
    {
        var error = new StringWriter();
        int code = CommandRunner.Execute(CliEnvironment.ForWriters(new StringWriter(), error), body);
        return (code, error.ToString());
    }

    [Fact]
    public void User_errors_are_one_line_with_exit_1()
    {
        Assert.Equal((1, "error: data.csv:3: missing label\n"), Run(() => throw new DataFormatException("data.csv", 3, "missing\nlabel")));
        Assert.Equal((1, "error: m/model.safetensors: bad\n"), Run(() => throw new CheckpointFormatException("m/model.safetensors: bad")));
        Assert.Equal((1, "error: c.json: epochs 0 must be in 1..10000\n"), Run(() => throw new InvalidDataException("c.json: epochs 0 must be in 1..10000")));
        Assert.Equal((1, "error: denied\n"), Run(() => throw new UnauthorizedAccessException("denied")));
    }

    [Fact]
    public void Usage_and_cancellation_have_their_own_codes()
    {
        Assert.Equal((2, "error: --top must be 0 or more\n"), Run(() => throw new UsageException("--top must be 0 or more")));
        Assert.Equal((130, "error: cancelled; nothing was written\n"), Run(() => throw new OperationCanceledException()));
        Assert.Equal((0, ""), Run(() => 0));
    }

    [Fact]
    public void Unexpected_exceptions_are_one_line_without_stack_trace()
    {
        var (code, error) = Run(() => throw new InvalidOperationException("index went wrong"));
        Assert.Equal(1, code);
        Assert.Equal("error: internal error: InvalidOperationException: index went wrong (set MODELPACKER_TRACE=1 for the stack trace)\n", error);
    }

    [Fact]
    public void Empty_column_name_is_a_usage_error()
    {
        var run = CliRun.Of("eval", "--model", "m", "--data", "d", "--text-column", " ");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --text-column is empty", Assert.Single(run.ErrorLines));
    }
}
