using ModelPacker.IntegerRuntime;

namespace ModelPacker.FlashImage;

/// <summary>
/// One scheme (MODEL dims field <c>scheme</c>, C: ni_scheme_traits): the multiple E, H, I and the head size must be,
/// the encoding every tensor id must carry, the optional QUANT_PARAMS tables it reads, whether QUANT_PARAMS'
/// attn_threshold is used, and the attention block; <c>EmbeddingAlternative</c> is an encoding the word embedding table
/// may carry instead of <c>Embeddings</c> (int8, af8: int8_sparse_embed, pruned rows read in place; 0: none). Nothing else differs between schemes (docs/numerics.md).
/// </summary>
public sealed record Scheme(SchemeId Id, string Name, int DimMultiple, TensorEncoding Weights, TensorEncoding Classifiers,
    TensorEncoding Embeddings, TensorEncoding Projections, TensorEncoding PoolerAlternative, QuantTables Tables, bool UsesAttentionThreshold,
    IAttentionBlock Attention, TensorEncoding EmbeddingAlternative = 0)
{
    /// <summary>An exit's pooler: the one tensor that may carry <see cref="PoolerAlternative"/> instead of its scheme encoding.</summary>
    public static bool IsPooler(ushort tensorId) =>
        tensorId >= FlashImageFormat.TensorExitBase && (tensorId - FlashImageFormat.TensorExitBase) % FlashImageFormat.TensorExitStride == (int)ExitPart.Pooler;

    /// <summary>Whether tensor <paramref name="tensorId"/> may carry <paramref name="encoding"/>: its <see cref="EncodingOf"/>,
    /// or for a pooler the scheme's <see cref="PoolerAlternative"/> (W1A1: binary_s8, 1-bit weights over the int8 h[CLS]).</summary>
    public bool Allows(ushort tensorId, TensorEncoding encoding) =>
        encoding == EncodingOf(tensorId) || (IsPooler(tensorId) && PoolerAlternative != 0 && encoding == PoolerAlternative)
        || (tensorId == (ushort)TensorId.WordEmbeddings && EmbeddingAlternative != 0 && encoding == EmbeddingAlternative);

    /// <summary>The word and position embedding tables: looked up row by row, never GEMM operands.</summary>
    public static bool IsEmbeddingTable(ushort tensorId) =>
        tensorId is (ushort)TensorId.WordEmbeddings or (ushort)TensorId.PositionEmbeddings;

    /// <summary>Q, K and V: the attention block's projections (scheme W1A1 reads only their sign).</summary>
    public static bool IsAttentionProjection(ushort tensorId) =>
        tensorId is (ushort)TensorId.AttentionQuery or (ushort)TensorId.AttentionKey or (ushort)TensorId.AttentionValue;

    /// <summary>The encoding tensor <paramref name="tensorId"/> must have: the embedding tables, Q, K, V and the exit
    /// classifiers may differ from the rest.</summary>
    public TensorEncoding EncodingOf(ushort tensorId) =>
        IsEmbeddingTable(tensorId) ? Embeddings :
        IsAttentionProjection(tensorId) ? Projections :
        tensorId >= FlashImageFormat.TensorExitBase && (tensorId - FlashImageFormat.TensorExitBase) % FlashImageFormat.TensorExitStride == (int)ExitPart.Classifier
            ? Classifiers : Weights;

    /// <summary>The largest |attn_threshold| QUANT_PARAMS may hold (0: the field must be 0).</summary>
    public int MaxAbsAttentionThreshold(ModelDims d) => UsesAttentionThreshold ? d.HeadSize : 0;

    /// <summary>The scheme's own rules on dims that already pass the general ones; null when valid.</summary>
    public string? DimsProblem(ModelDims d)
    {
        int m = DimMultiple;
        if (d.EmbeddingSize % m != 0 || d.HiddenSize % m != 0 || d.IntermediateSize % m != 0 || d.HeadSize % m != 0)
            return $"scheme {Name} needs embedding, hidden, intermediate and head sizes that are multiples of {m} " +
                   $"(E {d.EmbeddingSize}, H {d.HiddenSize}, I {d.IntermediateSize}, head {d.HeadSize})";
        return null;
    }
}

/// <summary>The scheme table, by id.</summary>
public static class Schemes
{
    public static readonly Scheme Int8 = new(SchemeId.Int8, "int8", 4, TensorEncoding.Int8Row, TensorEncoding.Int8Row,
        TensorEncoding.Int8Row, TensorEncoding.Int8Row, 0, QuantTables.Softmax, false, SoftmaxAttentionBlock.Instance, TensorEncoding.Int8SparseEmbed);
    public static readonly Scheme W1A1 = new(SchemeId.W1A1, "w1a1", 32, TensorEncoding.Binary, TensorEncoding.Int8Row,
        TensorEncoding.BinaryEmbed, TensorEncoding.BinarySign, TensorEncoding.BinaryS8, QuantTables.None, true, BiAttentionBlock.Instance);
    /// <summary>The int8 layer with AdaptivFloat linear weights; embedding tables and exit classifiers stay int8 rows.</summary>
    public static readonly Scheme Af8 = new(SchemeId.Af8, "af8", 4, TensorEncoding.AdaptivFloat, TensorEncoding.Int8Row,
        TensorEncoding.Int8Row, TensorEncoding.AdaptivFloat, 0, QuantTables.Softmax, false, SoftmaxAttentionBlock.Instance, TensorEncoding.Int8SparseEmbed);
    /// <summary>The int8 layer with GOBO 3-bit linear weights and outliers; embedding tables and exit classifiers stay int8 rows.</summary>
    public static readonly Scheme Gobo3 = new(SchemeId.Gobo3, "gobo3", 4, TensorEncoding.Gobo3, TensorEncoding.Int8Row,
        TensorEncoding.Int8Row, TensorEncoding.Gobo3, 0, QuantTables.Softmax, false, SoftmaxAttentionBlock.Instance, TensorEncoding.Int8SparseEmbed);
    /// <summary>The int8 layer with int4 linear weights (per-row scales); embedding tables and exit classifiers stay int8 rows.</summary>
    public static readonly Scheme Int4 = new(SchemeId.Int4, "int4", 4, TensorEncoding.Int4, TensorEncoding.Int8Row,
        TensorEncoding.Int8Row, TensorEncoding.Int4, 0, QuantTables.Softmax, false, SoftmaxAttentionBlock.Instance, TensorEncoding.Int8SparseEmbed);
    /// <summary>The int8 layer with iPQ linear weights (a codebook per tensor, 8-bit indices); embedding tables and exit classifiers stay int8 rows.</summary>
    public static readonly Scheme Ipq = new(SchemeId.Ipq, "ipq", 4, TensorEncoding.Ipq, TensorEncoding.Int8Row,
        TensorEncoding.Int8Row, TensorEncoding.Ipq, 0, QuantTables.Softmax, false, SoftmaxAttentionBlock.Instance, TensorEncoding.Int8SparseEmbed);
    /// <summary>The int8 layer with pruned linear weights (kept blocks only); embedding tables and exit classifiers stay int8 rows.</summary>
    public static readonly Scheme Int8Sparse = new(SchemeId.Int8Sparse, "int8-sparse", 4, TensorEncoding.Int8Sparse, TensorEncoding.Int8Row,
        TensorEncoding.Int8Row, TensorEncoding.Int8Sparse, 0, QuantTables.Softmax, false, SoftmaxAttentionBlock.Instance, TensorEncoding.Int8SparseEmbed);
    /// <summary>The int8 layer with 2:4 sparse int8 linear weights (2 kept of every 4 columns); embedding tables and exit classifiers stay int8 rows.</summary>
    public static readonly Scheme Int8TwoOfFour = new(SchemeId.Int8_2of4, "int8-2of4", 4, TensorEncoding.Int8_2of4, TensorEncoding.Int8Row,
        TensorEncoding.Int8Row, TensorEncoding.Int8_2of4, 0, QuantTables.Softmax, false, SoftmaxAttentionBlock.Instance, TensorEncoding.Int8SparseEmbed);
    private static readonly Scheme[] All = [Int8, W1A1, Af8, Gobo3, Int4, Ipq, Int8Sparse, Int8TwoOfFour];

    public static Scheme? Find(SchemeId id) => All.FirstOrDefault(s => s.Id == id);
    public static Scheme Get(SchemeId id) => Find(id) ?? throw new InvalidDataException($"scheme {(uint)id} is unknown");
    public static Scheme? FindByName(string name) => All.FirstOrDefault(s => s.Name == name);
}
