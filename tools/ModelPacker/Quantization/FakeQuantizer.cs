using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>
/// The int8 scheme simulated in fp32 for quantization-aware fine-tuning, plugged into the forward through
/// <see cref="IWeightTransform"/> (the backward treats it as the identity: straight-through estimator). It applies the
/// packer's rules: per-row symmetric weights clamp(round(w / s_w[r]), ±127) · s_w[r] with s_w[r] = max|w[r]| / 127,
/// and every linear input rounded to its site's int8 grid sat8(round(x / S)) · S, rounding half away from zero.
/// Token type 0 is folded into the position rows only at packing, so position rows are quantized on their own here.
/// </summary>
public sealed class FakeQuantizer : IWeightTransform
{
    private readonly Dictionary<string, double> _inputScale = new();
    private readonly HashSet<string> _rowQuantized = new();

    public FakeQuantizer(AlbertParameters p, ActivationScales s)
    {
        _rowQuantized.Add(p.WordEmbeddings.Name);
        _rowQuantized.Add(p.PositionEmbeddings.Name);
        void Linear(NamedTensor w, double inScale) { _rowQuantized.Add(w.Name); _inputScale[w.Name] = inScale; }
        Linear(p.EmbeddingProjectionWeight, s.EmbeddingNorm);
        Linear(p.QueryWeight, s.Hidden);
        Linear(p.KeyWeight, s.Hidden);
        Linear(p.ValueWeight, s.Hidden);
        Linear(p.AttentionOutputWeight, s.Context);
        Linear(p.FfnWeight, s.AttentionNorm);
        Linear(p.FfnOutputWeight, s.GeluOutput);
        foreach (var e in p.Exits)
        {
            Linear(e.PoolerWeight, s.Hidden);
            Linear(e.ClassifierWeight, 1.0 / 127);
        }
    }

    public void TransformWeight(NamedTensor master, Span<float> effective)
    {
        if (!_rowQuantized.Contains(master.Name) || master.Shape.Length != 2)
        {
            master.Data.AsSpan().CopyTo(effective);
            return;
        }
        var (q, scales) = Int8Quantizer.QuantizeRows(master.Data, master.Rows, master.Cols);
        for (int r = 0; r < master.Rows; r++)
            for (int c = 0; c < master.Cols; c++)
                effective[r * master.Cols + c] = (float)(q[r * master.Cols + c] * scales[r]);
    }

    public void TransformLinearInput(string weightName, Span<float> input)
    {
        if (!_inputScale.TryGetValue(weightName, out double s)) return;
        for (int i = 0; i < input.Length; i++)
            input[i] = (float)(Math.Clamp(Math.Round(input[i] / s, MidpointRounding.AwayFromZero), -128, 127) * s);
    }
}
