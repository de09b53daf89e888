using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>
/// GOBO (docs/numerics.md section 3h): the outlier rule (log-probability under the tensor's Gaussian below −4)
/// against the density written out, the centroids (each the median of the values nearest it, the L1 fixed point),
/// the quantizer's tensors against the fp32 weights, and <c>pack --scheme gobo3</c> through the CLI.
/// </summary>
public class Gobo3QuantizerTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void OutliersAreTheWeightsWhoseGaussianLogDensityIsBelowMinus4()
    {
        var rng = new Random(51);
        var w = new float[20000];
        for (int k = 0; k < w.Length; k++) w[k] = (float)(0.05 * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble()) + 0.01);
        w[17] = 0.6f;   // far out
        var split = Gobo3Quantizer.Fit(w);
        double mean = w.Average(v => (double)v), sd = Math.Sqrt(w.Average(v => (v - mean) * (v - mean)));
        var want = Enumerable.Range(0, w.Length)
            .Where(k => -0.5 * Math.Log(2 * Math.PI * sd * sd) - (w[k] - mean) * (w[k] - mean) / (2 * sd * sd) < -4).ToArray();
        Assert.Equal(want, split.OutlierIndices);
        Assert.Contains(17, split.OutlierIndices);
        Assert.InRange(split.OutlierIndices.Length, 3, 40);    // |z| above ~3.5 of a Gaussian: about 1 in 2,000
    }

    [Fact]
    public void EachCentroidIsTheMedianOfTheValuesNearestIt()
    {
        var rng = new Random(52);
        var v = Enumerable.Range(0, 1001).Select(_ => rng.NextDouble() * rng.NextDouble() - 0.3).ToArray();
        var c = Gobo3Quantizer.Centroids(v);
        Assert.Equal(8, c.Length);
        Assert.True(c.Zip(c.Skip(1)).All(p => p.First < p.Second), "ascending, distinct");
        var members = v.GroupBy(x => Enumerable.Range(0, 8).MinBy(k => Math.Abs(x - c[k]))).ToDictionary(g => g.Key, g => g.Order().ToArray());
        foreach (var (k, m) in members)
        {
            double median = m.Length % 2 == 1 ? m[m.Length / 2] : (m[m.Length / 2 - 1] + m[m.Length / 2]) / 2;
            Assert.Equal(median, c[k], 12);
        }
        // the L1 error is no worse than that of the equal-population bins it starts from
        var sorted = v.Order().ToArray();
        var start = Enumerable.Range(0, 8).Select(k => sorted[(2 * k + 1) * sorted.Length / 16]).ToArray();
        double L1(double[] cs) => v.Sum(x => cs.Min(y => Math.Abs(x - y)));
        Assert.True(L1(c) <= L1(start) + 1e-9);
    }

    [Fact]
    public void TheQuantizerKeepsTheIntegerModelAndPutsEveryLinearWeightInGobo3()
    {
        var p = TestModels.RandomParameters(53);
        p.FfnWeight.Data[3] = 3f;   // 10 standard deviations: an outlier for sure
        var scales = Calibrator.Calibrate(p, TestModels.RandomSequences(54, 20, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        var gobo = Gobo3Quantizer.Quantize(p, scales);
        var int8 = Int8Quantizer.Quantize(p, scales);
        Assert.Equal(SchemeId.Gobo3, gobo.Dims.Scheme);
        foreach (var (id, t) in gobo.Tensors()) Assert.Equal(Schemes.Gobo3.EncodingOf(id), t.Encoding);
        Assert.Equal(int8.QuantParams.ToBytes(), gobo.QuantParams.ToBytes());
        Assert.Equal(int8.WordEmbeddings.Data, gobo.WordEmbeddings.Data);
        // the FFN: outliers exactly the fitted ones, kept to their unit; every other weight at its nearest centroid
        var w = p.FfnWeight;
        var g = Gobo3Encoding.Unpack(gobo.Ffn);
        var split = Gobo3Quantizer.Fit(w.Data);
        Assert.NotEmpty(split.OutlierIndices);
        Assert.Equal(split.OutlierIndices, g.Outliers.Select(o => o.Row * w.Cols + o.Col));
        double max = split.Centroids.Select(Math.Abs).Concat(split.OutlierIndices.Select(k => Math.Abs((double)w.Data[k]))).Max();
        double unit = max / Gobo3Tensor.MaxValue;
        Assert.Equal(Gobo3Tensor.MaxValue, g.Outliers.Select(o => Math.Abs((int)o.Value)).Concat(g.CentroidValues.Select(c => Math.Abs((int)c))).Max());
        foreach (var o in g.Outliers) Assert.True(Math.Abs(o.Value * unit - w.Data[o.Row * w.Cols + o.Col]) <= unit / 2 + 1e-12);
        for (int k = 0; k < w.Length; k++)
        {
            if (split.OutlierIndices.Contains(k)) continue;
            double x = w.Data[k] / unit;
            int got = g.Weight(k / w.Cols, k % w.Cols);
            Assert.True(g.CentroidValues.All(c => Math.Abs(x - got) <= Math.Abs(x - c) + 1e-9), $"weight {k}: {x} -> {got}");
        }
        double accUnit = unit * scales.AttentionNorm;
        for (int r = 0; r < w.Rows; r++) Assert.Equal(Math.Round(p.FfnBias.Data[r] / accUnit, MidpointRounding.AwayFromZero), g.Biases[r]);
        Assert.Equal(FixedPointMultiplier.FromReal(accUnit / scales.GeluInput, "ffn"), new Requant(g.Multiplier, g.Shift));
    }

    [Fact]
    public void ABiasBeyond2To30AccumulatorUnitsIsAPackingErrorNamingTheTensorAndRow() =>
        SchemePacking.ABiasBeyond2To30AccumulatorUnitsIsAnError(Gobo3Quantizer.Linear);

    [Fact]
    public void PackSchemeGobo3WritesAnImageTheCRuntimeReproducesAndInspectNamesTheEncoding() =>
        SchemePacking.PackWritesAnImageTheCRuntimeReproduces(fixture, Schemes.Gobo3, TensorEncoding.Gobo3);
}
