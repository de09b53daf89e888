using ModelPacker.Checkpoints;
using ModelPacker.Tests.Checkpoints;

namespace ModelPacker.Tests.Cli;

public class TrainCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void Train_writes_a_loadable_checkpoint_and_prints_a_summary()
    {
        var run = fixture.Train;
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        Assert.Equal(["config.json", "model.safetensors", "train_config.json", "vocab.txt"],
            Directory.GetFiles(fixture.ModelDir).Select(Path.GetFileName).Order());
        var (parameters, _, config) = CheckpointDirectory.Load(fixture.ModelDir);
        Assert.Equal(["BookRestaurant", "GetWeather", "PlayMusic", "oos"], config.Labels);
        Assert.Equal(2, config.NumHiddenLayers);
        Assert.Equal(16, config.HiddenSize);
        Assert.Equal(16, parameters.PositionEmbeddings.Rows);
        Assert.Contains("Test accuracy", run.Out);
        Assert.Contains("In-scope accuracy", run.Out);
        Assert.Contains("epoch 3/3", run.Out);
        // Only the checkpoint: no temp or backup directories beside it.
        Assert.DoesNotContain(Directory.GetDirectories(Path.GetDirectoryName(fixture.ModelDir)!), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public void Bad_data_file_is_one_line_error_and_no_output_directory()
    {
        using var temp = new TempDirectory();
        string data = TinyIntentData.WriteDataset(temp["data"]);
        File.AppendAllText(Path.Combine(data, "train.jsonl"), "{\"text\": \"broken\", \n");
        var run = CliRun.Of("train", "--data", data, "--config", fixture.ConfigPath, "--teacher", "none", "--out", temp["out"]);
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: " + Path.Combine(data, "train.jsonl") + ":", line);
        Assert.False(Directory.Exists(temp["out"]));
        Assert.Equal(["data"], Directory.GetDirectories(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Bad_config_is_one_line_error_naming_the_file_and_no_output()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp["bad.json"], "{ \"epochs\": 0 }");
        var run = CliRun.Of("train", "--data", fixture.DataDir, "--config", temp["bad.json"], "--teacher", "none", "--out", temp["out"]);
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.Contains(temp["bad.json"], line);
        Assert.Contains("epochs", line);
        Assert.False(Directory.Exists(temp["out"]));
    }

    [Fact]
    public void Missing_data_is_one_line_error()
    {
        using var temp = new TempDirectory();
        var run = CliRun.Of("train", "--data", temp["nothing"], "--out", temp["out"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {temp["nothing"]}: no such file or directory", Assert.Single(run.ErrorLines));
        Assert.False(Directory.Exists(temp["out"]));
    }

    [Fact]
    public void Refuses_to_overwrite_a_directory_that_is_not_a_checkpoint_before_training()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["keep"]);
        File.WriteAllText(Path.Combine(temp["keep"], "thesis.tex"), "precious");
        var run = CliRun.Of("train", "--data", fixture.DataDir, "--config", fixture.ConfigPath, "--teacher", "none", "--out", temp["keep"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("is not a checkpoint directory", Assert.Single(run.ErrorLines));
        Assert.Equal("", run.Out);
        Assert.Equal(["thesis.tex"], Directory.GetFiles(temp["keep"]).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("train", "--data", "x")]
    [InlineData("train", "--out", "x")]
    [InlineData("train", "--data", "x", "--out", "y", "--bogus")]
    [InlineData("eval", "--model", "m", "--data", "d", "--split", "bogus")]
    [InlineData("eval", "--model", "m", "--data", "d", "--top", "many")]
    [InlineData("classify", "--model", "m")]
    [InlineData("frobnicate")]
    [InlineData]
    public void Usage_errors_exit_2_with_one_line(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith("error: ", line);
        Assert.Contains("--help", line);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Help_exits_0()
    {
        var run = CliRun.Of("train", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("--text-column", run.Out);
    }
}

public class InteractiveProgressTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    /// <summary>The live progress bars (terminal mode) run the same commands to the same result.</summary>
    [Fact]
    public void Train_and_eval_with_live_progress_bars()
    {
        using var temp = new ModelPacker.Tests.Checkpoints.TempDirectory();
        var output = new StringWriter();
        var error = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
        {
            Out = new Spectre.Console.AnsiConsoleOutput(output),
            Ansi = Spectre.Console.AnsiSupport.Yes,
            Interactive = Spectre.Console.InteractionSupport.Yes,
        });
        var env = new ModelPacker.Cli.CliEnvironment { Out = output, Error = error, Console = console, Interactive = true };

        int code = ModelPacker.Cli.CommandTree.Run(["train", "--data", fixture.DataDir, "--config", fixture.ConfigPath, "--teacher", "none", "--out", temp["m"]], env);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("epoch 3/3", output.ToString());
        Assert.Contains("left", output.ToString());
        // Same seed and data as the fixture's non-interactive run: the same weights.
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixture.ModelDir, "model.safetensors")), File.ReadAllBytes(Path.Combine(temp["m"], "model.safetensors")));

        code = ModelPacker.Cli.CommandTree.Run(["eval", "--model", temp["m"], "--data", fixture.DataDir], env);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("Macro-F1", output.ToString());
        Assert.Equal("", error.ToString());
    }
}
