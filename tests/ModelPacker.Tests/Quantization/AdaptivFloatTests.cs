using ModelPacker.Checkpoints;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>
/// AdaptivFloat (docs/numerics.md section 3g): the format's rounding against a brute-force nearest value, its edges
/// (zero, the smallest and largest magnitudes, ties, saturation), the exponent bias from the largest magnitude, the
/// quantizer's tensors, and <c>pack --scheme af8</c> through the CLI on the tiny model the CLI fixture trains.
/// </summary>
public class AdaptivFloatTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    private static readonly AdaptivFloatFormat F = AdaptivFloatFormat.Device;

    [Fact]
    public void TheDeviceFormatIs134AndItsValuesAreTheKernelTable()
    {
        Assert.Equal((3, 4, "1-3-4", 3968), (F.ExponentBits, F.MantissaBits, F.Name, F.MaxMagnitude));
        for (int c = 0; c < 256; c++) Assert.Equal(F.Value((byte)c), AdaptivFloatKernels.Values[c]);
        Assert.Equal(0, F.Value(0x80));
        Assert.Equal(17, F.Value(0x01));            // the smallest nonzero magnitude: (1 + 1/16) · 2^exp_min
        Assert.Equal(-3968, F.Value(0xFF));         // the largest: 31 · 2^7
        Assert.Equal(-(16 + 5) << 3, F.Value(0xB5)); // s = 1, E = 3, M = 5
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EncodeGivesTheNearestRepresentableValueTiesAwayFromZero(int exponentBits)
    {
        var f = new AdaptivFloatFormat(exponentBits);
        var values = Enumerable.Range(0, 256).Select(c => (Code: (byte)c, Value: f.Value((byte)c))).ToList();
        var r = new Random(30 + exponentBits);
        for (int k = 0; k < 20000; k++)
        {
            int unit = r.Next(-20, 5);
            // in units: everything from zero to past the largest magnitude, and the exact midpoints between neighbours
            double u = k % 4 == 0 ? values[r.Next(256)].Value + 0.5 * r.Next(-1, 2) : (r.NextDouble() * 1.1 * f.MaxMagnitude) * (r.Next(2) == 0 ? 1 : -1);
            double w = Math.ScaleB(u, unit);
            byte code = f.Encode(w, unit);
            double got = f.Value(code), error = Math.Abs(got - u);
            double best = values.Min(v => Math.Abs(v.Value - u));
            Assert.True(error == best, $"{f.Name}: {u} units -> {got}, nearest is {best} away");
            if (values.Select(v => v.Value).Distinct().Count(v => Math.Abs(v - u) == best) > 1)   // a tie: away from zero
                Assert.True(Math.Abs(got) > Math.Abs(u), $"{f.Name}: tie at {u} went to {got}");
            Assert.NotEqual(0x80, code);                                              // zero is always 0x00
        }
    }

    [Fact]
    public void ZeroTinyAndHugeWeightsHaveTheirDocumentedCodes()
    {
        int unit = F.UnitExponent(1.0);   // exp_max 0: unit 2^-11
        Assert.Equal(-11, unit);
        Assert.Equal(0, F.Encode(0.0, unit));
        Assert.Equal(0, F.Encode(-0.0, unit));
        Assert.Equal(0, F.Encode(double.NaN, unit));
        Assert.Equal(0, F.Encode(Math.ScaleB(8.49, unit), unit));      // below half the smallest magnitude (17 / 2)
        Assert.Equal(0x01, F.Encode(Math.ScaleB(8.5, unit), unit));    // the midpoint goes away from zero
        Assert.Equal(0x81, F.Encode(Math.ScaleB(-16, unit), unit));    // 2^exp_min itself is not representable: 17
        Assert.Equal(0x7F, F.Encode(1.9375, unit));                    // 31/16 · 2^0, the largest
        Assert.Equal(0x7F, F.Encode(1.99, unit));                      // saturated, not wrapped into the next binade
        Assert.Equal(0xFF, F.Encode(-1000.0, unit));
        Assert.Equal(1.0, F.Round(1.0, unit));
        Assert.Equal(0, F.UnitExponent(0));
        // the largest magnitude of a tensor always lands in the top binade (E = 7)
        foreach (double max in new[] { 1e-3, 0.07, 0.5, 1.0, 1.4, 3.9 })
            Assert.Equal(7, F.Encode(max, F.UnitExponent(max)) >> 4 & 7);
    }

    [Fact]
    public void TheQuantizerKeepsTheIntegerModelAndPutsEveryLinearWeightInAdaptivFloat()
    {
        var p = TestModels.RandomParameters(41);
        var scales = Calibrator.Calibrate(p, TestModels.RandomSequences(42, 20, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        var af8 = AdaptivFloatQuantizer.Quantize(p, scales);
        var int8 = Int8Quantizer.Quantize(p, scales);
        Assert.Equal(SchemeId.Af8, af8.Dims.Scheme);
        foreach (var (id, t) in af8.Tensors()) Assert.Equal(Schemes.Af8.EncodingOf(id), t.Encoding);
        Assert.Equal(int8.QuantParams.ToBytes(), af8.QuantParams.ToBytes());
        Assert.Equal(int8.WordEmbeddings.Data, af8.WordEmbeddings.Data);
        Assert.Equal(int8.Exits[1].Classifier.Params, af8.Exits[1].Classifier.Params);
        // the FFN: codes at the tensor's unit, decoded weights within half a step of the fp32 ones, biases in its units
        var w = p.FfnWeight;
        int unit = F.UnitExponent(w.Data.Max(v => Math.Abs((double)v)));
        var q = af8.Ffn.Traits.Decode(af8.Ffn);
        for (int k = 0; k < w.Length; k++)
        {
            double decoded = Math.ScaleB(AdaptivFloatKernels.Values[(byte)q.Weights[k]], unit), x = w.Data[k];
            double step = x == 0 ? 0 : Math.ScaleB(1.0, Math.Max(Math.ILogB(Math.Abs(x)) - F.MantissaBits, unit));
            Assert.True(Math.Abs(decoded - x) <= Math.Max(step / 2, Math.ScaleB(17.0 / 2, unit)) + 1e-12, $"weight {k}: {x} -> {decoded}");
        }
        double accUnit = Math.ScaleB(scales.AttentionNorm, unit);
        for (int r = 0; r < w.Rows; r++)
            Assert.Equal(Math.Round(p.FfnBias.Data[r] / accUnit, MidpointRounding.AwayFromZero), q.RowParams[r].Bias);
        Assert.Equal(FixedPointMultiplier.FromReal(accUnit / scales.GeluInput, "ffn"), q.RowParams[7].Requant);
    }

    [Fact]
    public void ABiasBeyond2To30AccumulatorUnitsIsAPackingErrorNamingTheTensorAndRow() =>
        SchemePacking.ABiasBeyond2To30AccumulatorUnitsIsAnError(AdaptivFloatQuantizer.Linear);

    [Fact]
    public void PackSchemeAf8WritesAnImageTheCRuntimeReproducesAndInspectNamesTheEncoding() =>
        SchemePacking.PackWritesAnImageTheCRuntimeReproduces(fixture, Schemes.Af8, TensorEncoding.AdaptivFloat);
}
