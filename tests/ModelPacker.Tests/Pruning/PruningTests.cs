using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Pruning;
using ModelPacker.Tests.Model;
using ModelPacker.Training;
using GradientCheck = ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Pruning;

/// <summary>Magnitude and movement pruning (tools/ModelPacker/Pruning): the schedule, the top-k masks, the movement
/// score gradient against finite differences through the whole model, and fine-tuning on real SNIPS utterances that
/// ends with exactly the requested sparsity in every pruned tensor and nothing pruned elsewhere.</summary>
public class PruningTests
{
    [Fact]
    public void TheCubicScheduleGoesFromZeroToTheSparsityFastFirst()
    {
        var s = CubicSchedule.Of(new PruningSettings(PruningMethod.Magnitude, 0.8, Begin: 0.1, End: 0.7), 1000);
        Assert.Equal((100, 700), (s.Start, s.End));
        Assert.Equal(0, s.At(0));
        Assert.Equal(0, s.At(100));
        Assert.Equal(0.8 * (1 - 0.5 * 0.5 * 0.5), s.At(400), 12);
        Assert.Equal(0.8, s.At(700));
        Assert.Equal(0.8, s.At(5000));
        for (long t = 101; t <= 700; t++) Assert.True(s.At(t) > s.At(t - 1));
        Assert.True(s.At(250) - s.At(100) > s.At(700) - s.At(550)); // pruned faster at first
    }

    [Fact]
    public void TopKKeepsExactlyTheRoundedShareAndBreaksTiesByIndex()
    {
        float[] scores = [3, 1, 2, 2, 2, 0, 5, 2];
        Assert.Equal([true, false, true, true, false, false, true, false], BlockMask.TopK(scores, 0.5));   // keep 4: 5, 3, then the first two 2s
        Assert.Equal(8, BlockMask.TopK(scores, 0).Count(k => k));
        Assert.Single(BlockMask.TopK(scores, 0.9), k => k);   // round(0.8) = 1
        var r = new Random(3);
        var many = Enumerable.Range(0, 1001).Select(_ => (float)r.Next(0, 20)).ToArray();
        foreach (double s in new[] { 0.5, 0.7, 0.9, 0.333 })
            Assert.Equal(BlockMask.Kept(1001, s), BlockMask.TopK(many, s).Count(k => k));
        Assert.Equal([4f, 6f], BlockMask.Magnitudes([1, -3, 0, 0, 2, 2, -1, 1], 4, 8));
        // 4x4 blocks of an [8, 8] tensor, row-major: rows 0..3 × columns 0..3, 0..3 × 4..7, 4..7 × 0..3, 4..7 × 4..7
        var w44 = new float[64];
        w44[1 * 8 + 6] = -2; w44[5 * 8 + 1] = 3; w44[7 * 8 + 7] = 1; w44[3 * 8 + 3] = 0.5f;
        Assert.Equal([0.5f, 2f, 3f, 1f], BlockMask.Magnitudes(w44, BlockShape.FourByFour, 8));
        Assert.Equal(4, BlockShape.FourByFour.Count(8, 8));
        var kept = new float[64];
        BlockMask.Apply(Enumerable.Repeat(1f, 64).ToArray(), [0, 1, 0, 1], BlockShape.FourByFour, 8, kept);
        for (int i = 0; i < 64; i++) Assert.Equal(i % 8 >= 4 ? 1f : 0f, kept[i]);
    }

    /// <summary>The forward of <see cref="MovementPruning"/> with the mask relaxed to real values m per block: W' = W ⊙ m.</summary>
    private sealed class RelaxedMask(string name, float[] m, BlockShape block) : IWeightTransform
    {
        public void TransformWeight(NamedTensor master, Span<float> effective)
        {
            if (master.Name == name) BlockMask.Apply(master.Data, m, block, master.Cols, effective);
            else master.Data.AsSpan().CopyTo(effective);
        }
        public void TransformLinearInput(string weightName, Span<float> input) { }
    }

    [Theory]
    [InlineData("1")]
    [InlineData("4")]
    [InlineData("4x4")]
    public void TheScoreGradientIsTheLossGradientOfTheMaskThroughTheModel(string blockText)
    {
        var block = BlockShape.Parse(blockText);
        // dL/dS of the straight-through estimator is dL/dm at the top-k mask: checked by finite differences of the
        // loss in m, at kept (1) and pruned (0) blocks of the FFN and the query
        var p = TinyModels.Parameters(TinyModels.Config());
        var batch = TinyModels.Batch();
        foreach (var t in new[] { p.FfnWeight, p.QueryWeight })
        {
            var r = new Random(block.Weights * 31 + t.Length);
            var m = Enumerable.Range(0, block.Count(t)).Select(_ => r.Next(10) < 6 ? 1f : 0f).ToArray();
            var transform = new RelaxedMask(t.Name, m, block);
            var comp = new AlbertComputation(p.Config);
            double Loss()
            {
                comp.Forward(new ModelWeights(p, transform), batch);
                return comp.Loss([0.4f, 1f], 0.1f, 1f / batch.Count, out _);
            }
            Loss();
            var grads = new AlbertParameters(p.Config);
            comp.Backward(grads);
            var dS = MovementPruning.ScoreGradient(grads[t.Name].Data, t.Data, block, t.Cols);
            GradientCheck.Assert(t.Name + " scores", m, dS, Enumerable.Range(0, m.Length), Loss, eps: 2e-3f, absTol: 4e-4, relTol: 3e-2);
        }
    }

    [Fact]
    public void MovementScoresRiseForWeightsMovingAwayFromZero()
    {
        var p = TinyModels.Parameters(TinyModels.Config());
        var mp = new MovementPruning(p, new PruningSettings(PruningMethod.Movement, 0.5), 100);
        var w = p.FfnWeight;
        var grad = new float[w.Length];
        for (int i = 0; i < w.Length; i++) grad[i] = i % 2 == 0 ? -w.Data[i] : w.Data[i];   // even weights grow, odd ones shrink
        mp.TransformGradient(w, grad);
        var s = mp.Scores(w.Name);
        for (int i = 0; i < w.Length; i++)
            if (w.Data[i] != 0) Assert.True(i % 2 == 0 ? s[i] > 0 : s[i] < 0, $"score {i}: {s[i]}");
    }

    private static IntentDataset SnipsSubset()
    {
        var full = DatasetLoader.Load(TestPaths.Dataset("snips"));
        static List<IntentExample> Take(IReadOnlyList<IntentExample> xs, int per) => xs.GroupBy(e => e.Label).SelectMany(g => g.Take(per)).ToList();
        return new IntentDataset
        {
            Name = "snips-subset", SourcePath = full.SourcePath, Labels = full.Labels,
            Train = Take(full.Train, 40), Validation = Take(full.Validation, 10), Test = Take(full.Test, 10),
        };
    }

    [Theory]
    [InlineData(PruningMethod.Magnitude, 0.7, "1")]
    [InlineData(PruningMethod.Movement, 0.7, "1")]
    [InlineData(PruningMethod.Magnitude, 0.5, "4")]
    [InlineData(PruningMethod.Movement, 0.9, "4")]
    [InlineData(PruningMethod.Magnitude, 0.7, "4x4")]
    [InlineData(PruningMethod.Movement, 0.7, "4x4")]
    public void FineTuningEndsWithExactlyTheSparsityPerTensorAndPrunesNothingElse(PruningMethod method, double sparsity, string blockText)
    {
        var block = BlockShape.Parse(blockText);
        var data = SnipsSubset();
        var cfg = new TrainConfig
        {
            VocabSize = 400, EmbeddingSize = 16, HiddenSize = 16, NumAttentionHeads = 2, IntermediateSize = 32, NumHiddenLayers = 2,
            MaxLength = 24, Epochs = 3, BatchSize = 16, LearningRate = 3e-3f, Seed = 5, GradientShards = 2,
        };
        var trained = TrainingPipeline.Run(data, cfg);
        var before = TrainingPipeline.Clone(trained.Parameters);
        var (tuned, acc) = PruningFineTuning.Run(trained.Parameters, trained.Vocabulary, data, cfg, new PruningSettings(method, sparsity, block));
        var p = tuned.Parameters;
        foreach (var (name, s) in PruningFineTuning.Sparsities(p, block))
        {
            int blocks = block.Count(p[name]);
            Assert.True(Math.Abs(s * blocks - (blocks - BlockMask.Kept(blocks, sparsity))) < 1e-9, $"{name}: {s:P2} of {blocks} blocks zero, want {sparsity:P0}");
        }
        var pruned = PruningSettings.Tensors(p).Select(t => t.Name).ToHashSet();
        foreach (var t in p.All.Where(t => !pruned.Contains(t.Name) && t.Shape.Length == 2))
            Assert.True(t.Data.Count(v => v == 0) < t.Length / 10, $"{t.Name} was pruned ({t.Data.Count(v => v == 0)} zeros of {t.Length})");
        Assert.Equal(before.Exits[0].ClassifierWeight.Length, p.Exits[0].ClassifierWeight.Length);
        Assert.InRange(acc, 0f, 1f);
    }
}
