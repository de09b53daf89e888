using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Pruning;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Pruning;

/// <summary>
/// Attention-head pruning: the gate gradient ∂L/∂ξ_h against central finite differences of the loss, the importance
/// ranking, zeroing a head (its context and so its effect vanish), the fine-tuning transform, and <c>prune-heads</c>
/// then <c>pack</c> through the CLI: the image carries span 0 for the pruned heads and the C runtime, which skips
/// them, reproduces its test vectors.
/// </summary>
public class HeadPruningTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private static (AlbertParameters P, int[][] Ids, int[] Labels) Model(int seed)
    {
        var p = TestModels.RandomParameters(seed, weightStd: 0.3);
        var ids = TestModels.RandomSequences(seed + 1, 6, p.Config.VocabSize, p.Config.MaxPositionEmbeddings);
        var labels = ids.Select((_, i) => i % p.Config.NumLabels).ToArray();
        return (p, ids, labels);
    }

    [Fact]
    public void TheGateGradientEqualsCentralFiniteDifferencesOfTheLoss()
    {
        var (p, ids, labels) = Model(71);
        var exits = Enumerable.Range(1, p.Config.NumHiddenLayers).Select(l => (float)l).ToArray();   // every exit counts
        var work = new AlbertComputation(p.Config);
        var grads = new AlbertParameters(p.Config);
        const float eps = 1e-2f;
        int checkedHeads = 0;
        for (int i = 0; i < 3; i++)
        {
            var g = HeadImportance.GateGradients(p, ids[i], labels[i], exits, work, grads);
            Assert.Equal(p.Config.NumAttentionHeads, g.Length);
            for (int h = 0; h < g.Length; h++)
            {
                double fd = (HeadImportance.LossWithGate(p, ids[i], labels[i], exits, h, 1 + eps, work)
                             - HeadImportance.LossWithGate(p, ids[i], labels[i], exits, h, 1 - eps, work)) / (2 * eps);
                Assert.True(Math.Abs(fd - g[h]) <= 2e-3 + 2e-2 * Math.Abs(fd), $"utterance {i} head {h}: analytic {g[h]}, finite difference {fd}");
                if (Math.Abs(fd) > 1e-3) checkedHeads++;
            }
        }
        Assert.True(checkedHeads >= 4, "the check needs gradients that are not all ~0");
        Assert.Equal(HeadImportance.LossWithGate(p, ids[0], labels[0], exits, 1, 1f, work), HeadImportance.LossWithGate(p, ids[0], labels[0], exits, 1, 1f, work));
    }

    [Fact]
    public void ImportanceIsTheMeanAbsoluteGateGradientAndTheLeastImportantAreChosen()
    {
        var (p, ids, labels) = Model(72);
        var exits = new float[p.Config.NumHiddenLayers];
        exits[^1] = 1;
        var imp = HeadImportance.Estimate(p, ids, labels, exits);
        var work = new AlbertComputation(p.Config);
        var grads = new AlbertParameters(p.Config);
        var want = new double[imp.Length];
        for (int i = 0; i < ids.Length; i++)
        {
            var g = HeadImportance.GateGradients(p, ids[i], labels[i], exits, work, grads);
            for (int h = 0; h < want.Length; h++) want[h] += Math.Abs(g[h]);
        }
        Assert.Equal(want.Select(v => v / ids.Length), imp);
        Assert.Equal([1, 3], HeadImportance.LeastImportant([0.5, 0.1, 0.7, 0.2], 2));
        Assert.Equal([0, 2], HeadImportance.LeastImportant([0.1, 0.3, 0.1, 0.3], 2));   // ties: the lower index
        Assert.Throws<InvalidDataException>(() => HeadImportance.Estimate(p, [], [], exits));
    }

    [Fact]
    public void AZeroedHeadContributesNothingAndItsGateGradientIsZero()
    {
        var (p, ids, labels) = Model(73);
        var exits = Enumerable.Repeat(1f, p.Config.NumHiddenLayers).ToArray();
        HeadPruning.Zero(p, [1]);
        int dh = p.Config.HiddenSize / p.Config.NumAttentionHeads;
        for (int r = dh; r < 2 * dh; r++)
        {
            Assert.All(p.QueryWeight.Data.Skip(r * p.QueryWeight.Cols).Take(p.QueryWeight.Cols), v => Assert.Equal(0f, v));
            Assert.Equal(0f, p.ValueBias.Data[r]);
        }
        Assert.NotEqual(0f, p.QueryWeight.Data[0]);
        Assert.All(Enumerable.Range(0, p.AttentionOutputWeight.Rows), r => Assert.Equal(0f, p.AttentionOutputWeight.Data[r * p.AttentionOutputWeight.Cols + dh]));
        var work = new AlbertComputation(p.Config);
        var g = HeadImportance.GateGradients(p, ids[0], labels[0], exits, work, new AlbertParameters(p.Config));
        Assert.Equal(0, g[1]);
        Assert.NotEqual(0, g[0]);
        // the checkpoint with spans: span 0 for head 1 only, and the same function (the head was already silent)
        var s = HeadPruning.WithPrunedSpans(p, [1]);
        Assert.Equal([p.Config.MaxPositionEmbeddings, 0, p.Config.MaxPositionEmbeddings, p.Config.MaxPositionEmbeddings],
            s.AttentionSpan!.Data.Select(z => AttentionSpanSettings.HardSpan(z, s.Config.AttentionSpan!.Ramp, p.Config.MaxPositionEmbeddings)));
        var a = new AlbertModel(p).Predict(ids[0]);
        var b = new AlbertModel(s).Predict(ids[0]);
        Assert.Equal(a.Length, b.Length);
        for (int l = 0; l < a.Length; l++)
            for (int j = 0; j < a[l].Length; j++) Assert.Equal(a[l][j], b[l][j], 4);
        Assert.Throws<InvalidDataException>(() => HeadPruning.WithPrunedSpans(s, [2]));
    }

    [Fact]
    public void TheFineTuningTransformHoldsThePrunedRowsAndColumnsAtZero()
    {
        var (p, _, _) = Model(74);
        IWeightTransform t = new HeadPruningTransform(p, [0, 3]);
        int dh = p.Config.HiddenSize / p.Config.NumAttentionHeads, h = p.Config.HiddenSize;
        var eff = new float[p.KeyWeight.Length];
        t.TransformWeight(p.KeyWeight, eff);
        Assert.All(Enumerable.Range(0, eff.Length), i => Assert.Equal(i / h / dh is 0 or 3 ? 0f : p.KeyWeight.Data[i], eff[i]));
        var g = Enumerable.Repeat(1f, p.AttentionOutputWeight.Length).ToArray();
        t.TransformGradient(p.AttentionOutputWeight, g);
        Assert.All(Enumerable.Range(0, g.Length), i => Assert.Equal(i % h / dh is 0 or 3 ? 0f : 1f, g[i]));
        var f = Enumerable.Repeat(1f, p.FfnWeight.Length).ToArray();
        t.TransformGradient(p.FfnWeight, f);
        Assert.All(f, v => Assert.Equal(1f, v));
    }

    [Fact]
    public void PruneHeadsThenPackGivesAnImageWithSpan0ThatTheCRuntimeReproduces()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string tuned = fixture.Path("heads-1"), path = fixture.Path("tiny-heads.nii"), cfg = fixture.Path("heads.json");
        File.WriteAllText(cfg, "{\"epochs\": 1}");
        var heads = ModelPacker.Checkpoints.CheckpointDirectory.Load(fixture.ModelDir).Parameters.Config.NumAttentionHeads;
        var run = CliRun.Of("prune-heads", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--heads", "1", "--out", tuned, "--config", cfg);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("head importance E|dL/dxi_h| on", run.Out);
        Assert.Contains("fine-tuned 1 epochs", run.Out);
        var after = ModelPacker.Checkpoints.CheckpointDirectory.Load(tuned).Parameters;
        var spans = after.AttentionSpan!.Data.Select(z => AttentionSpanSettings.HardSpan(z, after.Config.AttentionSpan!.Ramp, after.Config.MaxPositionEmbeddings)).ToArray();
        Assert.Equal(heads, spans.Length);
        Assert.Equal(1, spans.Count(s => s == 0));
        run = CliRun.Of("pack", "--model", tuned, "--calibration-data", fixture.DataDir, "--test-vectors", "6", "--out", path);
        Assert.True(run.ExitCode == 0, run.Error);
        var image = IntegerImage.Read(path);
        Assert.Equal(spans, image.Model.AttentionSpans);
        Assert.Contains("6 test vectors match", CliRun.Of("verify", path).Out);
        NativeImage.AssertReproducesTestVectors(path, "cli-tiny-heads.nii");
        var bad = CliRun.Of("prune-heads", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--heads", heads.ToString(), "--out", fixture.Path("heads-bad"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains($"--heads {heads}: the model has {heads} heads", bad.Error);
        bad = CliRun.Of("prune-heads", "--model", tuned, "--data", fixture.DataDir, "--heads", "1", "--out", fixture.Path("heads-bad"));
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("already has attention spans", bad.Error);
        Assert.False(Directory.Exists(fixture.Path("heads-bad")));
    }
}
