using System.Text.Json;
using ModelPacker.Checkpoints;
using ModelPacker.Evaluation;

namespace ModelPacker.Tests.Cli;

public class ClassifyCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void Json_gives_intent_confidence_and_every_exit_entropy()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        var run = CliRun.Of("classify", "--model", fixture.ModelDir, "--json", "play some jazz please");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;

        var classifier = new CheckpointClassifier(CheckpointDirectory.Load(fixture.ModelDir));
        var logits = classifier.Classify(classifier.Encode("play some jazz please"));
        var exits = root.GetProperty("exits").EnumerateArray().ToList();
        Assert.Equal(logits.Length, exits.Count);
        for (int l = 0; l < logits.Length; l++)
        {
            var p = ExitStatistics.Softmax(logits[l]);
            int top = ExitStatistics.ArgMax(logits[l]);
            Assert.Equal(l + 1, exits[l].GetProperty("layer").GetInt32());
            Assert.Equal(classifier.Labels[top], exits[l].GetProperty("intent").GetString());
            Assert.Equal(p[top], exits[l].GetProperty("confidence").GetDouble(), 12);
            Assert.Equal(ExitStatistics.Entropy(p), exits[l].GetProperty("entropy").GetDouble(), 12);
            Assert.InRange(exits[l].GetProperty("entropy").GetDouble(), 0, Math.Log(classifier.Labels.Count) + 1e-9);
        }
        Assert.Equal(exits[^1].GetProperty("intent").GetString(), root.GetProperty("intent").GetString());
        Assert.Equal(exits[^1].GetProperty("confidence").GetDouble(), root.GetProperty("confidence").GetDouble());
    }

    [Fact]
    public void Text_output_names_intent_confidence_and_entropy_per_layer()
    {
        var run = CliRun.Of("classify", "--model", fixture.ModelDir, "what is the weather in rome");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Intent", run.Out);
        Assert.Contains("Confidence", run.Out);
        Assert.Contains("entropy (nats)", run.Out);
    }

    [Fact]
    public void Empty_text_is_a_usage_error()
    {
        var run = CliRun.Of("classify", "--model", fixture.ModelDir, "   ");
        Assert.Equal(2, run.ExitCode);
        Assert.Equal("error: the text to classify is empty", Assert.Single(run.ErrorLines));
    }
}
