using ModelPacker.Checkpoints;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.Tests.Cli;

/// <summary><c>modelpacker span</c> end to end: it learns spans, the checkpoint stores them, pack cuts them into the image.</summary>
public class SpanCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void SpanLearnsSpansThatPackWritesIntoTheImage()
    {
        string tuned = fixture.Path("span"), image = fixture.Path("span.nii"), config = fixture.Path("span.json");
        File.WriteAllText(config, """{"epochs": 1, "attention_span": {"ramp": 2, "penalty": 0.05, "learning_rate": 1.0}}""");
        Assert.Equal(0, fixture.Train.ExitCode);
        var run = CliRun.Of("span", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", tuned, "--config", config);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("hard spans:", run.Out);
        var p = CheckpointDirectory.Load(tuned).Parameters;
        Assert.Equal(2f, p.Config.AttentionSpan!.Ramp);
        int max = p.Config.MaxPositionEmbeddings;
        Assert.All(p.AttentionSpan!.Data, z => Assert.InRange(z, -1f, max - 1f)); // moved down from max_positions, not below 1 − ramp
        run = CliRun.Of("pack", "--model", tuned, "--calibration-data", fixture.DataDir, "--out", image, "--test-vectors", "4");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(0, CliRun.Of("verify", image).ExitCode);
        var spans = IntegerImage.Read(image).Model.AttentionSpans!;
        Assert.Equal(p.AttentionSpan.Data.Select(z => (int)Math.Ceiling(z + 2f)), spans);
        Assert.Contains($"Attention spans (", CliRun.Of("inspect", image).Out);
        // an image of the same model without spans has no ATTENTION_SPAN section
        run = CliRun.Of("pack", "--model", fixture.ModelDir, "--calibration-data", fixture.DataDir, "--out", fixture.Path("plain.nii"), "--test-vectors", "0");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Null(IntegerImage.Read(fixture.Path("plain.nii")).Model.AttentionSpans);
        Assert.Equal(2, CliRun.Of("span", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", fixture.ModelDir).ExitCode);
    }
}
