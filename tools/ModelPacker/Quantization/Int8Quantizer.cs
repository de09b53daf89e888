using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>
/// Post-training int8 quantization (docs/numerics.md): symmetric per-row int8 weights, biases in accumulator units,
/// per-row fixed-point requantization to each site's calibrated activation scale, LayerNorm params and activation
/// tables in QUANT_PARAMS.
/// </summary>
public static class Int8Quantizer
{
    /// <summary>The scheme this quantizer produces; every tensor gets the encoding the scheme gives it.</summary>
    public static readonly Scheme Scheme = Schemes.Int8;

    /// <summary>A linear layer [out, in] with its bias, quantized between two calibrated activation scales.</summary>
    public delegate EncodedTensor LinearQuantizer(NamedTensor weight, NamedTensor bias, double inScale, double outScale);

    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s) => Quantize(p, s, Scheme, Linear);

    /// <summary>
    /// The int8 model with its linear layers (mapping-in, Q, K, V, dense, FFN, FFN output, the poolers) quantized by
    /// <paramref name="linear"/> into <paramref name="scheme"/>'s encoding: the embedding tables and exit classifiers
    /// stay int8 rows, activations, QUANT_PARAMS and the softmax attention are the int8 scheme's (scheme af8).
    /// </summary>
    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s, Scheme scheme, LinearQuantizer linear)
    {
        var c = p.Config;
        var dims = ValidDims(c, scheme);
        // Token type 0 is the same for every token: fold it into the position rows.
        var pos = new float[c.MaxPositionEmbeddings * c.EmbeddingSize];
        for (int r = 0; r < c.MaxPositionEmbeddings; r++)
            for (int j = 0; j < c.EmbeddingSize; j++)
                pos[r * c.EmbeddingSize + j] = p.PositionEmbeddings.Data[r * c.EmbeddingSize + j] + p.TokenTypeEmbeddings.Data[j];

        var exits = new IntegerExit[c.NumHiddenLayers];
        for (int l = 0; l < exits.Length; l++)
            exits[l] = new IntegerExit(linear(p.Exits[l].PoolerWeight, p.Exits[l].PoolerBias, s.Hidden, s.TanhInput[l]), Classifier(p.Exits[l]));
        var qp = QuantParamsOf(p, s, 0, scheme);
        var model = new IntegerModel
        {
            Dims = dims,
            WordEmbeddings = Embedding(p.WordEmbeddings.Data, c.VocabSize, c.EmbeddingSize, s.EmbeddingSum, p.WordEmbeddings.Name),
            PositionEmbeddings = Embedding(pos, c.MaxPositionEmbeddings, c.EmbeddingSize, s.EmbeddingSum, p.PositionEmbeddings.Name),
            EmbeddingMappingIn = linear(p.EmbeddingProjectionWeight, p.EmbeddingProjectionBias, s.EmbeddingNorm, s.Hidden),
            Query = linear(p.QueryWeight, p.QueryBias, s.Hidden, s.Query),
            Key = linear(p.KeyWeight, p.KeyBias, s.Hidden, s.Key),
            Value = linear(p.ValueWeight, p.ValueBias, s.Hidden, s.Value),
            AttentionDense = linear(p.AttentionOutputWeight, p.AttentionOutputBias, s.Context, s.AttentionSum),
            Ffn = linear(p.FfnWeight, p.FfnBias, s.AttentionNorm, s.GeluInput),
            FfnOutput = linear(p.FfnOutputWeight, p.FfnOutputBias, s.GeluOutput, s.FullSum),
            Exits = exits,
            QuantParams = qp,
            AttentionSpans = HardSpans(p),
        };
        model.Validate("quantized model");
        return model;
    }

    /// <summary>The image's span of each head: the learned z cut hard where its soft mask reaches 0 (null without spans).</summary>
    public static int[]? HardSpans(AlbertParameters p) => p.AttentionSpan is not { } z ? null
        : z.Data.Select(v => AttentionSpanSettings.HardSpan(v, p.Config.AttentionSpan!.Ramp, p.Config.MaxPositionEmbeddings)).ToArray();

    /// <summary>Scale of the tanh table's output (the exit classifier's input): tanh ∈ [−1, 1] over int8.</summary>
    public const double TanhOutputScale = 1.0 / 127;

    /// <summary>An exit classifier: int8 rows over the tanh output, logits in Q<see cref="IntegerKernels.LogitFracBits"/>
    /// (every scheme keeps it 8-bit).</summary>
    public static EncodedTensor Classifier(ExitHeadParameters e) =>
        Linear(e.ClassifierWeight, e.ClassifierBias, TanhOutputScale, 1.0 / (1 << IntegerKernels.LogitFracBits));

    /// <summary>QUANT_PARAMS from the calibrated scales: residual requantizations, tables, LayerNorms, and the softmax
    /// block when <paramref name="scheme"/> reads one (default: this scheme). <paramref name="attentionThreshold"/> is
    /// scheme W1A1's Bi-Attention threshold (0 in scheme int8).</summary>
    public static QuantParams QuantParamsOf(AlbertParameters p, ActivationScales s, int attentionThreshold = 0, Scheme? scheme = null)
    {
        var c = p.Config;
        int dh = c.HiddenSize / c.NumAttentionHeads;
        bool softmax = ((scheme ?? Scheme).Tables & QuantTables.Softmax) != 0;
        return new QuantParams
        {
            AttentionThreshold = attentionThreshold,
            AttentionResidual = FixedPointMultiplier.FromReal(s.Hidden / s.AttentionSum, "attention residual"),
            FullResidual = FixedPointMultiplier.FromReal(s.AttentionNorm / s.FullSum, "full residual"),
            SoftmaxIndex = softmax ? FixedPointMultiplier.FromReal(s.Query * s.Key / Math.Sqrt(dh) * (1 << IntegerKernels.ExpIndexFracBits), "softmax index") : default,
            Context = softmax ? FixedPointMultiplier.FromReal(s.Value / 32768.0 / s.Context, "attention context") : default,
            ExpTable = softmax ? Tables.Exp() : null,
            Exp2Frac = Tables.Exp2Frac(),
            Log2Frac = Tables.Log2Frac(),
            Gelu = Tables.Activation(x => Gelu(x, c.HiddenAct), s.GeluInput, s.GeluOutput),
            EmbeddingLn = LayerNorm(p.EmbeddingLayerNormWeight, p.EmbeddingLayerNormBias, s.EmbeddingNorm),
            AttentionLn = LayerNorm(p.AttentionLayerNormWeight, p.AttentionLayerNormBias, s.AttentionNorm),
            FullLn = LayerNorm(p.FullLayerNormWeight, p.FullLayerNormBias, s.Hidden),
            Tanh = s.TanhInput.Select(si => Tables.Activation(Math.Tanh, si, TanhOutputScale)).ToArray(),
        };
    }

    public static ModelDims DimsOf(AlbertConfig c) => DimsOf(c, Scheme);

    /// <summary>The dims of a valid config in <paramref name="scheme"/>; throws naming what the scheme cannot hold.</summary>
    public static ModelDims ValidDims(AlbertConfig c, Scheme scheme)
    {
        c.Validate();
        var dims = DimsOf(c, scheme);
        dims.Validate("model config");
        return dims;
    }

    public static ModelDims DimsOf(AlbertConfig c, Scheme scheme) => new(c.VocabSize, c.EmbeddingSize, c.HiddenSize, c.NumAttentionHeads,
        c.IntermediateSize, c.NumHiddenLayers, c.MaxPositionEmbeddings, c.NumLabels,
        c.HiddenAct == "gelu" ? ActivationId.Gelu : ActivationId.GeluTanh, scheme.Id);

    /// <summary>Symmetric per-row int8: s_w[r] = max|W[r]| / 127.</summary>
    public static (sbyte[] Data, double[] RowScales) QuantizeRows(ReadOnlySpan<float> w, int rows, int cols)
    {
        var q = new sbyte[rows * cols];
        var scales = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = w.Slice(r * cols, cols);
            double max = 0;
            foreach (float v in row) max = Math.Max(max, Math.Abs(v));
            double sw = max > 0 ? max / 127.0 : 1.0;
            scales[r] = sw;
            for (int j = 0; j < cols; j++)
                q[r * cols + j] = (sbyte)Math.Clamp(Math.Round(row[j] / sw, MidpointRounding.AwayFromZero), -127, 127);
        }
        return (q, scales);
    }

    /// <summary>A linear layer: int8 rows, bias in accumulator units s_w[r]·s_in, requantization to s_out.</summary>
    public static EncodedTensor Linear(NamedTensor weight, NamedTensor bias, double inScale, double outScale)
    {
        var (q, sw) = QuantizeRows(weight.Data, weight.Rows, weight.Cols);
        return RowLinear(weight, bias, inScale, outScale, q, sw, Scheme.Weights);
    }

    /// <summary>A linear layer whose weights are already integers q with a scale s_w[r] per row (int8 rows, int4):
    /// bias in accumulator units s_w[r]·s_in, requantization to s_out, encoded as <paramref name="encoding"/>.</summary>
    public static EncodedTensor RowLinear(NamedTensor weight, NamedTensor bias, double inScale, double outScale, sbyte[] q, double[] sw,
        TensorEncoding encoding) =>
        TensorEncodings.Get(encoding).Encode(new QuantizedTensor(weight.Rows, weight.Cols, q, RowParamsOf(weight, bias, inScale, outScale, sw)), weight.Name);

    /// <summary>The {bias, multiplier, shift} of each row of a linear layer whose row r has weight scale s_w[r]: bias in
    /// accumulator units s_w[r]·s_in, requantization to s_out (int8 rows, int4, the rows of an iPQ tensor).</summary>
    public static RowParams[] RowParamsOf(NamedTensor weight, NamedTensor bias, double inScale, double outScale, double[] sw)
    {
        var prm = new RowParams[weight.Rows];
        for (int r = 0; r < weight.Rows; r++)
        {
            double accUnit = sw[r] * inScale;
            double b = Math.Round(bias.Data[r] / accUnit, MidpointRounding.AwayFromZero);
            if (Math.Abs(b) > RowParams.MaxAbsBias)
                throw new InvalidDataException($"{bias.Name}: bias {bias.Data[r]} of row {r} is {b:G3} accumulator units, more than 2^30 (weights or activations nearly zero)");
            var rq = FixedPointMultiplier.FromReal(accUnit / outScale, $"{weight.Name} row {r}");
            prm[r] = new RowParams((int)b, rq.Multiplier, rq.Shift);
        }
        return prm;
    }

    /// <summary>An embedding table: int8 rows whose requantization maps each row to the int16 LayerNorm input scale.</summary>
    public static EncodedTensor Embedding(ReadOnlySpan<float> table, int rows, int cols, double sumScale, string name)
    {
        var (q, sw) = QuantizeRows(table, rows, cols);
        var prm = new RowParams[rows];
        for (int r = 0; r < rows; r++)
        {
            var rq = FixedPointMultiplier.FromReal(sw[r] / sumScale, $"{name} row {r}");
            prm[r] = new RowParams(0, rq.Multiplier, rq.Shift);
        }
        return TensorEncodings.Get(Scheme.Weights).Encode(new QuantizedTensor(rows, cols, q, prm), name);
    }

    /// <summary>gain = γ / s_out · 2^16, bias = β / s_out · 2^16.</summary>
    public static LayerNormParam[] LayerNorm(NamedTensor gamma, NamedTensor beta, double outScale)
    {
        var r = new LayerNormParam[gamma.Length];
        double k = (1 << IntegerKernels.LnGainShift) / outScale;
        for (int i = 0; i < r.Length; i++)
            r[i] = new LayerNormParam(ToInt32(gamma.Data[i] * k, gamma.Name), ToInt32(beta.Data[i] * k, beta.Name));
        return r;
    }

    private static int ToInt32(double v, string name)
    {
        double r = Math.Round(v, MidpointRounding.AwayFromZero);
        if (r > int.MaxValue || r < int.MinValue) throw new InvalidDataException($"{name}: LayerNorm parameter {v:G4} overflows int32 at this output scale");
        return (int)r;
    }

    public static double Gelu(double x, string act) => act == "gelu"
        ? 0.5 * x * (1 + Numerics.Activations.Erf((float)(x / Math.Sqrt(2))))
        : 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
}
