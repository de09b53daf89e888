using ModelPacker.Encodings;
using ModelPacker.FlashImage;

namespace ModelPacker.IntegerRuntime;

/// <summary>The weights of one exit head.</summary>
public sealed record IntegerExit(EncodedTensor Pooler, EncodedTensor Classifier);

/// <summary>
/// Everything the integer runtime executes: the encoded tensors (as they are stored in the image, each in the
/// encoding its scheme demands) and QUANT_PARAMS. Built by a quantizer from an fp32 model, or read back from a flash
/// image.
/// </summary>
public sealed class IntegerModel
{
    public required ModelDims Dims { get; init; }
    public required EncodedTensor WordEmbeddings { get; init; }      // [V, E]
    public required EncodedTensor PositionEmbeddings { get; init; }  // [P, E], token type 0 folded in
    public required EncodedTensor EmbeddingMappingIn { get; init; }  // [H, E]
    public required EncodedTensor Query { get; init; }
    public required EncodedTensor Key { get; init; }
    public required EncodedTensor Value { get; init; }
    public required EncodedTensor AttentionDense { get; init; }
    public required EncodedTensor Ffn { get; init; }                 // [I, H]
    public required EncodedTensor FfnOutput { get; init; }           // [H, I]
    public required IntegerExit[] Exits { get; init; }
    public required QuantParams QuantParams { get; init; }
    /// <summary>The hard attention span of each head (docs/numerics.md "Adaptive attention span"); null: every key.</summary>
    public IReadOnlyList<int>? AttentionSpans { get; init; }

    public Scheme Scheme => Schemes.Get(Dims.Scheme);

    /// <summary>Bytes of arena the C step API needs at max_positions tokens (ni_arena_bytes; docs/numerics.md "Arena").</summary>
    public int ArenaBytes => ArenaLayout.Of(Dims).Total;

    /// <summary>Every tensor by its image id.</summary>
    public IReadOnlyDictionary<ushort, EncodedTensor> Tensors()
    {
        var d = new Dictionary<ushort, EncodedTensor>
        {
            [(ushort)TensorId.WordEmbeddings] = WordEmbeddings, [(ushort)TensorId.PositionEmbeddings] = PositionEmbeddings,
            [(ushort)TensorId.EmbeddingMappingIn] = EmbeddingMappingIn, [(ushort)TensorId.AttentionQuery] = Query,
            [(ushort)TensorId.AttentionKey] = Key, [(ushort)TensorId.AttentionValue] = Value,
            [(ushort)TensorId.AttentionDense] = AttentionDense, [(ushort)TensorId.Ffn] = Ffn, [(ushort)TensorId.FfnOutput] = FfnOutput,
        };
        for (int l = 0; l < Exits.Length; l++)
        {
            d[FlashImageFormat.ExitTensor(l, ExitPart.Pooler)] = Exits[l].Pooler;
            d[FlashImageFormat.ExitTensor(l, ExitPart.Classifier)] = Exits[l].Classifier;
        }
        return d;
    }

    /// <summary>A model from tensors by image id (validated: throws a one-line error naming the tensor).</summary>
    public static IntegerModel FromTensors(ModelDims d, IReadOnlyDictionary<ushort, EncodedTensor> tensors, QuantParams qp, string source,
        IReadOnlyList<int>? attentionSpans = null)
    {
        if (attentionSpans is not null) AttentionSpanSection.Validate(attentionSpans, d, source);
        ModelValidator.Validate(d, tensors, qp.ToBytes(), source);
        EncodedTensor T(TensorId id) => tensors[(ushort)id];
        var exits = new IntegerExit[d.NumLayers];
        for (int l = 0; l < exits.Length; l++)
            exits[l] = new IntegerExit(tensors[FlashImageFormat.ExitTensor(l, ExitPart.Pooler)], tensors[FlashImageFormat.ExitTensor(l, ExitPart.Classifier)]);
        return new IntegerModel
        {
            Dims = d, WordEmbeddings = T(TensorId.WordEmbeddings), PositionEmbeddings = T(TensorId.PositionEmbeddings),
            EmbeddingMappingIn = T(TensorId.EmbeddingMappingIn), Query = T(TensorId.AttentionQuery), Key = T(TensorId.AttentionKey),
            Value = T(TensorId.AttentionValue), AttentionDense = T(TensorId.AttentionDense), Ffn = T(TensorId.Ffn),
            FfnOutput = T(TensorId.FfnOutput), Exits = exits, QuantParams = qp, AttentionSpans = attentionSpans,
        };
    }

    /// <summary>
    /// The same model with only the word embedding rows <paramref name="rows"/>, in that order (row r of the result is
    /// row rows[r] here) and V = their count: how the image reorders its vocabulary and how pruning drops tokens.
    /// Decoded and encoded again by the tensor's encoding, so every encoding keeps its rows' bytes and params.
    /// </summary>
    public IntegerModel WithWordRows(IReadOnlyList<int> rows, string source)
    {
        var words = WordEmbeddings;
        var q = words.Traits.Decode(words);
        var weights = new sbyte[rows.Count * q.Cols];
        for (int r = 0; r < rows.Count; r++) q.Row(rows[r]).CopyTo(weights.AsSpan(r * q.Cols, q.Cols));
        var selected = q with { Rows = rows.Count, Weights = weights, RowParams = rows.Select(o => q.RowParams[o]).ToArray() };
        var tensors = new Dictionary<ushort, EncodedTensor>(Tensors())
        {
            [(ushort)TensorId.WordEmbeddings] = words.Traits.Encode(selected, "WordEmbeddings"),
        };
        return FromTensors(Dims with { VocabSize = rows.Count }, tensors, QuantParams, source, AttentionSpans);
    }

    /// <summary>Throws a one-line error when the dims, a tensor (shape, encoding, sizes, params) or QUANT_PARAMS is invalid.</summary>
    public void Validate(string source)
    {
        if (Exits.Length != Dims.NumLayers) throw new InvalidDataException($"{source}: {Exits.Length} exit heads for {Dims.NumLayers} layers");
        ModelValidator.Validate(Dims, Tensors(), QuantParams.ToBytes(), source);
        if (AttentionSpans is not null) AttentionSpanSection.Validate(AttentionSpans, Dims, source);
    }
}
