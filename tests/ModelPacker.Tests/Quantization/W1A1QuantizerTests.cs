using ModelPacker.Binarization;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

/// <summary>The float w1a1 model to scheme W1A1: what each tensor holds, and that the integer model follows the
/// binarized float forward it was calibrated on.</summary>
public class W1A1QuantizerTests
{
    /// <summary>A random teacher made binary (elastic binarizers with calibrated alphas and non-zero betas).</summary>
    private static AlbertParameters Student(int seed)
    {
        var teacher = TestModels.RandomParameters(seed, vocab: 60, e: 32, h: 64, heads: 2, i: 96, layers: 3, positions: 12, labels: 5);
        var student = BinarizationPipeline.Student(teacher, new BinarizationSettings { ActivationBinarizer = BinarizationSettings.Elastic });
        var rng = new Random(seed);
        foreach (var b in student.InputBinarizers)
            if (!b.ThresholdIsZero) b.Beta.Data[0] = (float)(rng.NextDouble() - 0.5) * 0.6f;
        InputBinarizerCalibration.Run(student, Sequences(seed + 1, 40));
        return student;
    }

    private static int[][] Sequences(int seed, int count) => TestModels.RandomSequences(seed, count, 60, 12);

    [Fact]
    public void MultipliersShareOneShiftWithTheLargestInTheTopUint16Octave()
    {
        double[] real = [0.013, 0.2, 0.0071, 0.19999, 0];
        var (m, shift) = W1A1Quantizer.Multipliers(real, "t");
        Assert.InRange(m.Max(), 1 << 15, (1 << 16) - 1);
        for (int r = 0; r < real.Length; r++) Assert.True(Math.Abs(m[r] - Math.ScaleB(real[r], shift)) <= 0.5, $"row {r}");
        var ex = Assert.Throws<InvalidDataException>(() => W1A1Quantizer.Multipliers([1e6], "big.weight"));
        Assert.StartsWith("big.weight: largest row scale ratio", ex.Message);
    }

    [Fact]
    public void TensorsHoldTheForwardsSignRowsThresholdsAndBiasesInAccumulatorUnits()
    {
        var p = Student(3);
        var s = BinaryCalibrator.Calibrate(p, Sequences(5, 60));
        var m = W1A1Quantizer.Quantize(p, s);
        var w = new ModelWeights(p);
        Assert.Equal(SchemeId.W1A1, m.Dims.Scheme);
        foreach (var (id, t) in m.Tensors())
            Assert.Equal(Schemes.W1A1.EncodingOf(id), t.Encoding);

        void Check(EncodedTensor t, LinearWeights layer, double inScale, double outScale, bool sign)
        {
            var q = t.Traits.Decode(t);
            var bin = layer.InputBinarizer!.Value;
            Assert.Equal((int)Math.Ceiling(bin.Beta / inScale), q.InputThreshold);
            for (int r = 0; r < q.Rows; r++)
            {
                double alpha = Math.Abs(layer.W[r * q.Cols]), unit = alpha * bin.Alpha;
                for (int c = 0; c < q.Cols; c++) Assert.Equal(layer.W[r * q.Cols + c] >= 0 ? 1 : -1, q.Weights[r * q.Cols + c]);
                double b = layer.B[r] / unit;
                Assert.Equal(sign ? Math.Floor(b) : Math.Round(b, MidpointRounding.AwayFromZero), q.RowParams[r].Bias);
                if (sign)   // binary_sign stores no multiplier: only the sign of acc + bias is read
                {
                    Assert.Equal((1, 1), (q.RowParams[r].Multiplier, q.RowParams[r].Shift));
                    continue;
                }
                double real = unit / outScale, got = q.RowParams[r].Multiplier * Math.ScaleB(1.0, -q.RowParams[r].Shift);
                Assert.True(Math.Abs(got - real) <= Math.ScaleB(0.5, -q.RowParams[r].Shift), $"{layer.Name} row {r}: {got} vs {real}");
            }
        }
        Assert.Equal(TensorEncoding.BinarySign, m.Query.Encoding);
        Check(m.Query, w.Query, s.Hidden, s.Query, sign: true);
        Check(m.Value, w.Value, s.Hidden, s.Value, sign: true);
        Check(m.Ffn, w.Ffn, s.AttentionNorm, s.GeluInput, sign: false);
        Check(m.EmbeddingMappingIn, w.EmbeddingProjection, s.EmbeddingNorm, s.Hidden, sign: false);
        Check(m.Exits[1].Pooler, w.Poolers[1], s.Hidden, s.TanhInput[1], sign: false);
        Check(m.AttentionDense, w.AttentionOutput, 1.0, s.AttentionSum, sign: false);
        Assert.Equal(0, m.AttentionDense.Traits.Decode(m.AttentionDense).InputThreshold); // the context: its sign
        Assert.Equal(1.0, s.Context);

        // Embedding rows (binary_embed): the forward's ±alpha_r in the int16 sum's units as m_r · 2^k, m_r one byte,
        // k the smallest shift that fits the largest (which then lies in [128, 256)), within half a step of 2^k.
        Assert.Equal(TensorEncoding.BinaryEmbed, m.WordEmbeddings.Encoding);
        Assert.Equal(TensorEncoding.BinaryEmbed, m.PositionEmbeddings.Encoding);
        var word = m.WordEmbeddings.Traits.Decode(m.WordEmbeddings);
        int e = p.Config.EmbeddingSize, k = BitConverter.ToInt32(m.WordEmbeddings.Params, 0);
        var magnitudes = m.WordEmbeddings.Params.Skip(BinaryEmbedEncoding.HeaderBytes).Select(b => (int)b).ToArray();
        Assert.InRange(magnitudes.Max(), k == 0 ? 1 : 128, 255);
        for (int r = 0; r < word.Rows; r++)
        {
            Assert.Equal(0, word.RowParams[r].Bias);
            double alpha = Math.Abs(w.WordEmbeddings[r * e]), got = BinaryEmbedEncoding.Value(m.WordEmbeddings, r);
            Assert.Equal((long)magnitudes[r] << k, (long)got);
            Assert.True(Math.Abs(got - alpha / s.EmbeddingSum) <= Math.ScaleB(0.5, k), $"word row {r}: {got} vs {alpha / s.EmbeddingSum}");
            for (int c = 0; c < e; c++) Assert.Equal(w.WordEmbeddings[r * e + c] >= 0 ? 1 : -1, word.Weights[r * e + c]);
        }
        // The exit classifiers are the int8 quantizer's, bit for bit.
        Assert.Equal(Int8Quantizer.Classifier(p.Exits[2]), m.Exits[2].Classifier, EncodedTensorComparer.Instance);
    }

    [Fact]
    public void FfnOutputThresholdMatchesTheGeluSignOnTheTableGrid()
    {
        var p = Student(4);
        var s = BinaryCalibrator.Calibrate(p, Sequences(6, 60));
        var m = W1A1Quantizer.Quantize(p, s);
        var layer = new ModelWeights(p).FfnOutput;
        int t = m.FfnOutput.Traits.Decode(m.FfnOutput).InputThreshold!.Value;
        int Errors(int th) => Enumerable.Range(0, 256).Count(i =>
            (m.QuantParams.Gelu[i] >= th) != (Int8Quantizer.Gelu((i - 128) * s.GeluInput, "gelu_new") >= layer.InputBinarizer!.Value.Beta));
        for (int other = -128; other <= 127; other++) Assert.True(Errors(t) <= Errors(other), $"threshold {other} beats {t}");
    }

    /// <summary>
    /// On inputs that lie on their site's int8 grid, each binary layer is the float layer: the same input bits
    /// (q ≥ t exactly when q·S ≥ beta), the same accumulator, so the integer output is the float output in S_out units
    /// up to the bias and requantization rounding, and Q, K, V's sign bits are exact. (Across a whole model the int8
    /// rounding of the sites in between flips inputs that sit near a threshold, which a random model amplifies; the
    /// trained model's end-to-end agreement is measured through the CLI.)
    /// </summary>
    [Fact]
    public void EachBinaryLayerIsTheFloatLayerOnItsInputGrid()
    {
        var p = Student(5);
        var s = BinaryCalibrator.Calibrate(p, Sequences(7, 80));
        var m = W1A1Quantizer.Quantize(p, s);
        var w = new ModelWeights(p);
        var rng = new Random(11);
        (EncodedTensor T, LinearWeights L, double In, double Out, bool Sign)[] layers =
        [
            (m.EmbeddingMappingIn, w.EmbeddingProjection, s.EmbeddingNorm, s.Hidden, false),
            (m.Query, w.Query, s.Hidden, 0, true), (m.Key, w.Key, s.Hidden, 0, true), (m.Value, w.Value, s.Hidden, 0, true),
            (m.AttentionDense, w.AttentionOutput, s.Context, s.AttentionSum, false),
            (m.Ffn, w.Ffn, s.AttentionNorm, s.GeluInput, false),
            (m.FfnOutput, w.FfnOutput, s.GeluOutput, s.FullSum, false),
            (m.Exits[0].Pooler, w.Poolers[0], s.Hidden, s.TanhInput[0], false),
        ];
        foreach (var (t, layer, inScale, outScale, sign) in layers)
        {
            var q = t.Traits.Decode(t);
            var bin = layer.InputBinarizer!.Value;
            for (int trial = 0; trial < 20; trial++)
            {
                var x = Enumerable.Range(0, q.Cols).Select(_ => (sbyte)rng.Next(-128, 128)).ToArray();
                var xf = x.Select(v => (float)(v * inScale)).ToArray();
                var xb = new float[xf.Length];
                ModelPacker.Numerics.Binarize.ElasticForward(xf, bin.Alpha, bin.Beta, xb);
                for (int r = 0; r < q.Rows; r++)
                {
                    int acc = 0;
                    for (int c = 0; c < q.Cols; c++) acc += q.Weights[r * q.Cols + c] * q.InputValue(x[c]);
                    double y = layer.B[r];
                    for (int c = 0; c < q.Cols; c++) y += (double)layer.W[r * q.Cols + c] * xb[c];
                    var rp = q.RowParams[r];
                    if (sign)
                    {
                        if (Math.Abs(y) > 1e-4) Assert.True(acc + rp.Bias >= 0 == y >= 0, $"{layer.Name} row {r}: acc {acc} + {rp.Bias} vs {y}");
                        continue;
                    }
                    double got = FixedPoint.RoundShift((long)(acc + rp.Bias) * rp.Multiplier, rp.Shift);
                    // bias rounding (half an accumulator unit) and the output rounding
                    double tolerance = 0.5 + 0.5 * rp.Multiplier * Math.ScaleB(1.0, -rp.Shift) + 1e-3 * Math.Abs(y / outScale);
                    Assert.True(Math.Abs(got - y / outScale) <= tolerance, $"{layer.Name} row {r}: {got} vs {y / outScale}");
                }
            }
        }
    }

    [Fact]
    public void BiasOutsideInt16IsAnErrorNamingTheTensorAndRow()
    {
        var p = Student(6);
        var s = BinaryCalibrator.Calibrate(p, Sequences(9, 30));
        p.FfnBias.Data[7] = 1e6f;
        var ex = Assert.Throws<InvalidDataException>(() => W1A1Quantizer.Quantize(p, s));
        Assert.StartsWith($"{p.FfnWeight.Name}: row 7 bias 1E+06 is ", ex.Message);
        Assert.Contains("outside int16", ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Fact]
    public void AnFp32ModelIsRefused()
    {
        var p = TestModels.RandomParameters(1, e: 32, h: 64, heads: 2, i: 96);
        Assert.Throws<ArgumentException>(() => new BinaryActivationRecorder(p));
        var s = Calibrator.Calibrate(p, Sequences(2, 10));
        var ex = Assert.Throws<InvalidDataException>(() => W1A1Quantizer.Quantize(p, s));
        Assert.Contains("not a w1a1 model", ex.Message);
    }

    private sealed class EncodedTensorComparer : IEqualityComparer<EncodedTensor>
    {
        public static readonly EncodedTensorComparer Instance = new();
        public bool Equals(EncodedTensor? a, EncodedTensor? b) => a!.Encoding == b!.Encoding && a.Rows == b.Rows && a.Cols == b.Cols
            && a.Data.AsSpan().SequenceEqual(b.Data) && a.Params.AsSpan().SequenceEqual(b.Params);
        public int GetHashCode(EncodedTensor t) => t.Rows;
    }
}
