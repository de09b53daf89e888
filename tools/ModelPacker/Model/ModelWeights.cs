using ModelPacker.Numerics;

namespace ModelPacker.Model;

/// <summary>A binary layer's input binarizer as one pass reads it: alpha_x, beta and its index in
/// <see cref="AlbertParameters.InputBinarizers"/> (where its gradients go).</summary>
public readonly record struct InputBinarizer(float Alpha, float Beta, int Index);

/// <summary>One linear layer as the forward and backward passes read it: W [out,in], Wᵀ [in,out] (for the GEMM), b,
/// and for a binary layer the binarizer of its input.</summary>
public sealed class LinearWeights
{
    public LinearWeights(NamedTensor weight, NamedTensor bias, IWeightTransform? transform, InputBinarizer? input = null)
    {
        InputBinarizer = input;
        Name = weight.Name;
        Out = weight.Rows;
        In = weight.Cols;
        W = Effective(weight, transform);
        WT = new float[W.Length];
        Gemm.Transpose(W, WT, Out, In);
        B = bias.Data;
    }

    public string Name { get; }
    public int In { get; }
    public int Out { get; }
    public float[] W { get; }
    public float[] WT { get; }
    public float[] B { get; }
    public InputBinarizer? InputBinarizer { get; }

    internal static float[] Effective(NamedTensor t, IWeightTransform? transform)
    {
        if (transform is null) return t.Data;
        var e = new float[t.Length];
        transform.TransformWeight(t, e);
        return e;
    }
}

/// <summary>
/// A read-only snapshot of the parameters prepared for the passes: weights after the optional
/// <see cref="IWeightTransform"/>, and transposed copies for the matrix multiply. Built once per training step. A
/// binarized model (config <c>binarization</c>) gets the <see cref="Binarization.WeightBinarizer"/> unless another
/// transform is given.
/// </summary>
public sealed class ModelWeights
{
    public ModelWeights(AlbertParameters p, IWeightTransform? transform = null)
    {
        Config = p.Config;
        transform ??= DefaultTransform(p);
        Transform = transform;
        bool binarizesInputs = p.Config.Binarization?.BinarizesInputs ?? false;
        InputBinarizer? Input(InputBinarizerParameters? b) => b is null || !binarizesInputs ? null : Snapshot(p, b);
        WordEmbeddings = LinearWeights.Effective(p.WordEmbeddings, transform);
        PositionEmbeddings = LinearWeights.Effective(p.PositionEmbeddings, transform);
        TokenTypeEmbeddings = LinearWeights.Effective(p.TokenTypeEmbeddings, transform);
        EmbeddingLayerNormWeight = p.EmbeddingLayerNormWeight.Data;
        EmbeddingLayerNormBias = p.EmbeddingLayerNormBias.Data;
        EmbeddingProjection = new(p.EmbeddingProjectionWeight, p.EmbeddingProjectionBias, transform, Input(p.EmbeddingProjectionInput));
        Query = new(p.QueryWeight, p.QueryBias, transform, Input(p.QkvInput));
        Key = new(p.KeyWeight, p.KeyBias, transform, Input(p.QkvInput));
        Value = new(p.ValueWeight, p.ValueBias, transform, Input(p.QkvInput));
        AttentionOutput = new(p.AttentionOutputWeight, p.AttentionOutputBias, transform, Input(p.AttentionOutputInput));
        AttentionLayerNormWeight = p.AttentionLayerNormWeight.Data;
        AttentionLayerNormBias = p.AttentionLayerNormBias.Data;
        Ffn = new(p.FfnWeight, p.FfnBias, transform, Input(p.FfnInput));
        FfnOutput = new(p.FfnOutputWeight, p.FfnOutputBias, transform, Input(p.FfnOutputInput));
        FullLayerNormWeight = p.FullLayerNormWeight.Data;
        FullLayerNormBias = p.FullLayerNormBias.Data;
        Poolers = p.Exits.Select(e => new LinearWeights(e.PoolerWeight, e.PoolerBias, transform, Input(e.PoolerInput))).ToArray();
        Classifiers = p.Exits.Select(e => new LinearWeights(e.ClassifierWeight, e.ClassifierBias, transform)).ToArray();
        if (p.AttentionSpan is { } span) AttentionSpan = CheckedSpans(span, p.Config);
    }

    private static float[] CheckedSpans(NamedTensor span, AlbertConfig c)
    {
        float ramp = c.AttentionSpan!.Ramp;
        foreach (float z in span.Data)
            if (!(z >= -ramp && z <= c.MaxPositionEmbeddings))
                throw new InvalidDataException($"tensor '{span.Name}': span {z} is outside [-{ramp}, {c.MaxPositionEmbeddings}] (-ramp to max_position_embeddings)");
        return span.Data;
    }

    /// <summary>The transform a model gets by default: none for fp32, the weight binarizer for w1a1.</summary>
    public static IWeightTransform? DefaultTransform(AlbertParameters p) =>
        p.Config.Binarization is null ? null : new Binarization.WeightBinarizer(p);

    private static InputBinarizer Snapshot(AlbertParameters p, InputBinarizerParameters b)
    {
        float alpha = b.Alpha.Data[0], beta = b.Beta.Data[0];
        if (!(alpha > 0f) || !float.IsFinite(alpha) || !float.IsFinite(beta))
            throw new InvalidDataException($"tensor '{b.Alpha.Name}' = {alpha}, '{b.Beta.Name}' = {beta}: alpha must be positive and both finite");
        int index = 0;
        while (p.InputBinarizers[index] != b) index++;
        return new InputBinarizer(alpha, beta, index);
    }

    public AlbertConfig Config { get; }
    /// <summary>Non-null for a binarized model (Bi-Attention, binarized layer inputs).</summary>
    public BinarizationSettings? Binarization => Config.Binarization;
    public IWeightTransform? Transform { get; }
    public float[] WordEmbeddings { get; }
    public float[] PositionEmbeddings { get; }
    public float[] TokenTypeEmbeddings { get; }
    public float[] EmbeddingLayerNormWeight { get; }
    public float[] EmbeddingLayerNormBias { get; }
    public LinearWeights EmbeddingProjection { get; }
    public LinearWeights Query { get; }
    public LinearWeights Key { get; }
    public LinearWeights Value { get; }
    public LinearWeights AttentionOutput { get; }
    public float[] AttentionLayerNormWeight { get; }
    public float[] AttentionLayerNormBias { get; }
    public LinearWeights Ffn { get; }
    public LinearWeights FfnOutput { get; }
    public float[] FullLayerNormWeight { get; }
    public float[] FullLayerNormBias { get; }
    public LinearWeights[] Poolers { get; }
    public LinearWeights[] Classifiers { get; }
    /// <summary>The learned span of each head (null without <c>attention_span</c>); its ramp is the config's.</summary>
    public float[]? AttentionSpan { get; }
}
