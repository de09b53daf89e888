namespace ModelPacker.IntegerRuntime;

/// <summary>The int8 weights of one exit head.</summary>
public sealed record IntegerExit(Int8RowTensor Pooler, Int8RowTensor Classifier);

/// <summary>
/// Everything the integer runtime executes: the quantized tensors (as they are stored in the image) and QUANT_PARAMS.
/// Built by the quantizer from an fp32 model, or read back from a flash image.
/// </summary>
public sealed class IntegerModel
{
    public required ModelDims Dims { get; init; }
    public required Int8RowTensor WordEmbeddings { get; init; }      // [V, E]
    public required Int8RowTensor PositionEmbeddings { get; init; }  // [P, E], token type 0 folded in
    public required Int8RowTensor EmbeddingMappingIn { get; init; }  // [H, E]
    public required Int8RowTensor Query { get; init; }
    public required Int8RowTensor Key { get; init; }
    public required Int8RowTensor Value { get; init; }
    public required Int8RowTensor AttentionDense { get; init; }
    public required Int8RowTensor Ffn { get; init; }                 // [I, H]
    public required Int8RowTensor FfnOutput { get; init; }           // [H, I]
    public required IntegerExit[] Exits { get; init; }
    public required QuantParams QuantParams { get; init; }

    /// <summary>Bytes of arena the C step API needs at max_positions tokens (ni_arena_bytes; docs/numerics.md "Arena").</summary>
    public int ArenaBytes => ArenaLayout.Of(Dims).Total;

    /// <summary>Throws a one-line error when a tensor's shape does not match the dims.</summary>
    public void Validate(string source)
    {
        Dims.Validate(source);
        var d = Dims;
        void Shape(string name, Int8RowTensor t, int rows, int cols)
        {
            if (t.Rows != rows || t.Cols != cols) throw new InvalidDataException($"{source}: tensor {name} is [{t.Rows}, {t.Cols}], expected [{rows}, {cols}]");
            for (int r = 0; r < rows; r++)
                if (!t.Params[r].IsValid) throw new InvalidDataException($"{source}: tensor {name} row {r} has out-of-range params");
        }
        Shape("word_embeddings", WordEmbeddings, d.VocabSize, d.EmbeddingSize);
        Shape("position_embeddings", PositionEmbeddings, d.MaxPositions, d.EmbeddingSize);
        Shape("embedding_hidden_mapping_in", EmbeddingMappingIn, d.HiddenSize, d.EmbeddingSize);
        Shape("query", Query, d.HiddenSize, d.HiddenSize);
        Shape("key", Key, d.HiddenSize, d.HiddenSize);
        Shape("value", Value, d.HiddenSize, d.HiddenSize);
        Shape("attention.dense", AttentionDense, d.HiddenSize, d.HiddenSize);
        Shape("ffn", Ffn, d.IntermediateSize, d.HiddenSize);
        Shape("ffn_output", FfnOutput, d.HiddenSize, d.IntermediateSize);
        if (Exits.Length != d.NumLayers) throw new InvalidDataException($"{source}: {Exits.Length} exit heads for {d.NumLayers} layers");
        for (int l = 0; l < d.NumLayers; l++)
        {
            Shape($"exit {l} pooler", Exits[l].Pooler, d.HiddenSize, d.HiddenSize);
            Shape($"exit {l} classifier", Exits[l].Classifier, d.NumLabels, d.HiddenSize);
        }
    }
}

/// <summary>The arena layout of the C step API (src/runtime/ni_arena.c), byte offsets, each 4-aligned.</summary>
public sealed record ArenaLayout(int Hidden, int Q, int K, int V, int Acc, int Scores, int Wide, int Narrow, int Total)
{
    public const int HeaderBytes = 16;

    public static ArenaLayout Of(ModelDims d)
    {
        static int Align4(int n) => (n + 3) & ~3;
        int th = Align4(d.MaxPositions * d.HiddenSize);
        int off = HeaderBytes;
        int hidden = off; off += th;
        int q = off; off += th;
        int k = off; off += th;
        int v = off; off += th;
        int acc = off; off += 4 * Math.Max(d.IntermediateSize, Math.Max(d.HiddenSize, d.NumLabels));
        int scores = off; off += 4 * d.MaxPositions;
        int wide = off; off += Align4(2 * Math.Max(d.EmbeddingSize, d.HiddenSize));
        int narrow = off; off += Align4(Math.Max(d.IntermediateSize, Math.Max(d.EmbeddingSize, d.HiddenSize)));
        return new ArenaLayout(hidden, q, k, v, acc, scores, wide, narrow, off);
    }
}
