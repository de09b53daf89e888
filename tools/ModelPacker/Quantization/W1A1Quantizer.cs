using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Numerics;

namespace ModelPacker.Quantization;

/// <summary>
/// A trained w1a1 model to scheme W1A1 (docs/numerics.md, "Calibration and quantization of scheme W1A1"): every
/// linear layer and embedding table as row-centred sign bits with per-row scale alpha_r (the forward's own
/// binarization), each layer's input threshold from its learned beta on its input site's int8 grid, biases in
/// accumulator units of alpha_r·alpha_x (int16), one shift per tensor; a checkpoint with pooler_input "int8" gets
/// binary_s8 poolers over the int8 h[CLS] (units of alpha_r·S_h, no threshold). The LayerNorms, tables, residual
/// requantizations and the int8 exit classifiers are the int8 quantizer's.
/// </summary>
public static class W1A1Quantizer
{
    public static readonly Scheme Scheme = Schemes.W1A1;

    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s)
    {
        var c = p.Config;
        var settings = c.Binarization ?? throw new InvalidDataException("the checkpoint is not a w1a1 model (its config.json has no binarization section)");
        if (!settings.BinarizesInputs)
            throw new InvalidDataException($"the checkpoint's layer inputs are not binarized (activation_binarizer '{settings.ActivationBinarizer}': a first " +
                                           "training step); binarize it with --init and --activation sign or elastic to get a w1a1 model");
        var dims = Int8Quantizer.ValidDims(c, Scheme);
        // The forward's view of the weights: sign rows for the binary tensors; token types are 0 (type 0 already
        // folded into the position rows by binarize).
        var w = new ModelWeights(p);
        var qp = Int8Quantizer.QuantParamsOf(p, s, settings.AttentionThreshold, Scheme);
        var exits = new IntegerExit[c.NumHiddenLayers];
        for (int l = 0; l < exits.Length; l++)
            exits[l] = new IntegerExit(settings.PoolerReadsInt8
                    ? PoolerOverInt8(p.Exits[l].PoolerWeight, w.Poolers[l], s.Hidden, s.TanhInput[l])
                    : Linear(p.Exits[l].PoolerWeight, w.Poolers[l], Threshold(w.Poolers[l], s.Hidden), s.TanhInput[l]),
                Int8Quantizer.Classifier(p.Exits[l]));
        var model = new IntegerModel
        {
            Dims = dims,
            WordEmbeddings = Embedding(p.WordEmbeddings, s.EmbeddingSum),
            PositionEmbeddings = Embedding(p.PositionEmbeddings, s.EmbeddingSum),
            EmbeddingMappingIn = Linear(p.EmbeddingProjectionWeight, w.EmbeddingProjection, Threshold(w.EmbeddingProjection, s.EmbeddingNorm), s.Hidden),
            Query = SignOutput(p.QueryWeight, w.Query, Threshold(w.Query, s.Hidden), s.Query),
            Key = SignOutput(p.KeyWeight, w.Key, Threshold(w.Key, s.Hidden), s.Key),
            Value = SignOutput(p.ValueWeight, w.Value, Threshold(w.Value, s.Hidden), s.Value),
            // the context is an exact count (scale 1): x ≥ beta ⇔ x ≥ ceil(beta)
            AttentionDense = Linear(p.AttentionOutputWeight, w.AttentionOutput, Threshold(w.AttentionOutput, s.Context), s.AttentionSum),
            Ffn = Linear(p.FfnWeight, w.Ffn, Threshold(w.Ffn, s.AttentionNorm), s.GeluInput),
            FfnOutput = Linear(p.FfnOutputWeight, w.FfnOutput, TableThreshold(qp.Gelu, x => Int8Quantizer.Gelu(x, c.HiddenAct), s.GeluInput, w.FfnOutput), s.FullSum),
            Exits = exits,
            QuantParams = qp,
        };
        model.Validate("quantized model");
        return model;
    }

    /// <summary>Bits and scales of the forward's sign rows: alpha_r·sign(w_r − mu_r) (bit set for +alpha_r).</summary>
    public static (sbyte[] Signs, double[] Alpha) SignRows(NamedTensor master)
    {
        var e = new float[master.Length];
        Binarize.RowCentredSignForward(master.Data, master.Rows, master.Cols, e);
        var signs = new sbyte[e.Length];
        var alpha = new double[master.Rows];
        for (int r = 0; r < master.Rows; r++)
        {
            alpha[r] = Math.Abs(e[r * master.Cols]);
            for (int k = r * master.Cols; k < (r + 1) * master.Cols; k++) signs[k] = e[k] >= 0 ? (sbyte)1 : (sbyte)-1;  // -0 (alpha 0) is +1
        }
        return (signs, alpha);
    }

    /// <summary>The input threshold t of an int8 site of scale <paramref name="inScale"/>: q ≥ t ⇔ q·S ≥ beta, t = ceil(beta / S).</summary>
    public static int Threshold(LinearWeights layer, double inScale)
    {
        double beta = InputOf(layer).Beta;
        return (int)Math.Clamp(Math.Ceiling(beta / inScale), BinaryEncoding.MinThreshold, BinaryEncoding.MaxThreshold);
    }

    /// <summary>
    /// The threshold on a table's output (the GELU output feeding a binary layer): the bit should be f(q·S_in) ≥ beta
    /// for every table index q; rounding the table to int8 makes values near 0 ambiguous, so the t with the fewest
    /// indices where (table[q] ≥ t) disagrees is taken (ties: the lowest).
    /// </summary>
    public static int TableThreshold(sbyte[] table, Func<double, double> f, double inScale, LinearWeights layer)
    {
        double beta = InputOf(layer).Beta;
        int best = 0, bestErrors = int.MaxValue;
        for (int t = BinaryEncoding.MinThreshold; t <= BinaryEncoding.MaxThreshold; t++)
        {
            int errors = 0;
            for (int i = 0; i < table.Length; i++)
                if ((table[i] >= t) != (f((i - 128) * inScale) >= beta)) errors++;
            if (errors < bestErrors) (best, bestErrors) = (t, errors);
        }
        return best;
    }

    private static InputBinarizer InputOf(LinearWeights layer) =>
        layer.InputBinarizer ?? throw new InvalidDataException($"{layer.Name}: a binary layer needs an input binarizer (act_alpha, act_beta)");

    /// <summary>A binary linear layer: out = rq(acc + bias_r; alpha_r·alpha_x / S_out) with bias_r = round(b_r / (alpha_r·alpha_x)).</summary>
    public static EncodedTensor Linear(NamedTensor master, LinearWeights layer, int threshold, double outScale) =>
        Encode(master, layer, threshold, outScale, signOutput: false);

    /// <summary>Q, K, V (binary_sign): only the sign of acc + bias matters, so bias_r = floor(b_r / (alpha_r·alpha_x))
    /// makes it exact (acc is an integer: acc + b/u ≥ 0 ⇔ acc + floor(b/u) ≥ 0); no multiplier is stored.</summary>
    public static EncodedTensor SignOutput(NamedTensor master, LinearWeights layer, int threshold, double outScale) =>
        Encode(master, layer, threshold, outScale, signOutput: true);

    /// <summary>A pooler over the int8 h[CLS] (pooler_input "int8", binary_s8): acc = Σc ±q_c in units of alpha_r·S_h,
    /// out = rq(acc + bias_r; alpha_r·S_h / S_out) with bias_r = round(b_r / (alpha_r·S_h)).</summary>
    public static EncodedTensor PoolerOverInt8(NamedTensor master, LinearWeights layer, double hiddenScale, double outScale) =>
        Encode(master, layer, null, outScale, signOutput: false, inputScale: hiddenScale);

    private static EncodedTensor Encode(NamedTensor master, LinearWeights layer, int? threshold, double outScale, bool signOutput,
        double? inputScale = null)
    {
        var (signs, alpha) = SignRows(master);
        double alphaX = inputScale ?? InputOf(layer).Alpha;
        var unit = alpha.Select(a => a * alphaX).ToArray();
        var (multipliers, shift) = Multipliers(unit.Select(u => u / outScale).ToArray(), master.Name);
        var prm = new RowParams[master.Rows];
        for (int r = 0; r < prm.Length; r++)
        {
            double b = layer.B[r] / unit[r];
            b = signOutput ? Math.Floor(b) : Math.Round(b, MidpointRounding.AwayFromZero);
            if (!(Math.Abs(b) <= short.MaxValue))
                throw new InvalidDataException($"{master.Name}: row {r} bias {layer.B[r]:G4} is {b:G4} units of alpha_r·{(inputScale is null ? "alpha_x" : "S_h")} = {unit[r]:G3}, outside int16 (row scale nearly zero?)");
            prm[r] = signOutput ? new RowParams((int)b, 1, 1) : new RowParams((int)b, multipliers[r], shift);
        }
        var encoding = signOutput ? Scheme.Projections : inputScale is null ? Scheme.Weights : Scheme.PoolerAlternative;
        return TensorEncodings.Get(encoding).Encode(new QuantizedTensor(master.Rows, master.Cols, signs, prm, threshold), master.Name);
    }

    /// <summary>An embedding table (binary_embed): sign rows whose value ±alpha_r lands in the int16 embedding sum as
    /// ±m_r·2^k, m_r = round(alpha_r / S_e / 2^k) one byte, k the smallest shift that fits the largest (so it lies in
    /// [128, 256) when k &gt; 0).</summary>
    public static EncodedTensor Embedding(NamedTensor master, double sumScale)
    {
        var (signs, alpha) = SignRows(master);
        var (magnitudes, shift) = Magnitudes(alpha.Select(a => a / sumScale).ToArray(), master.Name);
        // row params as the encoding states them: round_shift(±(m_r << (k + 1)), 1) = ±(m_r << k)
        var prm = magnitudes.Select(m => new RowParams(0, m << (shift + 1), 1)).ToArray();
        return TensorEncodings.Get(Scheme.Embeddings).Encode(new QuantizedTensor(master.Rows, master.Cols, signs, prm), master.Name);
    }

    /// <summary>One-byte magnitudes with one shift k (0..7): real_r ≈ m_r·2^k, k the smallest with every m_r ≤ 255.</summary>
    public static (int[] Magnitudes, int Shift) Magnitudes(double[] real, string name)
    {
        double max = real.Length == 0 ? 0 : real.Max();
        if (!double.IsFinite(max) || real.Any(v => !(v >= 0))) throw new InvalidDataException($"{name}: row scales must be finite and non-negative");
        int shift = 0;
        while (Math.Round(Math.ScaleB(max, -shift), MidpointRounding.AwayFromZero) > BinaryEmbedEncoding.MaxMagnitude) shift++;
        if (shift > BinaryEmbedEncoding.MaxShift)
            throw new InvalidDataException($"{name}: largest row value {max:G4} needs shift {shift}, binary_embed allows 0..{BinaryEmbedEncoding.MaxShift} (|element| < 2^15)");
        return (real.Select(v => (int)Math.Round(Math.ScaleB(v, -shift), MidpointRounding.AwayFromZero)).ToArray(), shift);
    }

    /// <summary>uint16 multipliers with one shift: real_r ≈ M_r·2^-shift, the largest M_r in [2^15, 2^16).</summary>
    public static (int[] Multipliers, int Shift) Multipliers(double[] real, string name)
    {
        double max = real.Length == 0 ? 0 : real.Max();
        if (!double.IsFinite(max) || real.Any(v => !(v >= 0))) throw new InvalidDataException($"{name}: row scales must be finite and non-negative");
        int shift = max == 0 ? 1 : 15 - Math.ILogB(max);
        if (max > 0 && Math.Round(Math.ScaleB(max, shift), MidpointRounding.AwayFromZero) >= 1 << 16) shift--;
        if (shift is < 1 or > 62)
            throw new InvalidDataException($"{name}: largest row scale ratio {max:G4} needs shift {shift}, outside 1..62");
        return (real.Select(v => (int)Math.Round(Math.ScaleB(v, shift), MidpointRounding.AwayFromZero)).ToArray(), shift);
    }
}
