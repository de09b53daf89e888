using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>
/// Scheme int4 (docs/numerics.md section 3j): the per-row quantizer (max and MSE clips), the model it builds, the
/// Quant-Noise transform (rate 0 leaves every weight as it is, rate 1 quantizes every block, in between whole blocks
/// are quantized or not, gradients pass straight through), and <c>finetune-int8 --scheme int4</c> and <c>pack --scheme
/// int4</c> through the CLI on the tiny model the CLI fixture trains.
/// </summary>
public class Int4Tests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void RowsAreSymmetricInt4OnTheRowsScaleAndTheMseClipNeverLosesToTheMaxClip()
    {
        var p = TestModels.RandomParameters(51, weightStd: 0.1);
        var w = p.FfnWeight;
        var (qm, sm) = Int4Quantizer.QuantizeRows(w.Data, w.Rows, w.Cols, Int4Clip.Max);
        var (qe, se) = Int4Quantizer.QuantizeRows(w.Data, w.Rows, w.Cols, Int4Clip.Mse);
        Assert.All(qm.Concat(qe), v => Assert.InRange(v, -7, 7));
        bool anyTighter = false;
        for (int r = 0; r < w.Rows; r++)
        {
            var row = w.Data.AsSpan(r * w.Cols, w.Cols);
            float max = 0;
            foreach (float v in row) max = Math.Max(max, Math.Abs(v));
            Assert.Equal(max / 7.0, sm[r], 12);
            Assert.Contains(qm.Skip(r * w.Cols).Take(w.Cols), v => Math.Abs((int)v) == 7);   // the largest weight is ±7
            Assert.InRange(se[r], max / 14.0 - 1e-12, max / 7.0 + 1e-12);
            double errMax = 0, errMse = 0;
            for (int c = 0; c < w.Cols; c++)
            {
                errMax += Math.Pow(row[c] - qm[r * w.Cols + c] * sm[r], 2);
                errMse += Math.Pow(row[c] - qe[r * w.Cols + c] * se[r], 2);
            }
            Assert.True(errMse <= errMax + 1e-15, $"row {r}: mse clip error {errMse} > max clip error {errMax}");
            anyTighter |= se[r] < sm[r];
        }
        Assert.True(anyTighter);                                                 // gaussian rows: the MSE clip cuts the tail
        Assert.Equal(-3, Int4Quantizer.Round(-2.5, 1));                          // ties away from zero
        Assert.Equal(7, Int4Quantizer.Round(100, 1));
        Assert.Equal(1.0, Int4Quantizer.RowScale(new float[8], Int4Clip.Mse));   // an all-zero row
    }

    [Fact]
    public void TheQuantizerPutsEveryLinearWeightInInt4AndKeepsTablesAndClassifiersInt8()
    {
        var p = TestModels.RandomParameters(52, weightStd: 0.1);
        var scales = Calibrator.Calibrate(p, TestModels.RandomSequences(53, 30, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        var m = Int4Quantizer.Quantize(p, scales, Int4Clip.Max);
        Assert.Equal(SchemeId.Int4, m.Dims.Scheme);
        foreach (var t in new[] { m.EmbeddingMappingIn, m.Query, m.Key, m.Value, m.AttentionDense, m.Ffn, m.FfnOutput }.Concat(m.Exits.Select(e => e.Pooler)))
            Assert.Equal(TensorEncoding.Int4, t.Encoding);
        foreach (var t in new[] { m.WordEmbeddings, m.PositionEmbeddings }.Concat(m.Exits.Select(e => e.Classifier)))
            Assert.Equal(TensorEncoding.Int8Row, t.Encoding);
        Assert.Equal(m.Ffn.Rows * m.Ffn.Cols / 2, m.Ffn.Data.Length);
        var q = Int4Encoding.Instance.Decode(m.Ffn);
        var (want, sw) = Int4Quantizer.QuantizeRows(p.FfnWeight.Data, p.FfnWeight.Rows, p.FfnWeight.Cols, Int4Clip.Max);
        Assert.Equal(want, q.Weights);
        for (int r = 0; r < q.Rows; r++)
        {
            double accUnit = sw[r] * scales.AttentionNorm;
            Assert.Equal(Math.Round(p.FfnBias.Data[r] / accUnit, MidpointRounding.AwayFromZero), q.RowParams[r].Bias);
            Assert.Equal(FixedPointMultiplier.FromReal(accUnit / scales.GeluInput, "ffn"), q.RowParams[r].Requant);
        }
    }

    private static (AlbertParameters P, ActivationScales S) Model(int seed)
    {
        var p = TestModels.RandomParameters(seed, weightStd: 0.1);
        return (p, Calibrator.Calibrate(p, TestModels.RandomSequences(seed + 1, 30, p.Config.VocabSize, p.Config.MaxPositionEmbeddings)));
    }

    private static float[] Effective(IWeightTransform t, NamedTensor w)
    {
        var e = new float[w.Length];
        t.TransformWeight(w, e);
        return e;
    }

    private static float[] FakeInt4(NamedTensor w)
    {
        var (q, s) = Int4Quantizer.QuantizeRows(w.Data, w.Rows, w.Cols, Int4Quantizer.DefaultClip);
        return q.Select((v, i) => (float)(v * s[i / w.Cols])).ToArray();
    }

    [Fact]
    public void NoiseRate0LeavesEveryInt4WeightUnnoisedAndRate1QuantizesEveryBlock()
    {
        var (p, s) = Model(54);
        var none = new QuantNoise(p, s, new QuantNoiseSettings(0, 8), seed: 1);
        var all = new QuantNoise(p, s, new QuantNoiseSettings(1, 8), seed: 1);
        var int8 = new FakeQuantizer(p, s);
        foreach (var w in QuantNoise.Int4Weights(p))
        {
            Assert.Equal(w.Data, Effective(none, w));
            Assert.Equal(FakeInt4(w), Effective(all, w));
            Assert.NotEqual(w.Data, FakeInt4(w));
        }
        // the tensors scheme int4 keeps in int8 and every linear input: the int8 fake quantizer's, whatever the rate
        foreach (var w in new[] { p.WordEmbeddings, p.PositionEmbeddings }.Concat(p.Exits.Select(e => e.ClassifierWeight)))
        {
            Assert.Equal(Effective(int8, w), Effective(none, w));
            Assert.Equal(Effective(int8, w), Effective(all, w));
        }
        float[] x = [0.3f, -12f, 7.7f, 1e-3f], y = (float[])x.Clone(), z = (float[])x.Clone();
        int8.TransformLinearInput(p.FfnWeight.Name, x);
        none.TransformLinearInput(p.FfnWeight.Name, y);
        all.TransformLinearInput(p.FfnWeight.Name, z);
        Assert.Equal(x, y);
        Assert.Equal(x, z);
    }

    [Theory]
    [InlineData(0.1, 8)]
    [InlineData(0.5, 4)]
    [InlineData(0.2, 5)]   // 5 does not divide the rows: each row's last block is shorter
    public void InBetweenWholeBlocksOfARowAreQuantizedAtTheRateAndRedrawnEveryStep(double rate, int block)
    {
        var (p, s) = Model(55);
        var noise = new QuantNoise(p, s, new QuantNoiseSettings(rate, block), seed: 3);
        int blocks = 0, quantized = 0;
        var w = p.FfnWeight;
        var fq = FakeInt4(w);
        var first = Effective(noise, w);
        foreach (var e in new[] { first, Effective(noise, w), Effective(noise, w) })
            for (int r = 0; r < w.Rows; r++)
                for (int c0 = 0; c0 < w.Cols; c0 += block)
                {
                    var idx = Enumerable.Range(r * w.Cols + c0, Math.Min(block, w.Cols - c0)).ToList();
                    bool q = idx.All(i => e[i] == fq[i]), m = idx.All(i => e[i] == w.Data[i]);
                    Assert.True(q ^ m, $"row {r}, block at {c0}: a block is quantized or full precision as a whole");
                    blocks++;
                    if (q) quantized++;
                }
        double share = (double)quantized / blocks, sd = Math.Sqrt(rate * (1 - rate) / blocks);
        Assert.InRange(share, rate - 5 * sd, rate + 5 * sd);
        Assert.NotEqual(first, Effective(noise, w));                              // a new draw each step
        Assert.Equal(first, Effective(new QuantNoise(p, s, new QuantNoiseSettings(rate, block), seed: 3), w)); // the seed fixes it
    }

    [Fact]
    public void TheGradientPassesStraightThroughToTheMasterWeights()
    {
        var (p, s) = Model(56);
        IWeightTransform noise = new QuantNoise(p, s, new QuantNoiseSettings(0.3, 8), seed: 1);
        var g = Enumerable.Range(0, p.FfnWeight.Length).Select(i => (float)Math.Sin(i)).ToArray();
        var before = (float[])g.Clone();
        noise.TransformGradient(p.FfnWeight, g);
        Assert.Equal(before, g);
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantNoise(p, s, new QuantNoiseSettings(1.5, 8), seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new QuantNoise(p, s, new QuantNoiseSettings(0.5, 0), seed: 1));
    }

    [Fact]
    public void FinetuneWithQuantNoiseThenPackSchemeInt4GivesAnImageTheCRuntimeReproduces()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string tuned = fixture.Path("qn-int4");
        var run = CliRun.Of("finetune-int8", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", tuned, "--epochs", "1",
            "--scheme", "int4", "--noise-rate", "0.25", "--block-size", "4");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("int4 Quant-Noise (rate 0.25, block 4, clip mse)", run.Out);
        var before = ModelPacker.Checkpoints.CheckpointDirectory.Load(fixture.ModelDir).Parameters;
        var after = ModelPacker.Checkpoints.CheckpointDirectory.Load(tuned).Parameters;
        Assert.NotEqual(before.FfnWeight.Data, after.FfnWeight.Data);           // it trained
        SchemePacking.PackWritesAnImageTheCRuntimeReproduces(fixture, Schemes.Int4, TensorEncoding.Int4, tuned);
    }

    [Fact]
    public void NoiseOptionsOutOfRangeOrWithoutSchemeInt4AreUsageErrors()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string o = fixture.Path("qn-bad");
        string[] common = ["finetune-int8", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", o];
        var r = CliRun.Of([.. common, "--noise-rate", "0.1"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("apply to --scheme int4 only", r.Error);
        r = CliRun.Of([.. common, "--scheme", "int4", "--noise-rate", "1.5"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--noise-rate 1.5", r.Error);
        r = CliRun.Of([.. common, "--scheme", "int4", "--block-size", "0"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--block-size 0", r.Error);
        Assert.False(Directory.Exists(o));
        r = CliRun.Of("pack", "--model", fixture.ModelDir, "--int4-clip", "max", "--calibration-data", fixture.DataDir, "--out", fixture.Path("x.nii"));
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--int4-clip applies to --scheme int4 only", r.Error);
    }
}
