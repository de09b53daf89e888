using ModelPacker.Numerics;

namespace ModelPacker.Model;

/// <summary>A binary layer's input binarizer as one pass reads it: alpha_x, beta and its index in
/// <see cref="AlbertParameters.InputBinarizers"/> (where its gradients go).</summary>
public readonly record struct InputBinarizer(float Alpha, float Beta, int Index);

/// <summary>One linear layer as the forward and backward passes read it: W [out,in], Wᵀ [in,out] (for the GEMM), b,
/// and for a binary layer the binarizer of its input.</summary>
public sealed class LinearWeights
{
    /// <param name="recycle">The same layer's weights of an earlier snapshot, whose buffers this one takes over (a
    /// training step builds a snapshot per step; reusing them spares the allocator and the page faults).</param>
    public LinearWeights(NamedTensor weight, NamedTensor bias, IWeightTransform? transform, InputBinarizer? input = null,
        LinearWeights? recycle = null)
    {
        InputBinarizer = input;
        Name = weight.Name;
        Out = weight.Rows;
        In = weight.Cols;
        W = Effective(weight, transform, recycle is not null && recycle.W != weight.Data ? recycle.W : null);
        WT = recycle is not null && recycle.WT.Length == W.Length ? recycle.WT : new float[W.Length];
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

    /// <param name="buffer">Where to write the transformed weights when it has their length (else a new array).</param>
    internal static float[] Effective(NamedTensor t, IWeightTransform? transform, float[]? buffer = null)
    {
        if (transform is null) return t.Data;
        var e = buffer is not null && buffer.Length == t.Length ? buffer : new float[t.Length];
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
    /// <param name="recycle">An earlier snapshot of a model of the same shape that nobody reads any more: its
    /// buffers are reused (its contents are overwritten).</param>
    public ModelWeights(AlbertParameters p, IWeightTransform? transform = null, ModelWeights? recycle = null)
    {
        if (recycle is not null && recycle.Config != p.Config) recycle = null;
        Config = p.Config;
        transform ??= DefaultTransform(p);
        Transform = transform;
        bool binarizesInputs = p.Config.Binarization?.BinarizesInputs ?? false;
        InputBinarizer? Input(InputBinarizerParameters? b) => b is null || !binarizesInputs ? null : Snapshot(p, b);
        float[]? Old(float[]? buffer, NamedTensor t) => buffer is not null && buffer != t.Data ? buffer : null;
        WordEmbeddings = LinearWeights.Effective(p.WordEmbeddings, transform, Old(recycle?.WordEmbeddings, p.WordEmbeddings));
        PositionEmbeddings = LinearWeights.Effective(p.PositionEmbeddings, transform, Old(recycle?.PositionEmbeddings, p.PositionEmbeddings));
        TokenTypeEmbeddings = LinearWeights.Effective(p.TokenTypeEmbeddings, transform, Old(recycle?.TokenTypeEmbeddings, p.TokenTypeEmbeddings));
        EmbeddingLayerNormWeight = p.EmbeddingLayerNormWeight.Data;
        EmbeddingLayerNormBias = p.EmbeddingLayerNormBias.Data;
        EmbeddingProjection = new(p.EmbeddingProjectionWeight, p.EmbeddingProjectionBias, transform, Input(p.EmbeddingProjectionInput), recycle?.EmbeddingProjection);
        Query = new(p.QueryWeight, p.QueryBias, transform, Input(p.QkvInput), recycle?.Query);
        Key = new(p.KeyWeight, p.KeyBias, transform, Input(p.QkvInput), recycle?.Key);
        Value = new(p.ValueWeight, p.ValueBias, transform, Input(p.QkvInput), recycle?.Value);
        AttentionOutput = new(p.AttentionOutputWeight, p.AttentionOutputBias, transform, Input(p.AttentionOutputInput), recycle?.AttentionOutput);
        AttentionLayerNormWeight = p.AttentionLayerNormWeight.Data;
        AttentionLayerNormBias = p.AttentionLayerNormBias.Data;
        Ffn = new(p.FfnWeight, p.FfnBias, transform, Input(p.FfnInput), recycle?.Ffn);
        FfnOutput = new(p.FfnOutputWeight, p.FfnOutputBias, transform, Input(p.FfnOutputInput), recycle?.FfnOutput);
        FullLayerNormWeight = p.FullLayerNormWeight.Data;
        FullLayerNormBias = p.FullLayerNormBias.Data;
        Poolers = p.Exits.Select((e, l) => new LinearWeights(e.PoolerWeight, e.PoolerBias, transform, Input(e.PoolerInput), recycle?.Poolers[l])).ToArray();
        Classifiers = p.Exits.Select((e, l) => new LinearWeights(e.ClassifierWeight, e.ClassifierBias, transform, recycle: recycle?.Classifiers[l])).ToArray();
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
