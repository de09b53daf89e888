using System.Text.Json;
using ModelPacker.Data;

namespace ModelPacker.Cli;

/// <summary>
/// Runs a command body and turns user errors into one line on stderr and an exit code, never a stack trace.
/// Unexpected exceptions (bugs) are one line as well; MODELPACKER_TRACE=1 adds the stack trace.
/// </summary>
internal static class CommandRunner
{
    public static int Execute(CliEnvironment env, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (UsageException e)
        {
            return Fail(env, e.Message, ExitCodes.Usage);
        }
        catch (OperationCanceledException)
        {
            return Fail(env, "cancelled; nothing was written", ExitCodes.Cancelled);
        }
        catch (Exception e) when (e is DataFormatException or InvalidDataException or IOException
                                      or UnauthorizedAccessException or JsonException)
        {
            return Fail(env, e.Message, ExitCodes.Failure);
        }
        catch (Exception e)
        {
            bool trace = Environment.GetEnvironmentVariable("MODELPACKER_TRACE") == "1";
            string hint = trace ? "" : " (set MODELPACKER_TRACE=1 for the stack trace)";
            Fail(env, $"internal error: {e.GetType().Name}: {e.Message}{hint}", ExitCodes.Failure);
            if (trace) env.Error.WriteLine(e);
            return ExitCodes.Failure;
        }
    }

    private static int Fail(CliEnvironment env, string message, int code)
    {
        env.Error.WriteLine("error: " + message.ReplaceLineEndings(" "));
        return code;
    }
}
