using System.Text.Json.Nodes;
using ModelPacker.Checkpoints;
using ModelPacker.Tests.Checkpoints;

namespace ModelPacker.Tests.Cli;

/// <summary>Multi-step distillation through the CLI: a run with full-precision layer inputs (--activation none), then a
/// w1a1 run started from it (--init); only the second packs.</summary>
public class MultiStepBinarizeTests(BinarizeFixture fixture) : IClassFixture<BinarizeFixture>
{
    [Fact]
    public void A_none_step_trains_refuses_to_pack_and_starts_a_w1a1_run()
    {
        Assert.True(fixture.Teacher.ExitCode == 0, fixture.Teacher.Error);
        using var temp = new TempDirectory();
        var first = CliRun.Of("binarize", "--teacher", fixture.TeacherDir, "--data", fixture.DataDir, "--config", fixture.StudentConfig,
            "--activation", "none", "--out", temp["step1"]);
        Assert.True(first.ExitCode == 0, first.Error);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(temp["step1"], "config.json")))!;
        Assert.Equal("none", (string?)config["binarization"]!["activation_binarizer"]);

        var pack = CliRun.Of("pack", "--model", temp["step1"], "--calibration-data", fixture.DataDir, "--out", temp["x.nii"]);
        Assert.Equal(2, pack.ExitCode);
        string error = Assert.Single(pack.ErrorLines);
        Assert.Contains(Path.Combine(temp["step1"], "config.json"), error);
        Assert.Contains("layer inputs are not binarized", error);
        Assert.False(File.Exists(temp["x.nii"]));

        var second = CliRun.Of("binarize", "--teacher", fixture.TeacherDir, "--data", fixture.DataDir, "--config", fixture.StudentConfig,
            "--activation", "sign", "--init", temp["step1"], "--out", temp["step2"]);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Contains("started from --init", second.Out);
        var packed = CliRun.Of("pack", "--model", temp["step2"], "--calibration-data", fixture.DataDir, "--test-vectors", "2", "--out", temp["y.nii"]);
        Assert.True(packed.ExitCode == 0, packed.Error);

        // the first step as the teacher assistant of another second step
        var assisted = CliRun.Of("binarize", "--teacher", fixture.TeacherDir, "--data", fixture.DataDir, "--config", fixture.StudentConfig,
            "--activation", "sign", "--init", temp["step1"], "--assistant", temp["step1"], "--out", temp["step2a"]);
        Assert.True(assisted.ExitCode == 0, assisted.Error);
        Assert.Contains("from the --assistant", assisted.Out);
        Assert.True(File.Exists(Path.Combine(temp["step2a"], "model.safetensors")));
    }

    [Fact]
    public void An_fp32_assistant_is_a_one_line_error_before_training()
    {
        using var temp = new TempDirectory();
        var run = CliRun.Of("binarize", "--teacher", fixture.TeacherDir, "--data", fixture.DataDir, "--assistant", fixture.TeacherDir, "--out", temp["out"]);
        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.Equal($"error: {Path.Combine(fixture.TeacherDir, "config.json")}: --assistant needs a binarized checkpoint (a binarize run)", line);
        Assert.False(Directory.Exists(temp["out"]));
    }

    [Fact]
    public void Init_from_an_fp32_checkpoint_is_a_one_line_error_before_training()
    {
        using var temp = new TempDirectory();
        var run = CliRun.Of("binarize", "--teacher", fixture.TeacherDir, "--data", fixture.DataDir, "--init", fixture.TeacherDir, "--out", temp["out"]);
        Assert.Equal(1, run.ExitCode);
        string line = Assert.Single(run.ErrorLines);
        Assert.Equal($"error: {Path.Combine(fixture.TeacherDir, "config.json")}: --init needs a binarized checkpoint (a binarize run)", line);
        Assert.False(Directory.Exists(temp["out"]));
    }
}
