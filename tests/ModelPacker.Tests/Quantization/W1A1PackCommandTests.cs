using ModelPacker.Encodings;
using ModelPacker.Evaluation;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>A tiny w1a1 checkpoint (binarize, through the CLI) packed to a scheme-W1A1 image and run by every
/// command that takes an image; its test vectors through the C runtime.</summary>
public class W1A1PackCommandTests(BinarizeFixture fixture) : IClassFixture<BinarizeFixture>
{
    private string Pack(string name, params string[] extra)
    {
        Assert.True(fixture.Student.ExitCode == 0, fixture.Student.Error);
        string path = fixture.Path(name);
        var run = CliRun.Of(["pack", "--model", fixture.StudentDir, "--calibration-data", fixture.DataDir, "--out", path, .. extra]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("w1a1: V=", run.Out);
        return path;
    }

    [Fact]
    public void PackWritesAW1A1ImageWhoseVectorsTheCRuntimeReproduces()
    {
        string path = Pack("w1a1.nii", "--scheme", "w1a1", "--test-vectors", "8");
        var image = IntegerImage.Read(path);
        Assert.Equal(SchemeId.W1A1, image.Model.Dims.Scheme);
        foreach (var (id, t) in image.Model.Tensors())
            Assert.Equal(Schemes.W1A1.EncodingOf(id), t.Encoding);
        Assert.Equal(TensorEncoding.Int8Row, image.Model.Exits[0].Classifier.Encoding);
        Assert.Equal(8, image.TestVectors!.Count);
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("8 test vectors match", verify.Out);
        NativeImage.AssertReproducesTestVectors(path, "cli-tiny-w1a1.nii");

        var inspect = CliRun.Of("inspect", path);
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.Contains("scheme w1a1", inspect.Out);
        Assert.Contains("binary", inspect.Out);
    }

    [Fact]
    public void TheSchemeComesFromTheCheckpointAndAContradictingSchemeIsAOneLineError()
    {
        var image = IntegerImage.Read(Pack("detected.nii", "--test-vectors", "2"));
        Assert.Equal(SchemeId.W1A1, image.Model.Dims.Scheme);

        string out1 = fixture.Path("refused.nii");
        var run = CliRun.Of("pack", "--model", fixture.TeacherDir, "--scheme", "w1a1", "--calibration-data", fixture.DataDir, "--out", out1);
        Assert.NotEqual(0, run.ExitCode);
        string error = Assert.Single(run.ErrorLines);
        Assert.Contains(Path.Combine(fixture.TeacherDir, "config.json"), error);
        Assert.Contains("--scheme w1a1 needs a binarized checkpoint", error);
        Assert.False(File.Exists(out1));

        run = CliRun.Of("pack", "--model", fixture.StudentDir, "--scheme", "int8", "--calibration-data", fixture.DataDir, "--out", out1);
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("cannot pack a binarized (w1a1) checkpoint", Assert.Single(run.ErrorLines));
        Assert.False(File.Exists(out1));
    }

    [Fact]
    public void EvalCalibrateAndClassifyRunTheImageAndItFollowsTheFloatCheckpoint()
    {
        string path = Pack("eval.nii", "--test-vectors", "0");
        var eval = CliRun.Of("eval", "--model", path, "--data", fixture.DataDir, "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var doc = System.Text.Json.JsonDocument.Parse(eval.Out);
        var image = IntegerImage.Read(path);
        var data = ModelPacker.Data.DatasetLoader.Load(fixture.DataDir);
        var classifier = image.Classifier();
        var report = Evaluator.Evaluate(classifier, data.Test, null, default);
        Assert.Equal(report.Accuracy, doc.RootElement.GetProperty("accuracy").GetDouble(), 9);

        // The integer image against the binarized float model it was quantized from: same predictions on most
        // utterances (the int8 sites in between flip only inputs that sit at a binarizer's threshold).
        var student = ModelPacker.Checkpoints.CheckpointDirectory.Load(fixture.StudentDir);
        var floatModel = new CheckpointClassifier(student.Parameters, student.Vocabulary);
        int agree = data.Test.Count(e => Predict(floatModel, e.Text) == Predict(classifier, e.Text));
        Assert.True(agree >= 0.8 * data.Test.Count, $"{agree} of {data.Test.Count} predictions agree");

        var calibrate = CliRun.Of("calibrate", "--image", path, "--data", fixture.DataDir, "--split", "test", "--max-accuracy-drop", "0");
        Assert.True(calibrate.ExitCode == 0, calibrate.Error);
        Assert.Contains("mean layers", calibrate.Out);
        var calibrated = IntegerImage.Read(path);
        Assert.Equal(FlashImageFormat.FlagThresholdsCalibrated, calibrated.Flags & FlashImageFormat.FlagThresholdsCalibrated);
        var early = EarlyExitStatistics.Measure(calibrated.Classifier(), data.Test);
        Assert.Equal(report.Accuracy, early.Accuracy, 6);

        var classify = CliRun.Of("classify", "--model", path, "--json", data.Test[0].Text);
        Assert.True(classify.ExitCode == 0, classify.Error);
        using var c = System.Text.Json.JsonDocument.Parse(classify.Out);
        // The image's last exit gives the reference's answer; the answer is the exit the device stopped at.
        var exits = c.RootElement.GetProperty("exits").EnumerateArray().ToArray();
        Assert.Equal(classifier.Labels[Predict(classifier, data.Test[0].Text)], exits[^1].GetProperty("intent").GetString());
        int stopped = c.RootElement.GetProperty("exit_layer").GetInt32();
        Assert.Equal(exits[stopped - 1].GetProperty("intent").GetString(), c.RootElement.GetProperty("intent").GetString());
    }

    /// <summary>The last exit's argmax.</summary>
    private static int Predict(IIntentClassifier c, string text)
    {
        var logits = c.Classify(c.Encode(text))[^1];
        return Array.IndexOf(logits, logits.Max());
    }
}
