using ModelPacker.Checkpoints;
using ModelPacker.Evaluation;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>pack, verify and calibrate through the command tree, on the tiny model the CLI fixture trains.</summary>
public class PackCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private string Pack(string name, params string[] extra)
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string path = fixture.Path(name);
        var run = CliRun.Of(["pack", "--model", fixture.ModelDir, "--scheme", "int8", "--calibration-data", fixture.DataDir, "--out", path, .. extra]);
        Assert.True(run.ExitCode == 0, run.Error);
        return path;
    }

    [Fact]
    public void PackWritesAVerifiableImageWhoseVectorsTheCRuntimeReproduces()
    {
        string path = Pack("tiny.nii", "--test-vectors", "6");
        var image = IntegerImage.Read(path);
        Assert.Equal(6, image.TestVectors!.Count);
        Assert.Contains(image.TestVectors, v => v.Tokens.Length == image.Model.Dims.MaxPositions);
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("6 test vectors match", verify.Out);

        // The C step API on the very same bytes; the image stays for ctest runtime_vectors (host and QEMU).
        NativeImage.AssertReproducesTestVectors(path, "cli-tiny.nii");
    }

    [Fact]
    public void VerifyFailsInOneLineWhenExpectationsAreWrongEvenWithValidChecksums()
    {
        string path = Pack("tampered.nii", "--test-vectors", "3");
        var content = ImageReader.ReadFile(path).Content;
        var vectors = content.TestVectors!;
        int expected = vectors[0].Logits[0][0], entropy = vectors[2].Entropies[1];
        vectors[0].Logits[0][0] += 1;
        vectors[2].Entropies[1] -= 1;
        ImageWriter.Write(content, path);   // valid CRCs and SHA-256, wrong expectations
        int labels = vectors[0].Logits[0].Length;

        var verify = CliRun.Of("verify", path);
        Assert.Equal(1, verify.ExitCode);
        string error = Assert.Single(verify.ErrorLines);
        Assert.StartsWith($"error: {path}: 2 of 3 test vectors do not match the integer reference", error);
        Assert.EndsWith($"first: test vector 0 layer 0: logit 0 is {expected}, expected {expected + 1} (1 of {labels} logits differ)", error);
        Assert.DoesNotContain("mismatch:", verify.Out);

        var detailed = CliRun.Of("verify", "--details", path);
        Assert.Equal(1, detailed.ExitCode);
        Assert.Equal(error, Assert.Single(detailed.ErrorLines));
        var lines = detailed.Out.Split('\n').Where(l => l.StartsWith("mismatch:")).ToList();
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("mismatch: test vector 0 layer 0: logit 0", lines[0]);
        Assert.Equal($"mismatch: test vector 2 layer 1: entropy_q16 is {entropy}, expected {entropy - 1}", lines[1]);
    }

    [Fact]
    public void PackRefusesABoardTheImageDoesNotFitWithBothNumbers()
    {
        string boards = fixture.Path("boards");
        Directory.CreateDirectory(boards);
        Board(boards, "tiny-board", 42, 4096, 1000000);
        Board(boards, "small-ram", 43, 100000000, 1024);
        string out1 = fixture.Path("board.nii");
        var run = CliRun.Of("pack", "--model", fixture.ModelDir, "--calibration-data", fixture.DataDir, "--board", "tiny-board", "--boards-dir", boards, "--out", out1);
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"error: image of [\d,]+ bytes does not fit board tiny-board: its flash budget is 4,096 bytes", run.Error);
        Assert.False(File.Exists(out1));
        run = CliRun.Of("pack", "--model", fixture.ModelDir, "--calibration-data", fixture.DataDir, "--board", "small-ram", "--boards-dir", boards, "--out", out1);
        Assert.Equal(1, run.ExitCode);
        Assert.Matches(@"arena of [\d,]+ bytes does not fit board small-ram: its RAM budget is 1,024 bytes", run.Error);
        Board(boards, "roomy", 44, 100000000, 1000000);
        run = CliRun.Of("pack", "--model", fixture.ModelDir, "--calibration-data", fixture.DataDir, "--board", "roomy", "--boards-dir", boards, "--out", out1);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(44u, IntegerImage.Read(out1).BoardId);
        Assert.Contains("arena (RAM)", run.Out);
    }

    private static void Board(string dir, string name, int id, long flashBudget, long ramBudget) =>
        File.WriteAllText(Path.Combine(dir, name + ".json"),
            $$"""{ "name": "{{name}}", "id": {{id}}, "cpu": "cortex-m4", "cores": 1, "clock_hz": 100000000, "flash_bytes": 200000000, "sram_bytes": 2000000, "flash_address": "0x08000000", "flash_budget_bytes": {{flashBudget}}, "ram_budget_bytes": {{ramBudget}} }""");

    [Fact]
    public void CalibrateWritesThresholdsThatKeepAccuracyAndSetsTheFlag()
    {
        string path = Pack("calibrated.nii");
        var run = CliRun.Of("calibrate", "--image", path, "--data", fixture.DataDir, "--split", "test", "--max-accuracy-drop", "0");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("mean layers", run.Out);
        var image = IntegerImage.Read(path);
        Assert.Equal(FlashImageFormat.FlagThresholdsCalibrated, image.Flags & FlashImageFormat.FlagThresholdsCalibrated);
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Error);
        // With no accuracy drop allowed, early exit must score what full depth scores on that split.
        var classifier = image.Classifier();
        var data = ModelPacker.Data.DatasetLoader.Load(fixture.DataDir);
        var early = EarlyExitStatistics.Measure(classifier, data.Test);
        var full = Evaluator.Evaluate(classifier, data.Test, null, default);
        Assert.Equal(full.Accuracy, early.Accuracy, 6);
        // The printed trade-off is the one the device loop gets with the thresholds written into the image.
        string thresholds = string.Join(" ", image.ThresholdsQ16.Select(t => (t / 65536.0).ToString("F4", System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Contains(FormattableString.Invariant(
            $"full depth: accuracy {full.Accuracy:P2}, {image.Model.Dims.NumLayers} layers; chosen: accuracy {early.Accuracy:P2}, mean {early.MeanLayers:F2} layers; thresholds (nats) {thresholds}"),
            run.Out);
    }

    [Fact]
    public void CalibrateWithoutEarlyExitStoresThresholdsThatRunEveryLayer()
    {
        string path = Pack("no-early-exit.nii");
        var data = ModelPacker.Data.DatasetLoader.Load(fixture.DataDir);
        // Allowed any loss, calibrate stops early on this image: so the flag below has exits to remove.
        var loose = CliRun.Of("calibrate", "--image", path, "--data", fixture.DataDir, "--split", "test", "--max-accuracy-drop", "100");
        Assert.True(loose.ExitCode == 0, loose.Error);
        Assert.Contains(IntegerImage.Read(path).ThresholdsQ16, t => t > 0);
        Assert.True(EarlyExitStatistics.Measure(IntegerImage.Read(path).Classifier(), data.Test).MeanLayers < IntegerImage.Read(path).Model.Dims.NumLayers);

        var run = CliRun.Of("calibrate", "--image", path, "--data", fixture.DataDir, "--split", "test", "--no-early-exit");
        Assert.True(run.ExitCode == 0, run.Error);
        var image = IntegerImage.Read(path);
        Assert.All(image.ThresholdsQ16, t => Assert.Equal(0, t));
        Assert.Equal(FlashImageFormat.FlagThresholdsCalibrated, image.Flags & FlashImageFormat.FlagThresholdsCalibrated);
        Assert.Equal(image.Model.Dims.NumLayers, EarlyExitStatistics.Measure(image.Classifier(), data.Test).MeanLayers, 9);

        var both = CliRun.Of("calibrate", "--image", path, "--data", fixture.DataDir, "--no-early-exit", "--max-accuracy-drop", "0");
        Assert.NotEqual(0, both.ExitCode);
        Assert.Contains("--no-early-exit and --max-accuracy-drop", both.Error);
    }

    [Fact]
    public void EvalAndClassifyRunAnImageWithTheIntegerRuntime()
    {
        string path = Pack("eval.nii");
        var eval = CliRun.Of("eval", "--model", path, "--data", fixture.DataDir, "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        using var doc = System.Text.Json.JsonDocument.Parse(eval.Out);
        var image = IntegerImage.Read(path);
        var data = ModelPacker.Data.DatasetLoader.Load(fixture.DataDir);
        var report = Evaluator.Evaluate(image.Classifier(), data.Test, null, default);
        Assert.Equal(report.Accuracy, doc.RootElement.GetProperty("accuracy").GetDouble(), 9);
        Assert.True(doc.RootElement.TryGetProperty("mean_layers", out _));
        var classify = CliRun.Of("classify", "--model", path, "--json", "play some jazz please");
        Assert.True(classify.ExitCode == 0, classify.Error);
        using var c = System.Text.Json.JsonDocument.Parse(classify.Out);
        Assert.Equal(image.Model.Dims.NumLayers, c.RootElement.GetProperty("exit_layer").GetInt32()); // thresholds 0: full depth
    }

    [Fact]
    public void ClassifyOnAnImagePrintsTheRuntimesQ16EntropyAndExitsWhereItIsBelowTheThreshold()
    {
        const string text = "play some jazz please";
        var packed = IntegerImage.Read(Pack("entropy.nii"));
        var classifier = packed.Classifier();
        var runtime = classifier.RunAll(classifier.Encode(text));
        int e0 = runtime[0].EntropyQ16;

        // Threshold one above layer 1's entropy: the device stops there; equal to it: it does not (strict <).
        foreach (var (threshold0, exitLayer) in new[] { (e0 + 1, 1), (e0, 2) })
        {
            string path = fixture.Path($"entropy-{threshold0}.nii");
            int[] thresholds = [threshold0, 0];
            File.WriteAllBytes(path, new IntegerImage
            {
                Model = packed.Model, Vocabulary = packed.Vocabulary, Labels = packed.Labels, ThresholdsQ16 = thresholds,
            }.Build());

            var run = CliRun.Of("classify", "--model", path, "--json", text);
            Assert.True(run.ExitCode == 0, run.Error);
            using var doc = System.Text.Json.JsonDocument.Parse(run.Out);
            Assert.Equal(exitLayer, doc.RootElement.GetProperty("exit_layer").GetInt32());
            var exits = doc.RootElement.GetProperty("exits").EnumerateArray().ToList();
            Assert.Equal(runtime.Length, exits.Count);
            for (int l = 0; l < runtime.Length; l++)
            {
                Assert.Equal(runtime[l].EntropyQ16, exits[l].GetProperty("entropy_q16").GetInt32());
                Assert.Equal(runtime[l].EntropyQ16 / 65536.0, exits[l].GetProperty("entropy").GetDouble()); // exact, not the float softmax
                Assert.Equal(thresholds[l], exits[l].GetProperty("threshold_q16").GetInt32());
            }

            var table = CliRun.Of("classify", "--model", path, text);
            Assert.True(table.ExitCode == 0, table.Error);
            Assert.Contains($"{exitLayer} of 2 (early exit, integer runtime)", table.Out);
            Assert.Contains(FormattableString.Invariant($"{e0 / 65536.0:F4} ({e0})"), table.Out);
            Assert.Contains(FormattableString.Invariant($"{threshold0 / 65536.0:F4} ({threshold0})"), table.Out);
        }
    }

    [Fact]
    public void PackFailsWithOneLineWhenTheModelIsMissing()
    {
        var run = CliRun.Of("pack", "--model", fixture.Path("nope"), "--calibration-data", fixture.DataDir, "--out", fixture.Path("x.nii"));
        Assert.Equal(1, run.ExitCode);
        Assert.Single(run.ErrorLines);
        Assert.False(File.Exists(fixture.Path("x.nii")));
    }
}
