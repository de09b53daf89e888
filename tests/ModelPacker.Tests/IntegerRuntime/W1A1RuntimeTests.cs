using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>
/// Scheme W1A1 in the C# reference: IntegerAlbert (token-batched GEMM on packed bits, row tiles, bit-plane
/// Bi-Attention) against a plain re-statement of docs/numerics.md over the decoded ±1 integers, and the image round trip.
/// </summary>
public class W1A1RuntimeTests
{
    /// <summary>The W1A1 forward pass written as the spec states it: one value at a time, no bits, no tiles.</summary>
    private static ExitOutput[] Plain(IntegerModel m, int[] ids)
    {
        var d = m.Dims;
        var qp = m.QuantParams;
        int n = ids.Length, h = d.HiddenSize, dh = d.HeadSize;
        long Acc(QuantizedTensor w, ReadOnlySpan<sbyte> x, int r)
        {
            long a = 0;
            for (int c = 0; c < w.Cols; c++) a += w.Weights[r * w.Cols + c] * w.InputValue(x[c]);
            return a + w.RowParams[r].Bias;
        }
        long Rq(long v, RowParams p) => FixedPoint.RoundShift(v * p.Multiplier, p.Shift);
        sbyte[] Linear(EncodedTensor t, ReadOnlySpan<sbyte> x)
        {
            var w = t.Traits.Decode(t);
            var o = new sbyte[w.Rows];
            for (int r = 0; r < w.Rows; r++) o[r] = FixedPoint.Sat8(Rq(Acc(w, x, r), w.RowParams[r]));
            return o;
        }
        short[] LinearAdd(EncodedTensor t, ReadOnlySpan<sbyte> x, sbyte[] res, Requant rq)
        {
            var w = t.Traits.Decode(t);
            var o = new short[w.Rows];
            for (int r = 0; r < w.Rows; r++) o[r] = FixedPoint.Sat16(Rq(Acc(w, x, r), w.RowParams[r]) + FixedPoint.RoundShift((long)res[r] * rq.Multiplier, rq.Shift));
            return o;
        }
        int[] Sign(EncodedTensor t, sbyte[] x)
        {
            var w = t.Traits.Decode(t);
            return Enumerable.Range(0, w.Rows).Select(r => Acc(w, x, r) >= 0 ? 1 : -1).ToArray();
        }
        sbyte[] Ln(short[] wide, LayerNormParam[] p) { var o = new sbyte[wide.Length]; IntegerKernels.LayerNormS16(wide, p, wide.Length, o); return o; }

        var hidden = new sbyte[n][];
        var we = m.WordEmbeddings.Traits.Decode(m.WordEmbeddings);
        var pe = m.PositionEmbeddings.Traits.Decode(m.PositionEmbeddings);
        for (int t = 0; t < n; t++)
        {
            var wide = new short[d.EmbeddingSize];
            for (int c = 0; c < wide.Length; c++)
                wide[c] = FixedPoint.Sat16(Rq(we.Row(ids[t])[c], we.RowParams[ids[t]] with { Bias = 0 }) + Rq(pe.Row(t)[c], pe.RowParams[t]));
            hidden[t] = Linear(m.EmbeddingMappingIn, Ln(wide, qp.EmbeddingLn));
        }
        var exits = new ExitOutput[d.NumLayers];
        for (int l = 0; l < d.NumLayers; l++)
        {
            var q = hidden.Select(x => Sign(m.Query, x)).ToArray();
            var k = hidden.Select(x => Sign(m.Key, x)).ToArray();
            var v = hidden.Select(x => Sign(m.Value, x)).ToArray();
            var next = new sbyte[n][];
            for (int i = 0; i < n; i++)
            {
                var ctx = new sbyte[h];
                for (int head = 0; head < d.NumHeads; head++)
                    for (int dd = head * dh; dd < (head + 1) * dh; dd++)
                    {
                        int sum = 0;
                        for (int j = 0; j < n; j++)
                        {
                            int s = 0;
                            for (int e = head * dh; e < (head + 1) * dh; e++) s += q[i][e] * k[j][e];
                            if (s >= qp.AttentionThreshold) sum += v[j][dd];
                        }
                        ctx[dd] = FixedPoint.Sat8(sum);
                    }
                var a = Ln(LinearAdd(m.AttentionDense, ctx, hidden[i], qp.AttentionResidual), qp.AttentionLn);
                var g = Linear(m.Ffn, a).Select(x => qp.Gelu[x + 128]).ToArray();
                next[i] = Ln(LinearAdd(m.FfnOutput, g, a, qp.FullResidual), qp.FullLn);
            }
            hidden = next;
            var pooled = Linear(m.Exits[l].Pooler, hidden[0]).Select(x => qp.Tanh[l][x + 128]).ToArray();
            var cls = m.Exits[l].Classifier.Traits.Decode(m.Exits[l].Classifier);
            var logits = Enumerable.Range(0, d.NumLabels).Select(r => (int)Math.Clamp(Rq(Acc(cls, pooled, r), cls.RowParams[r]), -IntegerKernels.LogitLimit, IntegerKernels.LogitLimit)).ToArray();
            exits[l] = new ExitOutput(logits, IntegerKernels.EntropyQ16(logits, logits.Length, qp.Exp2Frac, qp.Log2Frac));
        }
        return exits;
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, -6)]
    [InlineData(3, 10)]
    [InlineData(4, 1, 0b011)]
    public void IntegerAlbertComputesTheSpecsW1A1LayerAtEveryExit(int seed, int attentionThreshold, int s8Poolers = 0)
    {
        var m = W1A1TestModels.Random(seed, attentionThreshold: attentionThreshold, s8Poolers: s8Poolers);
        var runtime = new IntegerAlbert(m);
        var seqs = TestModels.RandomSequences(seed + 50, 20, m.Dims.VocabSize, m.Dims.MaxPositions)
            .Append(Enumerable.Range(0, m.Dims.MaxPositions).Select(i => i % m.Dims.VocabSize).ToArray()).ToArray();
        var distinct = new HashSet<string>();
        foreach (var ids in seqs)
        {
            var got = runtime.RunAll(ids);
            var want = Plain(m, ids);
            for (int l = 0; l < got.Length; l++)
            {
                Assert.Equal(want[l].LogitsQ16, got[l].LogitsQ16);
                Assert.Equal(want[l].EntropyQ16, got[l].EntropyQ16);
                distinct.Add(string.Join(",", got[l].LogitsQ16));
            }
        }
        // the logits depend on the tokens and the layer: a runtime that ignored its input would not pass
        Assert.True(distinct.Count > seqs.Length, $"only {distinct.Count} distinct logit vectors");
    }

    [Fact]
    public void AW1A1ImageRoundTripsWithItsTestVectors()
    {
        var image = W1A1TestModels.Image(4);
        var bytes = image.Build();
        var file = ImageReader.Read(bytes, "w1a1.nimg");
        Assert.Equal(SchemeId.W1A1, file.Content.Dims.Scheme);
        var back = IntegerImage.FromContent(file.Content, "w1a1.nimg");
        foreach (var (id, t) in image.InImageOrder().Model.Tensors()) // word embedding rows in the image's token order
        {
            var b = back.Model.Tensors()[id];
            Assert.Equal(t.Encoding, b.Encoding);
            Assert.Equal(t.Data, b.Data);
            Assert.Equal(t.Params, b.Params);
        }
        Assert.Equal(TensorEncoding.Int8Row, back.Model.Exits[0].Classifier.Encoding);
        Assert.Equal(TensorEncoding.Binary, back.Model.Exits[0].Pooler.Encoding);
        Assert.Equal(image.Model.QuantParams.ToBytes(), back.Model.QuantParams.ToBytes());
        Assert.Equal(-5, back.Model.QuantParams.AttentionThreshold);
        Assert.Equal(12, back.TestVectors!.Count);
        Assert.Empty(TestVectorBuilder.Verify(back.Model, back.TestVectors!, back.Rejection));
    }

    [Fact]
    public void TheValidatorRejectsAnInt8TensorInAW1A1ModelAndABinaryOneInAnInt8Model()
    {
        var m = W1A1TestModels.Random(5);
        var tensors = m.Tensors().ToDictionary();
        var int8Ffn = Int8RowEncoding.Instance.Encode(new QuantizedTensor(m.Ffn.Rows, m.Ffn.Cols, new sbyte[m.Ffn.Rows * m.Ffn.Cols],
            Enumerable.Repeat(new RowParams(0, 1, 1), m.Ffn.Rows).ToArray()), "ffn");
        tensors[(ushort)TensorId.Ffn] = int8Ffn;
        var e = Assert.Throws<InvalidDataException>(() => IntegerModel.FromTensors(m.Dims, tensors, m.QuantParams, "model"));
        Assert.Equal("model: tensor Ffn: encoding int8_row, scheme w1a1 stores this tensor as binary", e.Message);
        var int8 = TestModels.RandomQuantized(6);
        var mixed = int8.Tensors().ToDictionary();
        mixed[FlashImageFormat.ExitTensor(0, ExitPart.Pooler)] = m.Exits[0].Pooler;
        e = Assert.Throws<InvalidDataException>(() => IntegerModel.FromTensors(int8.Dims, mixed, int8.QuantParams, "model"));
        Assert.StartsWith("model: tensor Exit0.Pooler: ", e.Message);
        var thr = Assert.Throws<InvalidDataException>(() => IntegerModel.FromTensors(m.Dims, m.Tensors(), W1A1TestModels.Random(5, attentionThreshold: 33).QuantParams, "model"));
        Assert.Contains("attn_threshold 33 outside +-32", thr.Message);
        Assert.Contains("multiples of 32", Assert.Throws<InvalidDataException>(() => (W1A1TestModels.Dims() with { IntermediateSize = 100 }).Validate("dims")).Message);
        // binary_s8 (1-bit weights over int8 inputs) belongs to the poolers: anywhere else, or in an INT8 model, a named error
        var s8 = W1A1TestModels.BinaryS8(new Random(1), m.Ffn.Rows, m.Ffn.Cols, bias: 10, scale: 0.1);
        tensors = m.Tensors().ToDictionary();
        tensors[(ushort)TensorId.Ffn] = s8;
        e = Assert.Throws<InvalidDataException>(() => IntegerModel.FromTensors(m.Dims, tensors, m.QuantParams, "model"));
        Assert.Equal("model: tensor Ffn: encoding binary_s8 is for exit poolers only; scheme w1a1 stores this tensor as binary", e.Message);
        mixed = int8.Tensors().ToDictionary();
        mixed[FlashImageFormat.ExitTensor(0, ExitPart.Pooler)] = W1A1TestModels.BinaryS8(new Random(2), int8.Dims.HiddenSize, int8.Dims.HiddenSize, 10, 0.1);
        e = Assert.Throws<InvalidDataException>(() => IntegerModel.FromTensors(int8.Dims, mixed, int8.QuantParams, "model"));
        Assert.StartsWith("model: tensor Exit0.Pooler: encoding binary_s8, scheme int8 stores this tensor as int8_row", e.Message);
        tensors = m.Tensors().ToDictionary();
        tensors[FlashImageFormat.ExitTensor(1, ExitPart.Pooler)] = W1A1TestModels.BinaryS8(new Random(3), m.Dims.HiddenSize, m.Dims.HiddenSize, 10, 0.1);
        Assert.Equal(TensorEncoding.BinaryS8, IntegerModel.FromTensors(m.Dims, tensors, m.QuantParams, "model").Exits[1].Pooler.Encoding);
    }
}
