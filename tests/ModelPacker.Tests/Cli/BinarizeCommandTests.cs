using System.Text.Json.Nodes;
using ModelPacker.Checkpoints;
using ModelPacker.Tests.Checkpoints;

namespace ModelPacker.Tests.Cli;

/// <summary>A teacher whose sizes the w1a1 scheme accepts (multiples of 32), and its student, both through the CLI.</summary>
public sealed class BinarizeFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public BinarizeFixture()
    {
        DataDir = TinyIntentData.WriteDataset(_temp["data"]);
        File.WriteAllText(_temp["teacher.json"], """
            { "vocab_size": 64, "embedding_size": 32, "hidden_size": 32, "num_attention_heads": 1, "intermediate_size": 32,
              "num_hidden_layers": 2, "max_length": 16, "epochs": 3, "batch_size": 8, "min_token_frequency": 1 }
            """);
        File.WriteAllText(StudentConfig, """
            { "epochs": 2, "batch_size": 8, "learning_rate": 0.002, "binarize": { "calibration_utterances": 16, "hidden_weight": 1, "dmd_weight": 0.5 } }
            """);
        Teacher = CliRun.Of("train", "--data", DataDir, "--config", _temp["teacher.json"], "--teacher", "none", "--out", TeacherDir);
        Student = CliRun.Of("binarize", "--teacher", TeacherDir, "--data", DataDir, "--config", StudentConfig, "--activation", "elastic", "--out", StudentDir);
    }

    public string DataDir { get; }
    public string TeacherDir => _temp["teacher"];
    public string StudentDir => _temp["student"];
    public string StudentConfig => _temp["student.json"];
    internal CliRun Teacher { get; }
    internal CliRun Student { get; }
    public string Path(string name) => _temp[name];
    public void Dispose() => _temp.Dispose();
}

public class BinarizeCommandTests(BinarizeFixture fixture, CliFixture small) : IClassFixture<BinarizeFixture>, IClassFixture<CliFixture>
{
    [Fact]
    public void Binarize_writes_a_w1a1_checkpoint_with_its_binarizers_and_training_config()
    {
        Assert.True(fixture.Teacher.ExitCode == 0, fixture.Teacher.Error);
        var run = fixture.Student;
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        Assert.Contains("Test accuracy", run.Out);
        Assert.Contains("epoch 2/2", run.Out);
        Assert.Equal(["config.json", "model.safetensors", "train_config.json", "vocab.txt"],
            Directory.GetFiles(fixture.StudentDir).Select(System.IO.Path.GetFileName).Order());
        var config = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(fixture.StudentDir, "config.json")))!;
        Assert.Equal("w1a1", (string?)config["binarization"]!["scheme"]);
        Assert.Equal("elastic", (string?)config["binarization"]!["activation_binarizer"]); // --activation overrides the default
        var train = JsonNode.Parse(File.ReadAllText(System.IO.Path.Combine(fixture.StudentDir, "train_config.json")))!;
        Assert.Equal(0.5, (double)train["binarize"]!["dmd_weight"]!);
        Assert.Equal(32, (int)train["hidden_size"]!); // the teacher's shape
        var names = SafeTensorsReader.Read(System.IO.Path.Combine(fixture.StudentDir, "model.safetensors")).Entries.Select(e => e.Name).ToList();
        Assert.Contains("albert.encoder.albert_layer_groups.0.albert_layers.0.attention.qkv.act_alpha", names);
        Assert.Contains("albert.pooler.act_beta", names);
        Assert.Equal(File.ReadAllText(System.IO.Path.Combine(fixture.TeacherDir, "vocab.txt")),
            File.ReadAllText(System.IO.Path.Combine(fixture.StudentDir, "vocab.txt")));
    }

    [Fact]
    public void Eval_scores_the_binarized_checkpoint()
    {
        Assert.True(fixture.Student.ExitCode == 0, fixture.Student.Error);
        var run = CliRun.Of("eval", "--model", fixture.StudentDir, "--data", fixture.DataDir, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var json = JsonNode.Parse(run.Out)!;
        Assert.Equal(TinyIntentData.TestCount, (int)json["n"]!);
        // the reloaded checkpoint scores what binarize reported for the model in memory: it runs binarized again
        double accuracy = (double)json["accuracy"]!;
        var correct = (int)Math.Round(accuracy * TinyIntentData.TestCount);
        Assert.Matches($@"Test accuracy\s+{System.Text.RegularExpressions.Regex.Escape($"{accuracy:P2} ({correct}/{TinyIntentData.TestCount})")}",
            fixture.Student.Out);
    }

    [Fact]
    public void Teacher_with_sizes_the_scheme_cannot_hold_is_a_one_line_error_before_training()
    {
        using var temp = new TempDirectory();
        var run = CliRun.Of("binarize", "--teacher", small.ModelDir, "--data", small.DataDir, "--out", temp["out"]);
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"error: {System.IO.Path.Combine(small.ModelDir, "config.json")}: embedding_size 8 is not a multiple of 32", line);
        Assert.False(Directory.Exists(temp["out"]));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void A_binarized_teacher_is_refused()
    {
        using var temp = new TempDirectory();
        var run = CliRun.Of("binarize", "--teacher", fixture.StudentDir, "--data", fixture.DataDir, "--out", temp["out"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("already binarized", Assert.Single(run.ErrorLines));
        Assert.False(Directory.Exists(temp["out"]));
    }

    [Fact]
    public void Bad_binarize_section_names_the_file_and_key()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp["bad.json"], """{ "binarize": { "kd_temperature": 0 } }""");
        var run = CliRun.Of("binarize", "--teacher", fixture.TeacherDir, "--data", fixture.DataDir, "--config", temp["bad.json"], "--out", temp["out"]);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {temp["bad.json"]}: binarize.kd_temperature must be positive", Assert.Single(run.ErrorLines));
        Assert.False(Directory.Exists(temp["out"]));
    }

    [Theory]
    [InlineData("binarize", "--data", "d", "--out", "o")]
    [InlineData("binarize", "--teacher", "t", "--data", "d", "--out", "o", "--activation", "relu")]
    public void Usage_errors_exit_2_with_one_line(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--help", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void Out_equal_to_teacher_is_a_usage_error()
    {
        var run = CliRun.Of("binarize", "--teacher", fixture.TeacherDir, "--data", fixture.DataDir, "--out", fixture.TeacherDir);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: --out must differ from --teacher", Assert.Single(run.ErrorLines));
    }
}
