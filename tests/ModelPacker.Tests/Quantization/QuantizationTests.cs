using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Quantization;

public class QuantizationTests
{
    [Fact]
    public void FixedPointMultipliersAreAccurateToThirtyBits()
    {
        var r = new Random(31);
        for (int k = 0; k < 2000; k++)
        {
            double x = Math.Exp(r.NextDouble() * 40 - 20);   // 2e-9 .. 1e8: shifts 1..59
            var rq = FixedPointMultiplier.FromReal(x, "t");
            Assert.True(rq.IsValid);
            Assert.InRange(rq.Multiplier, 1 << 30, int.MaxValue);
            Assert.InRange(Math.Abs(FixedPointMultiplier.ToReal(rq) / x - 1), 0, 1.0 / (1 << 30));
        }
        Assert.Equal(new Requant(0, 1), FixedPointMultiplier.FromReal(0, "t"));
        Assert.Equal(new Requant(1 << 30, 31), FixedPointMultiplier.FromReal(0.5, "t"));
        Assert.Throws<InvalidDataException>(() => FixedPointMultiplier.FromReal(1e10, "t"));
        var tiny = FixedPointMultiplier.FromReal(1e-30, "t");
        Assert.Equal(62, tiny.Shift);
    }

    [Fact]
    public void QuantParamsRoundTripAndTheCValidatorAgreesWithTheCSharpOne()
    {
        var m = TestModels.RandomQuantized(32);
        var bytes = m.QuantParams.ToBytes();
        Assert.Equal(QuantParams.SizeFor(m.Dims), bytes.Length);
        Assert.Equal(bytes, QuantParams.FromBytes(bytes, m.Dims, "qp").ToBytes());
        var dims = NativeDims.Of(m.Dims);
        Assert.Equal(1, NativeKernels.QparamsValidate(bytes, dims));
        // version 3: {version, tables, attn_threshold, 2 requants, exp2[256], log2[256], gelu[256]} = 2332 bytes, then
        // the INT8 scheme's softmax block {softmax_index, context, exp[512]}
        const int Exp2 = 28, Log2 = 1052, Softmax = QuantParams.FixedBytes, Exp = Softmax + 16;
        Assert.Equal(2332, QuantParams.FixedBytes);
        var breakers = new List<(string What, Func<byte[], byte[]> Break)>
        {
            ("version", b => { b[0] = 2; return b; }),
            ("tables without the softmax block", b => { b[4] = 0; return b; }),
            ("unknown tables bit", b => { b[4] = 3; return b; }),
            ("attn_threshold in int8", b => { b[8] = 1; return b; }),
            ("shift 0", b => { Array.Clear(b, 16, 4); return b; }),
            ("negative multiplier", b => { b[23] = 0x80; return b; }),
            ("exp2 table low", b => { BitConverter.GetBytes(5).CopyTo(b, Exp2 + 8); return b; }),
            ("log2 table falls", b => { BitConverter.GetBytes(-1).CopyTo(b, Log2 + 8); return b; }),
            ("softmax index shift 0", b => { Array.Clear(b, Softmax + 4, 4); return b; }),
            ("context multiplier negative", b => { b[Softmax + 11] = 0x80; return b; }),
            ("exp table start", b => { b[Exp] = 1; return b; }),
            ("exp table rises", b => { BitConverter.GetBytes(70000).CopyTo(b, Exp + 4); return b; }),
            ("short", b => b[..^1]),
            ("long", b => [.. b, 0]),
        };
        foreach (var (what, brk) in breakers)
        {
            var bad = brk((byte[])bytes.Clone());
            Assert.True(NativeKernels.QparamsValidate(bad, dims) == 0, $"C accepted QUANT_PARAMS with bad {what}");
            Assert.Throws<InvalidDataException>(() => QuantParams.FromBytes(bad, m.Dims, "qp"));
        }
        // W1A1: no softmax block (2064 bytes fewer, tables 0; bit 0 set is NI_ERR_QUANT_TABLES in both), attn_threshold
        // within +-head size (32 here) in both validators, and not one step beyond
        var w = W1A1TestModels.Random(33);
        var wdims = NativeDims.Of(w.Dims);
        var wb = w.QuantParams.ToBytes();
        Assert.Equal(QuantParams.FixedBytes + 8 * (w.Dims.EmbeddingSize + 2 * w.Dims.HiddenSize) + 256 * w.Dims.NumLayers, wb.Length);
        Assert.Equal(0, BitConverter.ToInt32(wb, 4));
        wb[4] = 1;
        Assert.Equal(NiStatus.QuantTables, QuantParams.Problem(wb, w.Dims)!.Value.Status);
        Assert.Equal(0, NativeKernels.QparamsValidate(wb, wdims));
        foreach (int t in new[] { -33, -32, 0, 17, 32, 33, int.MinValue })
        {
            var b = w.QuantParams.ToBytes();
            BitConverter.GetBytes(t).CopyTo(b, 8);
            bool ok = Math.Abs((long)t) <= w.Dims.HeadSize;
            Assert.Equal(ok ? 1 : 0, NativeKernels.QparamsValidate(b, wdims));
            Assert.Equal(ok, QuantParams.Problem(b, w.Dims) == null);
        }
    }

    [Fact]
    public void TablesHoldTheirDefiningValues()
    {
        var exp = Tables.Exp();
        Assert.Equal(65536, exp[0]);
        Assert.Equal((int)Math.Round(Math.Exp(-1) * 65536), exp[32]);
        Assert.Equal(1 << 30, Tables.Exp2Frac()[0]);
        Assert.Equal((int)Math.Round(Math.Pow(2, -0.5) * (1 << 30)), Tables.Exp2Frac()[128]);
        Assert.Equal(38336, Tables.Log2Frac()[128]);  // log2(1.5) * 2^16
        var tanh = Tables.Activation(Math.Tanh, 4.0 / 127, 1.0 / 127);
        Assert.Equal(0, tanh[128]);
        Assert.Equal(127, tanh[255]);
        Assert.Equal(-tanh[255 - 1], tanh[1]);
    }

    [Fact]
    public void TheInt8ModelFollowsTheFp32ModelAtEveryExit()
    {
        var p = TestModels.RandomParameters(33, vocab: 80, e: 32, h: 64, heads: 4, i: 128, layers: 3, positions: 16, labels: 6, weightStd: 0.1);
        var calib = TestModels.RandomSequences(34, 200, 80, 16);
        var m = Int8Quantizer.Quantize(p, Calibrator.Calibrate(p, calib));
        var fp = new AlbertModel(p);
        var q = new IntegerAlbert(m);
        double err = 0, spread = 0;
        int agree = 0, total = 0;
        foreach (var ids in TestModels.RandomSequences(35, 60, 80, 16))
        {
            var a = fp.Predict(ids);
            var b = q.RunAll(ids);
            for (int l = 0; l < a.Length; l++)
            {
                for (int c = 0; c < a[l].Length; c++)
                {
                    err += Math.Abs(a[l][c] - b[l].LogitsQ16[c] / 65536.0);
                    spread += Math.Abs(a[l][c] - a[l].Average());
                }
                agree += Array.IndexOf(a[l], a[l].Max()) == b[l].Predicted ? 1 : 0;
                total++;
            }
        }
        Assert.True(err / spread < 0.1, $"int8 logits deviate {err / spread:P1} of the fp32 logit spread");
        Assert.True(agree >= 0.9 * total, $"int8 argmax agrees with fp32 on {agree}/{total} exits");
    }

    [Fact]
    public void ThresholdSweepKeepsAccuracyAndSavesLayers()
    {
        // Two layers; utterance i is right at layer 0 when its layer-0 entropy is low.
        int n = 100;
        var ent = Enumerable.Range(0, n).Select(i => new[] { i * 1000, 0 }).ToArray();
        var correct = Enumerable.Range(0, n).Select(i => new[] { i < 50, true }).ToArray();
        var best = ThresholdSweep.Choose(ent, correct, 2, 0);
        Assert.Equal(1.0, best.Accuracy);
        Assert.True(best.MeanLayers <= 1.51, $"mean layers {best.MeanLayers}");
        Assert.Equal(2.0, ThresholdSweep.Evaluate(ent, correct, [0, 0]).MeanLayers);
        Assert.Equal(1.0, ThresholdSweep.Evaluate(ent, correct, [int.MaxValue, 0]).MeanLayers);
    }
}
