using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>
/// Scheme ipq (docs/numerics.md section 3k): the block rule, the k-means (exact on data of K distinct sub-vectors,
/// deterministic, K capped by the sub-vectors), the model it builds, the Quant-Noise transform (rate 0 leaves every
/// weight as it is, rate 1 gives every sub-vector its codeword, in between whole sub-vectors at the rate, codewords the
/// means of their sub-vectors, snapping reproduced by the packer), and <c>finetune-int8 --scheme ipq</c> and <c>pack
/// --scheme ipq</c> through the CLI on the tiny model the CLI fixture trains.
/// </summary>
public class IpqTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Theory]
    [InlineData(128, 8, 8)]
    [InlineData(96, 8, 8)]
    [InlineData(36, 8, 6)]     // 8 does not divide 36: the largest divisor below it
    [InlineData(28, 8, 7)]
    [InlineData(4, 8, 4)]
    [InlineData(20, 3, 2)]
    [InlineData(7, 16, 7)]
    [InlineData(13, 4, 1)]
    public void TheBlockIsTheRequestedOneOrTheLargestDivisorOfTheColumnsBelowIt(int cols, int requested, int block) =>
        Assert.Equal(block, IpqQuantizer.BlockFor(cols, requested));

    [Fact]
    public void KMeansFindsKDistinctSubVectorsExactlyAndIsDeterministic()
    {
        var r = new Random(5);
        const int rows = 24, cols = 16, k = 6, d = 4;
        var centres = Enumerable.Range(0, k * d).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var truth = Enumerable.Range(0, rows * cols / d).Select(i => i < k ? i : r.Next(k)).ToArray();   // every centre used
        var w = new float[rows * cols];
        for (int i = 0; i < truth.Length; i++) Array.Copy(centres, truth[i] * d, w, i * d, d);
        var fit = IpqQuantizer.Fit(w, rows, cols, new IpqSettings(k, d));
        Assert.Equal((k, d), (fit.Codes, fit.Block));
        for (int i = 0; i < truth.Length; i++)
            Assert.Equal(centres.AsSpan(truth[i] * d, d).ToArray(), fit.Codewords.AsSpan(fit.Assignment[i] * d, d).ToArray());
        var again = IpqQuantizer.Fit(w, rows, cols, new IpqSettings(k, d));
        Assert.Equal(fit.Assignment, again.Assignment);
        Assert.Equal(fit.Codewords, again.Codewords);
        // more codewords asked than sub-vectors: one a sub-vector
        Assert.Equal(rows * cols / d, IpqQuantizer.Fit(w, rows, cols, new IpqSettings(256, d)).Codes);
    }

    [Fact]
    public void KMeansLowersTheErrorAsTheCodebookGrows()
    {
        var p = TestModels.RandomParameters(41, weightStd: 0.1);
        var w = p.FfnWeight;
        double Error(int k)
        {
            var f = IpqQuantizer.Fit(w.Data, w.Rows, w.Cols, new IpqSettings(k, 4));
            double e = 0;
            for (int i = 0; i < w.Length; i++) { double t = w.Data[i] - f.Codewords[f.Assignment[i / 4] * 4 + i % 4]; e += t * t; }
            return e;
        }
        double e4 = Error(4), e16 = Error(16), e32 = Error(32);
        Assert.True(e16 < e4 && e32 < e16, $"{e4} {e16} {e32}");
    }

    [Fact]
    public void TheQuantizerPutsEveryLinearWeightInIpqAndKeepsTablesAndClassifiersInt8()
    {
        var (p, s) = Model(42);
        var m = IpqQuantizer.Quantize(p, s, new IpqSettings(16, 4));
        Assert.Equal(SchemeId.Ipq, m.Dims.Scheme);
        foreach (var t in new[] { m.EmbeddingMappingIn, m.Query, m.Key, m.Value, m.AttentionDense, m.Ffn, m.FfnOutput }.Concat(m.Exits.Select(e => e.Pooler)))
        {
            Assert.Equal(TensorEncoding.Ipq, t.Encoding);
            var u = IpqEncoding.Unpack(t);
            Assert.Equal((16, 4), (u.Codes, u.Block));
            Assert.Contains(u.Codebook, v => Math.Abs((int)v) == 127);   // the tensor's scale is its largest codeword
        }
        Assert.Equal(TensorEncoding.Int8Row, m.WordEmbeddings.Encoding);
        Assert.All(m.Exits, e => Assert.Equal(TensorEncoding.Int8Row, e.Classifier.Encoding));
        // the decoded weights, at the codebook's scale, are the k-means codewords of the fp32 weights
        var fit = IpqQuantizer.Fit(p.FfnWeight.Data, p.FfnWeight.Rows, p.FfnWeight.Cols, new IpqSettings(16, 4));
        var (book, scale) = IpqQuantizer.RoundCodebook(fit.Codewords);
        var decoded = IpqEncoding.Instance.Decode(m.Ffn).Weights;
        for (int i = 0; i < decoded.Length; i++) Assert.Equal(book[fit.Assignment[i / 4] * 4 + i % 4], decoded[i]);
        Assert.All(fit.Codewords, c => Assert.InRange(Math.Abs(c - Math.Round(c / scale) * scale), 0, scale / 2 + 1e-6));
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

    private static IpqNoiseSettings Noise(double rate) => new(rate, new IpqSettings(16, 4));

    [Fact]
    public void NoiseRate0LeavesEveryWeightAndRate1GivesEverySubVectorItsCodeword()
    {
        var (p, s) = Model(43);
        var none = new IpqQuantNoise(p, s, Noise(0), seed: 1);
        var all = none.WithRate(1, seed: 1);
        var int8 = new FakeQuantizer(p, s);
        foreach (var w in QuantNoise.Int4Weights(p))
        {
            Assert.Equal(w.Data, Effective(none, w));
            var e = Effective(all, w);
            var fit = all.ClusteringOf(w.Name)!;
            var c = all.Codewords(w);
            for (int i = 0; i < w.Length; i++) Assert.Equal(c[fit.Assignment[i / fit.Block] * fit.Block + i % fit.Block], e[i]);
            Assert.NotEqual(w.Data, e);
        }
        foreach (var w in new[] { p.WordEmbeddings, p.PositionEmbeddings }.Concat(p.Exits.Select(x => x.ClassifierWeight)))
        {
            Assert.Null(all.ClusteringOf(w.Name));
            Assert.Equal(Effective(int8, w), Effective(none, w));
            Assert.Equal(Effective(int8, w), Effective(all, w));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new IpqQuantNoise(p, s, Noise(1.5), seed: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IpqQuantNoise(p, s, new IpqNoiseSettings(0.5, new IpqSettings(257, 4)), seed: 1));
    }

    [Fact]
    public void ACodewordIsTheMeanOfItsSubVectorsSoItMovesByTheMeanOfTheirSteps()
    {
        var (p, s) = Model(44);
        var noise = new IpqQuantNoise(p, s, Noise(1), seed: 1);
        var w = p.FfnWeight;
        var fit = noise.ClusteringOf(w.Name)!;
        int code = fit.Assignment[0], d = fit.Block;
        var members = Enumerable.Range(0, fit.Assignment.Length).Where(i => fit.Assignment[i] == code).ToList();
        var before = noise.Codewords(w);
        // the means before int8 rounding, by hand: a master step g on each member moves the mean by the mean of the g
        var mean = new double[d];
        foreach (int i in members) for (int t = 0; t < d; t++) mean[t] += w.Data[i * d + t] / members.Count;
        var (_, scale) = IpqQuantizer.RoundCodebook(IpqQuantizer.Fit(w.Data, w.Rows, w.Cols, new IpqSettings(16, 4)).Codewords);
        for (int t = 0; t < d; t++) Assert.InRange(Math.Abs(before[code * d + t] - mean[t]), 0, scale);
        foreach (int i in members) w.Data[i * d] += 0.5f * (i % 3);                // steps 0, 0.5 and 1 on column 0
        double step = members.Average(i => 0.5 * (i % 3));
        var after = noise.Codewords(w);
        Assert.InRange(after[code * d] - before[code * d], step - 2 * scale, step + 2 * scale);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.5)]
    public void InBetweenWholeSubVectorsAreReplacedAtTheRateAndRedrawnEveryStep(double rate)
    {
        var (p, s) = Model(45);
        var noise = new IpqQuantNoise(p, s, Noise(rate), seed: 3);
        var w = p.FfnWeight;
        var q = Effective(noise.WithRate(1, seed: 1), w);
        int blocks = 0, replaced = 0;
        var first = Effective(noise, w);
        foreach (var e in new[] { first, Effective(noise, w), Effective(noise, w) })
            for (int b = 0; b < w.Length / 4; b++)
            {
                var idx = Enumerable.Range(4 * b, 4).ToList();
                bool cq = idx.All(i => e[i] == q[i]), m = idx.All(i => e[i] == w.Data[i]);
                Assert.True(cq ^ m, $"sub-vector {b} is its codeword or full precision as a whole");
                blocks++;
                if (cq) replaced++;
            }
        double share = (double)replaced / blocks, sd = Math.Sqrt(rate * (1 - rate) / blocks);
        Assert.InRange(share, rate - 5 * sd, rate + 5 * sd);
        Assert.NotEqual(first, Effective(noise, w));
    }

    [Fact]
    public void SnappedWeightsPackToTheCodewordsValidationUsed()
    {
        var (p, s) = Model(46);
        var noise = new IpqQuantNoise(p, s, Noise(1), seed: 1);
        var want = QuantNoise.Int4Weights(p).ToDictionary(w => w.Name, w => Effective(noise, w));
        noise.Snap(p);
        var m = IpqQuantizer.Quantize(p, s, new IpqSettings(16, 4));
        foreach (var (w, t) in QuantNoise.Int4Weights(p).Zip(new[] { m.EmbeddingMappingIn, m.Query, m.Key, m.Value, m.AttentionDense, m.Ffn, m.FfnOutput }.Concat(m.Exits.Select(e => e.Pooler))))
        {
            Assert.Equal(want[w.Name], w.Data);
            var u = IpqEncoding.Unpack(t);
            double scale = want[w.Name].Max(Math.Abs) / 127.0;
            var decoded = IpqEncoding.Instance.Decode(t).Weights;
            for (int i = 0; i < w.Length; i++) Assert.True(Math.Abs(decoded[i] * scale - w.Data[i]) < 1e-4 * scale + 1e-7, $"{w.Name} weight {i}");
            Assert.True(u.Codes <= 16);
        }
    }

    [Fact]
    public void FinetuneWithQuantNoiseThenPackSchemeIpqGivesAnImageTheCRuntimeReproduces()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string tuned = fixture.Path("qn-ipq");
        var run = CliRun.Of("finetune-int8", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", tuned, "--epochs", "1",
            "--scheme", "ipq", "--noise-rate", "0.25", "--block-size", "4", "--ipq-codes", "16");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("ipq Quant-Noise (rate 0.25, 16 codewords of 4)", run.Out);
        var after = ModelPacker.Checkpoints.CheckpointDirectory.Load(tuned).Parameters;
        var subs = Enumerable.Range(0, after.FfnWeight.Length / 4).Select(i => string.Join(",", after.FfnWeight.Data.Skip(4 * i).Take(4))).Distinct().Count();
        Assert.InRange(subs, 2, 16);                                               // snapped to its codewords
        SchemePacking.PackWritesAnImageTheCRuntimeReproduces(fixture, Schemes.Ipq, TensorEncoding.Ipq, tuned, "--ipq-codes", "16", "--ipq-block", "4");
    }

    [Fact]
    public void PackSchemeIpqWritesAnImageTheCRuntimeReproduces() => SchemePacking.PackWritesAnImageTheCRuntimeReproduces(fixture, Schemes.Ipq, TensorEncoding.Ipq);

    [Fact]
    public void IpqOptionsOutOfRangeOrWithoutSchemeIpqAreUsageErrors()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        string o = fixture.Path("ipq-bad");
        string[] common = ["finetune-int8", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--out", o];
        var r = CliRun.Of([.. common, "--ipq-codes", "16"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--ipq-codes applies to --scheme ipq only", r.Error);
        r = CliRun.Of([.. common, "--scheme", "ipq", "--ipq-codes", "257"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--ipq-codes 257", r.Error);
        r = CliRun.Of([.. common, "--scheme", "ipq", "--block-size", "17"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--block-size 17", r.Error);
        Assert.False(Directory.Exists(o));
        string[] pack = ["pack", "--model", fixture.ModelDir, "--calibration-data", fixture.DataDir, "--out", fixture.Path("ipq-bad.nii")];
        r = CliRun.Of([.. pack, "--ipq-codes", "16"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--ipq-codes and --ipq-block apply to --scheme ipq only", r.Error);
        r = CliRun.Of([.. pack, "--scheme", "ipq", "--ipq-block", "0"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--ipq-block 0", r.Error);
        Assert.False(File.Exists(fixture.Path("ipq-bad.nii")));
    }
}
