using System.Diagnostics;

namespace NanoIntent.Tests;

/// <summary>The host emulator as a program: samples first, then commands from stdin until EOF; bad arguments and a
/// model that does not open are one line on stderr and a non-zero exit.</summary>
[Collection(NativeSessionCollection.Name)]
public sealed class HostEmulatorProcessTests
{
    private static (int Exit, string Out, string Err) Run(string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "nano-intent-host.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("NANO_INTENT_MODEL");
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(120_000), "nano-intent-host did not exit after EOF");
        return (p.ExitCode, output.Result, error.Result);
    }

    [Fact]
    public void ClassifiesSamplesThenRunsCommandsUntilEof()
    {
        var (exit, output, error) = Run("info\nclassify book a table for two tonight\n", "--model", TestImages.Default);
        Assert.True(exit == 0, $"exit {exit}: {error}");
        string[] lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("model: " + TestImages.Default, lines[0]);
        Assert.Equal("> classify book a table for two tonight", lines[1]);
        Assert.StartsWith("BookRestaurant confidence ", lines[2]);
        Assert.Contains("> info", lines);
        Assert.Equal("> classify book a table for two tonight", lines[^2]);
        Assert.StartsWith("BookRestaurant confidence ", lines[^1]);
    }

    [Fact]
    public void AModelThatDoesNotOpenIsOneErrorLine()
    {
        var (exit, _, error) = Run("", "--model", Path.Combine(Path.GetTempPath(), "no-such-image.nimg"));
        Assert.Equal(1, exit);
        string line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: open file ", line);
        Assert.Contains("NI_ERR_PARTITION", line);
    }

    [Fact]
    public void AnUnknownArgumentIsTheUsageLine()
    {
        var (exit, _, error) = Run("", "--frobnicate");
        Assert.Equal(2, exit);
        Assert.StartsWith("usage: nano-intent-host", Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }
}
