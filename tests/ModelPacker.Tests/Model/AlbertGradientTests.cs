using ModelPacker.Model;
using static ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Model;

/// <summary>End-to-end gradient of the whole model (every exit, weighted, label-smoothed) for every parameter tensor.</summary>
public class AlbertGradientTests
{
    [Theory]
    [InlineData("gelu_new")]
    [InlineData("gelu")]
    public void EveryParameterTensorMatchesFiniteDifferences(string act) =>
        CheckEveryTensor(TinyModels.Parameters(TinyModels.Config(act: act)), _ => 4e-4);

    /// <summary>Every tensor of <paramref name="p"/> against finite differences on <see cref="TinyModels.Batch"/>, each
    /// with the absolute tolerance <paramref name="absTol"/> gives it.</summary>
    internal static void CheckEveryTensor(AlbertParameters p, Func<NamedTensor, double> absTol)
    {
        var cfg = p.Config;
        var batch = TinyModels.Batch();
        float[] exitWeights = [0.4f, 1f];
        var comp = new AlbertComputation(cfg);
        double Loss()
        {
            comp.Forward(new ModelWeights(p), batch);
            return comp.Loss(exitWeights, 0.1f, 1f / batch.Count, out _);
        }
        Loss();
        var grads = new AlbertParameters(cfg);
        comp.Backward(grads);
        foreach (var t in p.All)
        {
            var g = grads[t.Name].Data;
            IEnumerable<int> idx = t == p.WordEmbeddings
                ? new[] { 2, 7, 9, 11, 3, 5, 13, 17 }.SelectMany(id => Enumerable.Range(id * cfg.EmbeddingSize, 3)) // rows the batch uses
                : t == p.PositionEmbeddings ? Enumerable.Range(0, 6 * cfg.EmbeddingSize)
                : t == p.TokenTypeEmbeddings ? Enumerable.Range(0, cfg.EmbeddingSize)
                : Sample(t.Length, 24, t.Name.Length);
            // The key bias adds q·b to every score of a row, which softmax ignores: its true gradient is zero.
            Assert(t.Name, t.Data, g, idx, Loss, eps: 2e-3f, absTol: absTol(t), relTol: 3e-2, expectZero: t == p.KeyBias);
        }
        // Rows of unused tokens and the unused token type get no gradient.
        Xunit.Assert.All(grads.WordEmbeddings.Data.AsSpan(4 * cfg.EmbeddingSize, cfg.EmbeddingSize).ToArray(), v => Xunit.Assert.Equal(0f, v));
        Xunit.Assert.All(grads.TokenTypeEmbeddings.Data.AsSpan(cfg.EmbeddingSize).ToArray(), v => Xunit.Assert.Equal(0f, v));
    }

    [Fact]
    public void PaddingTokensDoNotChangeTheOtherPositions()
    {
        var cfg = TinyModels.Config();
        var model = new AlbertModel(TinyModels.Parameters(cfg));
        var plain = model.Predict([2, 13, 17, 3]);
        var padded = model.Predict([2, 13, 17, 3, 0, 0]);
        for (int l = 0; l < cfg.NumHiddenLayers; l++)
            for (int c = 0; c < cfg.NumLabels; c++) Xunit.Assert.Equal(plain[l][c], padded[l][c], 5);
    }

    [Fact]
    public void BatchedPredictionIsBitIdenticalToOneByOne()
    {
        var cfg = TinyModels.Config(layers: 3);
        var model = new AlbertModel(TinyModels.Parameters(cfg));
        int[][] seqs = [[2, 7, 9, 11, 3], [2, 5, 3], [2, 13, 17, 3, 0, 0], [2, 3]];
        var batched = model.PredictBatch(seqs);
        var many = model.PredictMany(seqs, chunk: 3);
        for (int s = 0; s < seqs.Length; s++)
        {
            var one = model.Predict(seqs[s]);
            Xunit.Assert.Equal(3, one.Length);
            for (int l = 0; l < 3; l++) { Xunit.Assert.Equal(one[l], batched[s][l]); Xunit.Assert.Equal(one[l], many[s][l]); }
        }
    }
}
