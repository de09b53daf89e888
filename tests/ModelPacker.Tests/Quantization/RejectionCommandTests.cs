using System.Text.Json;
using ModelPacker.Data;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>
/// Out-of-scope rejection through the command tree on the CLI fixture's tiny model (its data has an <c>oos</c>
/// class): calibrate stores the rule the sweep chooses on the device loop's answers, the test vectors' answers follow
/// it in C# and in C, and eval and classify report what the stored rule does.
/// </summary>
public class RejectionCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private string Pack(string name)
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string path = fixture.Path(name);
        var run = CliRun.Of("pack", "--model", fixture.ModelDir, "--scheme", "int8", "--calibration-data", fixture.DataDir, "--test-vectors", "8", "--out", path);
        Assert.True(run.ExitCode == 0, run.Error);
        return path;
    }

    /// <summary>What the device loop answers on the split, computed here from the image (not by calibrate).</summary>
    private static List<RejectionSample> DeviceSamples(IntegerImage image, IReadOnlyList<IntentExample> examples)
    {
        var c = image.Classifier();
        return examples.Select(e =>
        {
            var final = c.ClassifyEarlyExit(c.Encode(e.Text)).Final;
            return new RejectionSample(final.Predicted, image.Labels.ToList().IndexOf(e.Label), e.Label == IntentDataset.OutOfScopeLabel,
                final.EntropyQ16, c.ConfidenceQ16(final));
        }).ToList();
    }

    [Fact]
    public void CalibrateStoresTheChosenRuleAndEvalAndClassifyAnswerWithIt()
    {
        string path = Pack("reject.nii");
        // the fixture's model, trained for a second, hardly tells its classes apart: any bound below 100 points keeps
        // every answer, so let the bound allow everything to see unknown answers at all
        var run = CliRun.Of("calibrate", "--image", path, "--data", fixture.DataDir, "--split", "test", "--max-in-scope-drop", "100");
        Assert.True(run.ExitCode == 0, run.Error);
        var image = IntegerImage.Read(path);
        var test = DatasetLoader.Load(fixture.DataDir).Test;
        var samples = DeviceSamples(image, test);
        int oos = image.Labels.ToList().IndexOf(IntentDataset.OutOfScopeLabel);
        Assert.True(oos >= 0);
        var want = RejectionSweep.Choose(samples, RejectKind.Entropy, oos, 1.0);
        Assert.Equal(want.Rule, image.Rejection);
        Assert.Contains("out-of-scope rejection: unknown when " + want.Rule.Describe(image.Labels), run.Out);
        Assert.Contains("confidence < ", run.Out); // the other kind's point, for comparison

        // the test vectors' answers follow the new rule, in the C# reference (verify) and in C
        Assert.True(CliRun.Of("verify", path).ExitCode == 0);
        using (var native = NativeImage.Open(File.ReadAllBytes(path)))
            foreach (var v in image.TestVectors!)
                for (int l = 0; l < v.Logits.Length; l++)
                {
                    Assert.Equal(image.Classifier().Answer(new ExitOutput(v.Logits[l], v.Entropies[l])), v.Answers![l]);
                    Assert.Equal(v.Answers[l], native.Answer(v.Logits[l], v.Entropies[l]));
                }

        // eval: Larson et al.'s in-scope accuracy and out-of-scope recall of the stored rule's answers
        var eval = CliRun.Of("eval", "--model", path, "--data", fixture.DataDir, "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        var answers = JsonDocument.Parse(eval.Out).RootElement.GetProperty("answers");
        var scored = RejectionSweep.Evaluate(samples, image.Rejection);
        Assert.Equal(scored.InScopeAccuracy, answers.GetProperty("in_scope_accuracy").GetDouble(), 9);
        Assert.Equal(scored.OutOfScopeRecall!.Value, answers.GetProperty("out_of_scope_recall").GetDouble(), 9);
        Assert.Equal(scored.InScopeRejectedShare, answers.GetProperty("in_scope_unknown").GetDouble(), 9);
        // early-exit accuracy over the in-scope utterances alone: the label the device loop ends at, rejection aside
        var classifier = image.Classifier();
        var inScope = test.Where(e => e.Label != IntentDataset.OutOfScopeLabel).ToList();
        Assert.True(inScope.Count > 0 && inScope.Count < test.Count);
        int inScopeRight = inScope.Count(e => classifier.Labels[classifier.ClassifyEarlyExit(classifier.Encode(e.Text)).Final.Predicted] == e.Label);
        Assert.Equal(inScopeRight / (double)inScope.Count, JsonDocument.Parse(eval.Out).RootElement.GetProperty("early_exit_in_scope_accuracy").GetDouble(), 12);

        // classify: the reserved answer exactly where the rule says so, and the model's label elsewhere
        var c = image.Classifier();
        int unknown = 0;
        foreach (var e in test)
        {
            var r = CliRun.Of("classify", "--model", path, "--json", e.Text);
            Assert.True(r.ExitCode == 0, r.Error);
            var j = JsonDocument.Parse(r.Out).RootElement;
            int answer = c.Answer(c.ClassifyEarlyExit(c.Encode(e.Text)).Final);
            Assert.Equal(answer == RejectionRule.Unknown, j.GetProperty("unknown").GetBoolean());
            Assert.Equal(answer == RejectionRule.Unknown ? RejectionRule.UnknownName : image.Labels[answer], j.GetProperty("intent").GetString());
            if (answer == RejectionRule.Unknown) unknown++;
        }
        Assert.True(unknown > 0, "no test utterance answered unknown");
        Assert.Equal(scored.OutOfScopeCaught + scored.InScopeRejected, unknown);
    }

    [Fact]
    public void RejectionIsOffWhenAskedAndByDefaultOnDataWithoutOutOfScopeUtterances()
    {
        string path = Pack("reject-off.nii");
        var off = CliRun.Of("calibrate", "--image", path, "--data", fixture.DataDir, "--split", "test", "--reject", "off");
        Assert.True(off.ExitCode == 0, off.Error);
        Assert.Equal(RejectionRule.None, IntegerImage.Read(path).Rejection);

        // the same data without its oos utterances
        string dir = fixture.Path("no-oos");
        Directory.CreateDirectory(dir);
        foreach (var f in new[] { "train.jsonl", "test.jsonl" })
            File.WriteAllLines(Path.Combine(dir, f), File.ReadAllLines(Path.Combine(fixture.DataDir, f)).Where(l => !l.Contains("\"oos\"")));
        var auto = CliRun.Of("calibrate", "--image", path, "--data", dir, "--split", "test");
        Assert.True(auto.ExitCode == 0, auto.Error);
        Assert.Contains("out-of-scope rejection: off (no out-of-scope utterances", auto.Out);
        Assert.Equal(RejectionRule.None, IntegerImage.Read(path).Rejection);

        // asked for, it rejects the most in-scope answers the bound allows (here: none may be lost)
        var asked = CliRun.Of("calibrate", "--image", path, "--data", dir, "--split", "test", "--reject", "confidence", "--max-in-scope-drop", "0");
        Assert.True(asked.ExitCode == 0, asked.Error);
        var image = IntegerImage.Read(path);
        var samples = DeviceSamples(image, DatasetLoader.Load(dir).Test);
        var want = RejectionSweep.Choose(samples, RejectKind.Confidence, image.Labels.ToList().IndexOf(IntentDataset.OutOfScopeLabel), 0);
        Assert.Equal(want.Rule, image.Rejection);
        Assert.Equal(RejectionSweep.Evaluate(samples, RejectionSweep.Never(RejectKind.Confidence, want.Rule.UnknownLabel)).InScopeCorrect,
            want.InScopeCorrect);
    }

    [Fact]
    public void ABoundOutsideItsRangeIsAUsageError()
    {
        string path = Pack("reject-usage.nii");
        var run = CliRun.Of("calibrate", "--image", path, "--data", fixture.DataDir, "--max-in-scope-drop", "101");
        Assert.Equal(ModelPacker.Cli.ExitCodes.Usage, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.Contains("--max-in-scope-drop", run.Error);
    }
}
