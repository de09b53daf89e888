using ModelPacker.Model;
using ModelPacker.Training;

namespace ModelPacker.Tests.Training;

/// <summary>With <see cref="Trainer.FreezeWordEmbeddings"/> the word embeddings get no gradient: each step only
/// multiplies them by AdamW's decay factor 1 − lr·weight_decay (bit for bit, on both of the trainer's gradient
/// paths), while every other tensor trains as it would without the freeze.</summary>
public class FrozenWordEmbeddingsTests
{
    /// <returns>The tensors before training, the trained parameters, and each step's learning rate.</returns>
    private static (float[][] Start, AlbertParameters Trained, float[] Rates) Train(bool freeze, int steps, int shards, bool transform, float weightDecay)
    {
        var config = Model.TinyModels.Config();
        var p = Model.TinyModels.Parameters(config, seed: 4);
        var start = p.All.Select(t => t.Data.ToArray()).ToArray();
        // No clipping: the global norm would couple the other tensors' steps to the word embeddings' gradient.
        var cfg = new TrainConfig { NumHiddenLayers = config.NumHiddenLayers, GradientShards = shards, HiddenDropout = 0.1f, TokenDropout = 0.2f,
            Seed = 9, ClipNorm = 0, WeightDecay = weightDecay };
        var trainer = new Trainer(p, cfg, totalSteps: steps, transform: transform ? new Model.IdentityTransform() : null) { FreezeWordEmbeddings = freeze };
        var rng = new Random(2);
        var rates = new float[steps];
        for (int step = 0; step < steps; step++)
        {
            int b = 2 + step % 5;
            var seqs = Enumerable.Range(0, b).Select(_ => new[] { 2 }.Concat(Enumerable.Range(0, 1 + rng.Next(5)).Select(_ => 4 + rng.Next(16))).Append(3).ToArray()).ToArray();
            trainer.Step(seqs, seqs.Select((_, i) => i % 3).ToArray());
            rates[step] = trainer.LastLearningRate;
        }
        return (start, p, rates);
    }

    private static float[] Before(float[][] start, AlbertParameters p, NamedTensor t) => start[p.All.ToList().IndexOf(t)];

    [Theory]
    [InlineData(4, false)]
    [InlineData(2, true)]
    public void FrozenEmbeddingsOnlyDecayAndTheOthersStillTrain(int shards, bool transform)
    {
        const float decay = 0.1f;
        var (start, frozen, rates) = Train(freeze: true, steps: 6, shards, transform, decay);
        var expected = Before(start, frozen, frozen.WordEmbeddings).ToArray();
        foreach (float lr in rates)
        {
            float factor = 1f - lr * decay;
            for (int i = 0; i < expected.Length; i++) expected[i] *= factor;
        }
        Assert.Equal(expected, frozen.WordEmbeddings.Data);
        Assert.False(Before(start, frozen, frozen.QueryWeight).AsSpan().SequenceEqual(frozen.QueryWeight.Data));
        Assert.False(Before(start, frozen, frozen.PositionEmbeddings).AsSpan().SequenceEqual(frozen.PositionEmbeddings.Data));

        var (_, still, _) = Train(freeze: true, steps: 6, shards, transform, weightDecay: 0);
        Assert.Equal(Before(start, still, still.WordEmbeddings), still.WordEmbeddings.Data);

        var (_, free, _) = Train(freeze: false, steps: 6, shards, transform, decay);
        Assert.NotEqual(expected, free.WordEmbeddings.Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AfterOneStepEveryOtherTensorIsWhereTheUnfrozenStepPutIt(bool transform)
    {
        var (_, frozen, _) = Train(freeze: true, steps: 1, shards: 2, transform, weightDecay: 0.1f);
        var (_, free, _) = Train(freeze: false, steps: 1, shards: 2, transform, weightDecay: 0.1f);
        for (int k = 0; k < frozen.All.Count; k++)
            if (frozen.All[k] != frozen.WordEmbeddings)
                Assert.True(frozen.All[k].Data.AsSpan().SequenceEqual(free.All[k].Data), frozen.All[k].Name);
    }

    [Fact]
    public void ClippingScalesEveryTrainedTensorAndTheFrozenGradientStaysZero()
    {
        // The trainer skips the frozen table in the global norm; every other tensor must still be scaled.
        var config = Model.TinyModels.Config();
        var p = Model.TinyModels.Parameters(config, seed: 4);
        var cfg = new TrainConfig { NumHiddenLayers = config.NumHiddenLayers, GradientShards = 2, Seed = 9, ClipNorm = 1e-3f };
        var trainer = new Trainer(p, cfg, totalSteps: 3) { FreezeWordEmbeddings = true };
        int[][] seqs = [[2, 5, 9, 7, 3], [2, 11, 4, 3], [2, 6, 6, 8, 12, 3]];
        trainer.Step(seqs, [0, 1, 2]);
        Assert.True(trainer.LastGradientNorm > 10 * cfg.ClipNorm);
        double sq = trainer.LastGradient.All.Sum(t => (double)System.Numerics.Tensors.TensorPrimitives.Dot<float>(t.Data, t.Data));
        Assert.Equal(cfg.ClipNorm, Math.Sqrt(sq), 1e-6);
        Assert.All(trainer.LastGradient.WordEmbeddings.Data, v => Assert.Equal(0, BitConverter.SingleToInt32Bits(v)));
    }
}
