using ModelPacker.Checkpoints;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Pruning;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;
using ModelPacker.Tests.Model;
using ModelPacker.Tests.Numerics;

namespace ModelPacker.Tests.Pruning;

/// <summary>
/// LayerDrop and depth truncation: the seeded skip schedule, a skipped application as the identity in the forward
/// and in the gradient (against finite differences), the depth-k checkpoint's forward against the first k
/// applications of the source's, and <c>layer-drop</c> then <c>pack</c> through the CLI at a smaller depth, whose
/// image the C runtime reproduces.
/// </summary>
public class LayerDropTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void TheScheduleIsSeededNeverSkipsTheFirstApplicationAndSkipsAtTheRate()
    {
        var s = new LayerDropSchedule(0.3f, 7);
        const int steps = 4000, depth = 4;
        var counts = new int[depth];
        for (long step = 0; step < steps; step++)
        {
            var a = s.Skipped(step, depth);
            Assert.Equal(a, new LayerDropSchedule(0.3f, 7).Skipped(step, depth));   // reproducible
            Assert.False(a[0]);
            for (int l = 0; l < depth; l++) if (a[l]) counts[l]++;
        }
        for (int l = 1; l < depth; l++) Assert.InRange(counts[l] / (double)steps, 0.27, 0.33);
        int differ = Enumerable.Range(0, 200).Count(step => !s.Skipped(step, depth).SequenceEqual(new LayerDropSchedule(0.3f, 8).Skipped(step, depth)));
        Assert.True(differ > 50, $"another seed gave another schedule on only {differ} of 200 steps");
        Assert.All(Enumerable.Range(0, 100), step => Assert.DoesNotContain(true, new LayerDropSchedule(0f, 7).Skipped(step, depth)));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Skipped(0, 0));
    }

    [Fact]
    public void ASkippedApplicationIsTheIdentityAndItsExitReadsItsInput()
    {
        var cfg = TinyModels.Config(layers: 3);
        var p = TinyModels.Parameters(cfg, seed: 5);
        var batch = TinyModels.Batch();
        var comp = new AlbertComputation(cfg);
        comp.Forward(new ModelWeights(p), batch, skipped: [false, true, false]);
        Assert.Equal(comp.Hidden(1).ToArray(), comp.Hidden(2).ToArray());
        var h3 = comp.Hidden(3).ToArray();
        var exit2 = comp.Logits(1).ToArray();
        // Skipping application 2 of 3 = the same weights applied twice, with exit 2's head reading h_1 too.
        var two = DepthTruncation.Truncate(p, 2);
        var c2 = new AlbertComputation(two.Config);
        c2.Forward(new ModelWeights(two), batch);
        Assert.Equal(c2.Hidden(2).ToArray(), h3);
        comp.Forward(new ModelWeights(p), batch);
        Assert.NotEqual(comp.Hidden(1).ToArray(), comp.Hidden(2).ToArray());
        Assert.NotEqual(exit2, comp.Logits(1).ToArray());
        Assert.Throws<ArgumentException>(() => comp.Forward(new ModelWeights(p), batch, skipped: [false, true]));
    }

    [Fact]
    public void TheGradientWithASkippedApplicationMatchesFiniteDifferences()
    {
        var cfg = TinyModels.Config(layers: 3);
        var p = TinyModels.Parameters(cfg, seed: 6);
        var batch = TinyModels.Batch();
        float[] exitWeights = [0.3f, 0.6f, 1f];
        bool[] skipped = [false, false, true];
        var comp = new AlbertComputation(cfg);
        double Loss()
        {
            comp.Forward(new ModelWeights(p), batch, skipped: skipped);
            return comp.Loss(exitWeights, 0.1f, 1f / batch.Count, out _);
        }
        Loss();
        var grads = new AlbertParameters(cfg);
        comp.Backward(grads);
        foreach (var t in new[] { p.QueryWeight, p.FfnWeight, p.FullLayerNormWeight, p.EmbeddingProjectionWeight, p.Exits[1].PoolerWeight, p.Exits[2].ClassifierWeight })
            GradientCheck.Assert(t.Name, t.Data, grads[t.Name].Data, GradientCheck.Sample(t.Length, 16, t.Name.Length), Loss, eps: 2e-3f, absTol: 4e-4, relTol: 3e-2);
        // The skipped application's own exit head still learns (it reads h_2).
        Assert.Contains(grads.Exits[2].PoolerWeight.Data, v => v != 0f);
    }

    [Fact]
    public void TheDepthKCheckpointComputesTheFirstKApplicationsOfTheSource()
    {
        var p = TestModels.RandomParameters(81, layers: 4, weightStd: 0.3);
        var ids = TestModels.RandomSequences(82, 5, p.Config.VocabSize, p.Config.MaxPositionEmbeddings);
        var full = new AlbertModel(p).PredictBatch(ids);
        for (int k = 1; k <= 4; k++)
        {
            var shallow = DepthTruncation.Truncate(p, k);
            Assert.Equal(k, shallow.Config.NumHiddenLayers);
            Assert.Equal(4, p.Config.NumHiddenLayers);   // the source is left alone
            Assert.Equal(p.Exits[k - 1].ClassifierWeight.Data, shallow.Exits[k - 1].ClassifierWeight.Data);
            Assert.Equal("classifier.weight", shallow.Exits[k - 1].ClassifierWeight.Name);   // exit k is the last exit
            var got = new AlbertModel(shallow).PredictBatch(ids);
            for (int s = 0; s < ids.Length; s++)
            {
                Assert.Equal(k, got[s].Length);
                for (int l = 0; l < k; l++) Assert.Equal(full[s][l], got[s][l]);
            }
        }
        Assert.Throws<InvalidDataException>(() => DepthTruncation.Truncate(p, 0));
        Assert.Throws<InvalidDataException>(() => DepthTruncation.Truncate(p, 5));
    }

    [Fact]
    public void LayerDropThenPackGivesAShallowerImageThatTheCRuntimeReproduces()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string tuned = fixture.Path("layerdrop-1"), path = fixture.Path("tiny-depth1.nii"), cfg = fixture.Path("layerdrop.json");
        File.WriteAllText(cfg, "{\"epochs\": 1}");
        var source = CheckpointDirectory.Load(fixture.ModelDir).Parameters;
        Assert.Equal(2, source.Config.NumHiddenLayers);
        var run = CliRun.Of("layer-drop", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--rate", "0.5", "--depth", "1", "--out", tuned, "--config", cfg);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("fine-tuned 1 epochs with LayerDrop rate 0.5", run.Out);
        Assert.Contains("validation accuracy at depth 1 by exit:", run.Out);
        var after = CheckpointDirectory.Load(tuned).Parameters;
        Assert.Equal(1, after.Config.NumHiddenLayers);
        Assert.Contains("\"num_hidden_layers\": 1", File.ReadAllText(Path.Combine(tuned, "train_config.json")));
        run = CliRun.Of("pack", "--model", tuned, "--calibration-data", fixture.DataDir, "--test-vectors", "6", "--out", path);
        Assert.True(run.ExitCode == 0, run.Error);
        var image = IntegerImage.Read(path);
        Assert.Equal(1, image.Model.Dims.NumLayers);
        Assert.Contains("6 test vectors match", CliRun.Of("verify", path).Out);
        NativeImage.AssertReproducesTestVectors(path, "cli-tiny-depth1.nii");

        // --no-finetune only truncates: the same weights as the source's, one application fewer
        string cut = fixture.Path("layerdrop-cut");
        run = CliRun.Of("layer-drop", "--model", fixture.ModelDir, "--depth", "1", "--no-finetune", "--out", cut);
        Assert.True(run.ExitCode == 0, run.Error);
        var truncated = CheckpointDirectory.Load(cut).Parameters;
        Assert.Equal(source.QueryWeight.Data, truncated.QueryWeight.Data);
        Assert.Equal(source.Exits[0].PoolerWeight.Data, truncated.Exits[0].PoolerWeight.Data);
        var ownConfig = ModelPacker.Training.TrainConfig.Load(Path.Combine(fixture.ModelDir, "train_config.json"));
        var cutConfig = ModelPacker.Training.TrainConfig.Load(Path.Combine(cut, "train_config.json"));
        Assert.Equal((ownConfig.Epochs, ownConfig.LearningRate, 1), (cutConfig.Epochs, cutConfig.LearningRate, cutConfig.NumHiddenLayers));

        string bad = fixture.Path("layerdrop-bad");
        foreach (var (args, error) in new (string[], string)[]
        {
            (["--depth", "3", "--no-finetune"], "--depth 3: the model applies its layer 2 times; keep 1 to 2"),
            (["--depth", "2", "--no-finetune"], "--depth 2 is the model's own depth"),
            (["--data", fixture.DataDir], "--rate is required to fine-tune"),
            (["--rate", "0.2"], "--data is required to fine-tune"),
            (["--data", fixture.DataDir, "--rate", "1"], "--rate 1: must be in [0, 1)"),
            (["--depth", "1", "--no-finetune", "--rate", "0.2"], "--rate applies to the fine-tune"),
        })
        {
            run = CliRun.Of(["layer-drop", "--model", fixture.ModelDir, "--out", bad, .. args]);
            Assert.Equal(2, run.ExitCode);
            Assert.Contains(error, run.Error);
            Assert.False(Directory.Exists(bad));
        }
    }
}
