using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;
using ModelPacker.Text;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>
/// Small scheme-W1A1 models straight from random integers (no float model behind them): random sign bits, input
/// thresholds near zero, row scales that keep every int8 site in range, QUANT_PARAMS with real tables and LayerNorm
/// gains that spread the LayerNorm outputs over int8. Enough to exercise every binary kernel with values that differ.
/// </summary>
internal static class W1A1TestModels
{
    public static ModelDims Dims(int vocab = 60, int e = 32, int h = 64, int heads = 2, int i = 96, int layers = 3, int positions = 12, int labels = 5) =>
        new(vocab, e, h, heads, i, layers, positions, labels, ActivationId.GeluTanh, SchemeId.W1A1);

    /// <summary><paramref name="s8Poolers"/>: a bit per exit whose pooler reads the int8 h[CLS] (binary_s8) instead of
    /// its sign bits (binary).</summary>
    public static IntegerModel Random(int seed, ModelDims? dims = null, int attentionThreshold = 0, int s8Poolers = 0)
    {
        var d = dims ?? Dims();
        var rng = new Random(seed);
        // Embedding rows land in the int16 embedding sum at +-(200..500) per term (binary_embed, magnitudes 100..250,
        // shift 1); linear outputs at int8 scale about 100 / sqrt(cols) per unit of acc; the residual sums (int16) see
        // the int8 outputs 1:1.
        EncodedTensor Embedding(int rows, int cols) => BinaryEmbed(rng, rows, cols);
        EncodedTensor Linear(int rows, int cols, double outPerAcc) => Binary(rng, rows, cols, rng.Next(-6, 7), bias: cols / 4, scale: outPerAcc);
        double s(int cols) => 100 / Math.Sqrt(cols);
        var tensors = new Dictionary<ushort, EncodedTensor>
        {
            [(ushort)TensorId.WordEmbeddings] = Embedding(d.VocabSize, d.EmbeddingSize),
            [(ushort)TensorId.PositionEmbeddings] = Embedding(d.MaxPositions, d.EmbeddingSize),
            [(ushort)TensorId.EmbeddingMappingIn] = Linear(d.HiddenSize, d.EmbeddingSize, s(d.EmbeddingSize)),
            [(ushort)TensorId.AttentionQuery] = Sign(rng, d.HiddenSize, d.HiddenSize),
            [(ushort)TensorId.AttentionKey] = Sign(rng, d.HiddenSize, d.HiddenSize),
            [(ushort)TensorId.AttentionValue] = Sign(rng, d.HiddenSize, d.HiddenSize),
            [(ushort)TensorId.AttentionDense] = Linear(d.HiddenSize, d.HiddenSize, s(d.HiddenSize)),
            [(ushort)TensorId.Ffn] = Linear(d.IntermediateSize, d.HiddenSize, s(d.HiddenSize)),
            [(ushort)TensorId.FfnOutput] = Linear(d.HiddenSize, d.IntermediateSize, s(d.IntermediateSize)),
        };
        for (int l = 0; l < d.NumLayers; l++)
        {
            tensors[FlashImageFormat.ExitTensor(l, ExitPart.Pooler)] = (s8Poolers >> l & 1) != 0
                ? BinaryS8(rng, d.HiddenSize, d.HiddenSize, bias: 4 * d.HiddenSize, scale: 1.5 / Math.Sqrt(d.HiddenSize))
                : Linear(d.HiddenSize, d.HiddenSize, s(d.HiddenSize));
            tensors[FlashImageFormat.ExitTensor(l, ExitPart.Classifier)] = Int8Classifier(rng, d.NumLabels, d.HiddenSize);
        }
        return IntegerModel.FromTensors(d, tensors, QuantParams(rng, d, attentionThreshold), $"random W1A1 model {seed}");
    }

    /// <summary>A W1A1 model (attn_threshold −5) with a synthetic vocabulary, labels and test vectors of the C# reference;
    /// it answers unknown below the median confidence of its test vectors' exits (so their answers exercise the
    /// confidence rule both ways).</summary>
    public static IntegerImage Image(int seed, int vectors = 12, int s8Poolers = 0)
    {
        var model = Random(seed, attentionThreshold: -5, s8Poolers: s8Poolers);
        var plain = TestModels.ImageOf(model, seed, "b", vectors);
        var confidences = plain.TestVectors!.SelectMany(v => v.Logits)
            .Select(l => IntegerKernels.ConfidenceQ16(l, l.Length, model.QuantParams.Exp2Frac, out _)).Order().ToList();
        var rule = new ModelPacker.FlashImage.RejectionRule(ModelPacker.FlashImage.RejectKind.Confidence,
            confidences.Count == 0 ? 0 : confidences[confidences.Count / 2], -1);
        return TestModels.ImageOf(model, seed, "b", vectors, rule);
    }

    /// <summary>A random binary_s8 tensor (a pooler over the int8 h[CLS]): ±1 weights, biases within ±bias, row r's
    /// multiplier scale · 2^14 · (0.5..1.5), one shift 14.</summary>
    public static EncodedTensor BinaryS8(Random rng, int rows, int cols, int bias, double scale)
    {
        const int Shift = 14;
        var w = new sbyte[rows * cols];
        for (int k = 0; k < w.Length; k++) w[k] = rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
        var p = Enumerable.Range(0, rows).Select(_ => new RowParams(rng.Next(-bias, bias + 1),
            (int)Math.Clamp(scale * (1 << Shift) * (0.5 + rng.NextDouble()), 0, ushort.MaxValue), Shift)).ToArray();
        return BinaryS8Encoding.Instance.Encode(new QuantizedTensor(rows, cols, w, p), "random binary_s8 tensor");
    }

    /// <summary>A random binary_sign tensor (Q, K, V): ±1 weights, threshold −6..6, biases within ±cols/4.</summary>
    public static EncodedTensor Sign(Random rng, int rows, int cols)
    {
        var w = new sbyte[rows * cols];
        for (int k = 0; k < w.Length; k++) w[k] = rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
        var p = Enumerable.Range(0, rows).Select(_ => new RowParams(rng.Next(-cols / 4, cols / 4 + 1), 1, 1)).ToArray();
        return BinarySignEncoding.Instance.Encode(new QuantizedTensor(rows, cols, w, p, rng.Next(-6, 7)), "random binary_sign tensor");
    }

    /// <summary>A random binary_embed table: ±1 weights, magnitudes 100..250 with shift 1 (elements ±(200..500)).</summary>
    public static EncodedTensor BinaryEmbed(Random rng, int rows, int cols)
    {
        var w = new sbyte[rows * cols];
        for (int k = 0; k < w.Length; k++) w[k] = rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
        var p = Enumerable.Range(0, rows).Select(_ => new RowParams(0, rng.Next(100, 251) << 2, 1)).ToArray();
        return BinaryEmbedEncoding.Instance.Encode(new QuantizedTensor(rows, cols, w, p), "random binary_embed table");
    }

    /// <summary>Random ±1 weights; row r's multiplier is scale · 2^14 · (0.5..1.5), one shift 14 for the tensor.</summary>
    public static EncodedTensor Binary(Random rng, int rows, int cols, int threshold, int bias, double scale)
    {
        const int Shift = 14;
        var w = new sbyte[rows * cols];
        for (int k = 0; k < w.Length; k++) w[k] = rng.Next(2) == 0 ? (sbyte)-1 : (sbyte)1;
        var p = Enumerable.Range(0, rows).Select(_ => new RowParams(bias == 0 ? 0 : rng.Next(-bias, bias + 1),
            (int)Math.Clamp(scale * (1 << Shift) * (0.5 + rng.NextDouble()), 0, ushort.MaxValue), Shift)).ToArray();
        return BinaryEncoding.Instance.Encode(new QuantizedTensor(rows, cols, w, p, threshold), "random binary tensor");
    }

    private static EncodedTensor Int8Classifier(Random rng, int rows, int cols)
    {
        var w = new sbyte[rows * cols];
        for (int k = 0; k < w.Length; k++) w[k] = (sbyte)rng.Next(-127, 128);
        // logits in Q16 nats: acc up to ~127·127·sqrt(cols) -> a few nats.
        var rq = FixedPointMultiplier.FromReal(4.0 * 65536 / (127.0 * 127 * Math.Sqrt(cols)), "classifier");
        var p = Enumerable.Range(0, rows).Select(_ => new RowParams(rng.Next(-20000, 20001), rq.Multiplier, rq.Shift)).ToArray();
        return Int8RowEncoding.Instance.Encode(new QuantizedTensor(rows, cols, w, p), "random classifier");
    }

    private static QuantParams QuantParams(Random rng, ModelDims d, int attentionThreshold)
    {
        LayerNormParam[] Ln(int n) => Enumerable.Range(0, n)
            .Select(_ => new LayerNormParam(rng.Next(30, 50) << 16, rng.Next(-10 << 16, 10 << 16))).ToArray();
        return new QuantParams
        {
            AttentionThreshold = attentionThreshold,
            AttentionResidual = new Requant(1 << 30, 30), FullResidual = new Requant(1 << 30, 30),
            Exp2Frac = Tables.Exp2Frac(), Log2Frac = Tables.Log2Frac(),   // no softmax block: W1A1 reads none
            Gelu = Tables.Activation(x => Int8Quantizer.Gelu(x, "gelu_new"), 4.0 / 127, 4.0 / 127),
            EmbeddingLn = Ln(d.EmbeddingSize), AttentionLn = Ln(d.HiddenSize), FullLn = Ln(d.HiddenSize),
            Tanh = Enumerable.Range(0, d.NumLayers).Select(_ => Tables.Activation(Math.Tanh, 3.0 / 127, 1.0 / 127)).ToArray(),
        };
    }
}
