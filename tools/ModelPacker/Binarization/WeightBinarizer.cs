using ModelPacker.Model;
using ModelPacker.Numerics;

namespace ModelPacker.Binarization;

/// <summary>
/// The weights of the w1a1 model as its forward pass sees them (BiBERT): every linear weight but the exit classifiers,
/// and the word and position embeddings, become alpha_r·sign(w_r − mu_r) per row; the token type embeddings are 0
/// (the teacher's type-0 row is folded into the position rows when binarization starts); the exit classifiers, biases
/// and LayerNorms stay fp32. Gradients: straight-through for the signs (<see cref="Binarize.RowCentredSignBackward"/>);
/// none for the token types, nor for the input binarizers the variant does not learn. With pooler_input "int8" the
/// poolers' input h[CLS] is rounded to the int8 grid of step <see cref="AlbertParameters.PoolerInputScale"/> (as the
/// device's residual stream holds it; straight-through, and S is not trained).
/// </summary>
public sealed class WeightBinarizer : IWeightTransform
{
    private readonly HashSet<string> _binary = new(StringComparer.Ordinal);
    private readonly HashSet<string> _frozen = new(StringComparer.Ordinal);
    private readonly string _tokenTypes;
    private readonly HashSet<string> _int8Input = new(StringComparer.Ordinal);
    private readonly float _int8Step;

    public WeightBinarizer(AlbertParameters p)
    {
        var settings = p.Config.Binarization ?? throw new ArgumentException("the model's config has no binarization section");
        _tokenTypes = p.TokenTypeEmbeddings.Name;
        _binary.UnionWith(new[]
        {
            p.WordEmbeddings, p.PositionEmbeddings, p.EmbeddingProjectionWeight, p.QueryWeight, p.KeyWeight, p.ValueWeight,
            p.AttentionOutputWeight, p.FfnWeight, p.FfnOutputWeight,
        }.Concat(p.Exits.Select(e => e.PoolerWeight)).Select(t => t.Name));
        if (p.PoolerInputScale is { } scale)
        {
            _frozen.Add(scale.Name);
            _int8Step = scale.Data[0];
            if (settings.BinarizesInputs) _int8Input.UnionWith(p.Exits.Select(e => e.PoolerWeight.Name));
            if (!(_int8Step > 0) || !float.IsFinite(_int8Step))
                throw new InvalidDataException($"tensor '{scale.Name}' = {_int8Step}: the poolers' int8 input step must be positive and finite");
        }
        foreach (var b in p.InputBinarizers)
        {
            if (!settings.LearnsActivationBinarizers) _frozen.Add(b.Alpha.Name);
            if (!settings.LearnsActivationBinarizers || b.ThresholdIsZero) _frozen.Add(b.Beta.Name);
        }
    }

    /// <summary>Whether the tensor named <paramref name="name"/> is stored as sign bits (NI_ENC_BINARY).</summary>
    public bool IsBinary(string name) => _binary.Contains(name);

    public void TransformWeight(NamedTensor master, Span<float> effective)
    {
        if (_binary.Contains(master.Name)) Binarize.RowCentredSignForward(master.Data, master.Rows, master.Cols, effective);
        else if (master.Name == _tokenTypes) effective.Clear();
        else master.Data.AsSpan().CopyTo(effective);
    }

    /// <summary>The exit classifiers' inputs stay fp32; an int8 pooler input is rounded to its grid,
    /// sat8(round(x / S))·S (rounding half away from zero, as the device's LayerNorm output); every other linear input
    /// has its own binarizer.</summary>
    public void TransformLinearInput(string weightName, Span<float> input)
    {
        if (!_int8Input.Contains(weightName)) return;
        Int8Grid(input, _int8Step);
    }

    /// <summary>x ← sat8(round(x / step))·step in place.</summary>
    public static void Int8Grid(Span<float> x, float step)
    {
        for (int i = 0; i < x.Length; i++)
            x[i] = (float)(Math.Clamp(Math.Round(x[i] / (double)step, MidpointRounding.AwayFromZero), -128, 127) * step);
    }

    public void TransformGradient(NamedTensor master, Span<float> gradient)
    {
        if (_binary.Contains(master.Name)) Binarize.RowCentredSignBackward(master.Data, master.Rows, master.Cols, gradient);
        else if (master.Name == _tokenTypes || _frozen.Contains(master.Name)) gradient.Clear();
    }
}
