using ModelPacker.Model;
using ModelPacker.Training;

namespace ModelPacker.Tests.Training;

public class OptimizerTests
{
    [Fact]
    public void ScheduleWarmsUpLinearlyThenDecaysToZero()
    {
        var s = new LearningRateSchedule(1f, totalSteps: 110, warmupSteps: 10, cosine: false);
        Assert.Equal(0.1f, s.At(0), 6);
        Assert.Equal(1f, s.At(9), 6);
        Assert.Equal(0.5f, s.At(60), 6);
        Assert.Equal(0f, s.At(110), 6);
        var c = new LearningRateSchedule(2f, 100, 0, cosine: true);
        Assert.Equal(2f, c.At(0), 5);
        Assert.Equal(1f, c.At(50), 5);
    }

    [Fact]
    public void AdamWDecaysMatricesButNotBiasesOrLayerNorm()
    {
        var p = new AlbertParameters(Model.TinyModels.Config());
        p.InitializeRandom(3);
        var before = ParameterSnapshot.Of(p);
        var zero = new AlbertParameters(p.Config);
        new AdamW(p, 0.9f, 0.999f, 1e-8f, weightDecay: 0.1f).Step(p, zero, lr: 0.5f);
        // zero gradient: Adam's update is 0, so only decay moves weights: w ← w·(1 − lr·wd)
        Assert.Equal(before[p.QueryWeight.Name][5] * 0.95f, p.QueryWeight.Data[5], 6);
        Assert.Equal(before[p.AttentionLayerNormWeight.Name], p.AttentionLayerNormWeight.Data);
    }

    [Fact]
    public void AdamFirstStepMovesEachWeightByTheLearningRate()
    {
        var p = new AlbertParameters(Model.TinyModels.Config());
        var g = new AlbertParameters(p.Config);
        g.QueryBias.Data[0] = 3f; g.QueryBias.Data[1] = -0.001f;
        new AdamW(p, 0.9f, 0.999f, 1e-12f, 0f).Step(p, g, lr: 0.01f);
        Assert.Equal(-0.01f, p.QueryBias.Data[0], 5);
        Assert.Equal(0.01f, p.QueryBias.Data[1], 5);
        Assert.Equal(0f, p.QueryBias.Data[2]);
    }

    [Fact]
    public void AdamWStepsEqualTheScalarFormulaBitForBit()
    {
        // The update runs in vector chunks; the model a seed gives must not depend on that. Three steps over a tensor
        // longer than one chunk and not a multiple of the vector width, held against the formula in scalar floats.
        int n = (1 << 15) + 1003;
        var w = new NamedTensor("m.weight", 7, n / 7 + 1);
        var rng = new Random(5);
        for (int i = 0; i < w.Length; i++) w.Data[i] = (float)(rng.NextDouble() - 0.5);
        var expect = (float[])w.Data.Clone();
        var m = new float[w.Length]; var v = new float[w.Length];
        const float b1 = 0.9f, b2 = 0.98f, eps = 1e-6f, wd = 0.01f;
        var adam = new AdamW([w], b1, b2, eps, wd);
        for (int t = 1; t <= 3; t++)
        {
            var g = new float[w.Length];
            for (int i = 0; i < g.Length; i++) g[i] = (float)(rng.NextDouble() - 0.5) * (i % 5 == 0 ? 0f : 1f);
            float lr = 0.002f * t;
            adam.Step([w], [g], lr);
            float c1 = 1f / (1f - MathF.Pow(b1, t)), c2 = 1f / (1f - MathF.Pow(b2, t)), decay = 1f - lr * wd;
            for (int i = 0; i < expect.Length; i++)
            {
                float mi = m[i] = b1 * m[i] + (1 - b1) * g[i];
                float vi = v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                expect[i] = expect[i] * decay - lr * (mi * c1) / (MathF.Sqrt(vi * c2) + eps);
            }
            Assert.Equal(expect, w.Data);
        }
    }

    [Fact]
    public void AFrozenTensorStepsAsTheFullUpdateOfAZeroGradientBitForBit()
    {
        // A frozen tensor's step is the decay alone; with a zero gradient from the first step the full update gives
        // the same floats, signed zeros included. Two optimizers, one freezing tensor 0, over steps at changing
        // rates; tensor 1 trains in both. 9×4001 spans two chunks, the second not a multiple of the vector width.
        var rng = new Random(9);
        NamedTensor Tensor(string name, int rows, int cols)
        {
            var t = new NamedTensor(name, rows, cols);
            for (int i = 0; i < t.Length; i++) t.Data[i] = i % 97 == 0 ? (i % 2 == 0 ? 0f : -0f) : (float)(rng.NextDouble() - 0.5);
            return t;
        }
        static NamedTensor Copy(NamedTensor t)
        {
            var c = new NamedTensor(t.Name, t.Shape);
            t.Data.CopyTo(c.Data, 0);
            return c;
        }
        static int[] Bits(NamedTensor t) => t.Data.Select(BitConverter.SingleToInt32Bits).ToArray();
        var (frozen, other) = (Tensor("e.weight", 9, 4001), Tensor("q.weight", 5, 7));
        var (plain, plainOther) = (Copy(frozen), Copy(other));
        var a = new AdamW([frozen, other], 0.9f, 0.98f, 1e-6f, 0.01f);
        var b = new AdamW([plain, plainOther], 0.9f, 0.98f, 1e-6f, 0.01f);
        a.Freeze(0);
        var zero = new float[frozen.Length];
        for (int t = 1; t <= 4; t++)
        {
            var g = Enumerable.Range(0, other.Length).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
            float lr = 0.003f * t;
            a.Step([frozen, other], [zero, g], lr);
            b.Step([plain, plainOther], [zero, (float[])g.Clone()], lr);
            Assert.Equal(Bits(plain), Bits(frozen));
            Assert.Equal(Bits(plainOther), Bits(other));
        }
        Assert.Contains(BitConverter.SingleToInt32Bits(-0f), Bits(frozen));
        Assert.Throws<InvalidOperationException>(() => a.Freeze(1)); // its moments are no longer 0
    }

    [Fact]
    public void ClippingSkipsAZeroTensorWithoutChangingABit()
    {
        var rng = new Random(4);
        var g = new AlbertParameters(Model.TinyModels.Config());
        foreach (var t in g.All)
            if (t != g.WordEmbeddings) for (int i = 0; i < t.Length; i++) t.Data[i] = (float)(rng.NextDouble() - 0.5);
        var copy = new AlbertParameters(g.Config);
        for (int k = 0; k < g.All.Count; k++) g.All[k].Data.CopyTo(copy.All[k].Data, 0);
        int words = g.All.ToList().IndexOf(g.WordEmbeddings);
        float skipped = AdamW.ClipGlobalNorm(g, 1f, zeroTensor: words);
        float full = AdamW.ClipGlobalNorm(copy, 1f);
        Assert.True(full > 1f); // the scaling ran
        Assert.Equal(full, skipped);
        for (int k = 0; k < g.All.Count; k++) Assert.Equal(copy.All[k].Data, g.All[k].Data);
    }

    [Fact]
    public void ClippingScalesToTheGlobalNorm()
    {
        var g = new AlbertParameters(Model.TinyModels.Config());
        g.QueryBias.Data[0] = 3f; g.FfnWeight.Data[0] = 4f;
        float norm = AdamW.ClipGlobalNorm(g, 1f);
        Assert.Equal(5f, norm, 5);
        Assert.Equal(0.6f, g.QueryBias.Data[0], 4);
        Assert.Equal(0.8f, g.FfnWeight.Data[0], 4);
        Assert.Equal(1f, AdamW.ClipGlobalNorm(g, 10f), 3); // under the limit: unchanged
    }

    [Fact]
    public void BatchesCoverEveryExampleOnceAndGroupSimilarLengths()
    {
        var r = new Random(5);
        var lengths = Enumerable.Range(0, 1000).Select(_ => r.Next(3, 33)).ToArray();
        var e0 = LengthBucketBatcher.Epoch(lengths, 32, bucket: true, seed: 1, epoch: 0);
        var e0Again = LengthBucketBatcher.Epoch(lengths, 32, bucket: true, seed: 1, epoch: 0);
        var e1 = LengthBucketBatcher.Epoch(lengths, 32, bucket: true, seed: 1, epoch: 1);
        Assert.Equal(Enumerable.Range(0, 1000), e0.SelectMany(b => b).Order());
        Assert.Equal(e0.SelectMany(b => b), e0Again.SelectMany(b => b));
        Assert.NotEqual(e0.SelectMany(b => b), e1.SelectMany(b => b));
        // sorted buckets: the length spread inside a batch is at most 1 (30 lengths, ~33 examples each)
        Assert.True(e0.Average(b => b.Max(i => lengths[i]) - b.Min(i => lengths[i])) < 1.0);
        var plain = LengthBucketBatcher.Epoch(lengths, 32, bucket: false, seed: 1, epoch: 0);
        Assert.True(plain.Average(b => b.Max(i => lengths[i]) - b.Min(i => lengths[i])) > 20);
    }
}

internal static class ParameterSnapshot
{
    public static Dictionary<string, float[]> Of(AlbertParameters p) => p.All.ToDictionary(t => t.Name, t => (float[])t.Data.Clone());
}
