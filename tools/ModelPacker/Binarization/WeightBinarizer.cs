using ModelPacker.Model;
using ModelPacker.Numerics;

namespace ModelPacker.Binarization;

/// <summary>
/// The weights of the w1a1 model as its forward pass sees them (BiBERT): every linear weight but the exit classifiers,
/// and the word and position embeddings, become alpha_r·sign(w_r − mu_r) per row; the token type embeddings are 0
/// (the teacher's type-0 row is folded into the position rows when binarization starts); the exit classifiers, biases
/// and LayerNorms stay fp32. Gradients: straight-through for the signs (<see cref="Binarize.RowCentredSignBackward"/>);
/// none for the token types, nor for the input binarizers the variant does not learn.
/// </summary>
public sealed class WeightBinarizer : IWeightTransform
{
    private readonly HashSet<string> _binary = new(StringComparer.Ordinal);
    private readonly HashSet<string> _frozen = new(StringComparer.Ordinal);
    private readonly string _tokenTypes;

    public WeightBinarizer(AlbertParameters p)
    {
        var settings = p.Config.Binarization ?? throw new ArgumentException("the model's config has no binarization section");
        _tokenTypes = p.TokenTypeEmbeddings.Name;
        _binary.UnionWith(new[]
        {
            p.WordEmbeddings, p.PositionEmbeddings, p.EmbeddingProjectionWeight, p.QueryWeight, p.KeyWeight, p.ValueWeight,
            p.AttentionOutputWeight, p.FfnWeight, p.FfnOutputWeight,
        }.Concat(p.Exits.Select(e => e.PoolerWeight)).Select(t => t.Name));
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

    /// <summary>The exit classifiers' inputs stay fp32; every other linear input has its own binarizer.</summary>
    public void TransformLinearInput(string weightName, Span<float> input) { }

    public void TransformGradient(NamedTensor master, Span<float> gradient)
    {
        if (_binary.Contains(master.Name)) Binarize.RowCentredSignBackward(master.Data, master.Rows, master.Cols, gradient);
        else if (master.Name == _tokenTypes || _frozen.Contains(master.Name)) gradient.Clear();
    }
}
