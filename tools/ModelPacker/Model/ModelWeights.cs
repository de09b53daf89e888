using ModelPacker.Numerics;

namespace ModelPacker.Model;

/// <summary>One linear layer as the forward and backward passes read it: W [out,in], Wᵀ [in,out] (for the GEMM) and b.</summary>
public sealed class LinearWeights
{
    public LinearWeights(NamedTensor weight, NamedTensor bias, IWeightTransform? transform)
    {
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
/// <see cref="IWeightTransform"/>, and transposed copies for the matrix multiply. Built once per training step.
/// </summary>
public sealed class ModelWeights
{
    public ModelWeights(AlbertParameters p, IWeightTransform? transform = null)
    {
        Config = p.Config;
        Transform = transform;
        WordEmbeddings = LinearWeights.Effective(p.WordEmbeddings, transform);
        PositionEmbeddings = LinearWeights.Effective(p.PositionEmbeddings, transform);
        TokenTypeEmbeddings = LinearWeights.Effective(p.TokenTypeEmbeddings, transform);
        EmbeddingLayerNormWeight = p.EmbeddingLayerNormWeight.Data;
        EmbeddingLayerNormBias = p.EmbeddingLayerNormBias.Data;
        EmbeddingProjection = new(p.EmbeddingProjectionWeight, p.EmbeddingProjectionBias, transform);
        Query = new(p.QueryWeight, p.QueryBias, transform);
        Key = new(p.KeyWeight, p.KeyBias, transform);
        Value = new(p.ValueWeight, p.ValueBias, transform);
        AttentionOutput = new(p.AttentionOutputWeight, p.AttentionOutputBias, transform);
        AttentionLayerNormWeight = p.AttentionLayerNormWeight.Data;
        AttentionLayerNormBias = p.AttentionLayerNormBias.Data;
        Ffn = new(p.FfnWeight, p.FfnBias, transform);
        FfnOutput = new(p.FfnOutputWeight, p.FfnOutputBias, transform);
        FullLayerNormWeight = p.FullLayerNormWeight.Data;
        FullLayerNormBias = p.FullLayerNormBias.Data;
        Poolers = p.Exits.Select(e => new LinearWeights(e.PoolerWeight, e.PoolerBias, transform)).ToArray();
        Classifiers = p.Exits.Select(e => new LinearWeights(e.ClassifierWeight, e.ClassifierBias, transform)).ToArray();
    }

    public AlbertConfig Config { get; }
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
}
