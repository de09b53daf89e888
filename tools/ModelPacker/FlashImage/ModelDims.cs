namespace ModelPacker.FlashImage;

/// <summary>The model shape: the MODEL section (<c>ni_model_dims</c>), one type for the codec and the runtime.</summary>
public sealed record ModelDims(
    int VocabSize, int EmbeddingSize, int HiddenSize, int NumHeads, int IntermediateSize, int NumLayers,
    int MaxPositions, int NumLabels, ActivationId Activation = ActivationId.GeluTanh, SchemeId Scheme = SchemeId.Int8)
{
    public int HeadSize => NumHeads > 0 ? HiddenSize / NumHeads : 0;

    /// <summary>The checks of ni_dims_validate, in its order: null when valid, else what is wrong (one line).</summary>
    public string? Problem()
    {
        const int MaxDim = FlashImageFormat.MaxDim;
        if (VocabSize is < 5 or > FlashImageFormat.MaxVocab) return $"vocab_size {VocabSize} outside 5..{FlashImageFormat.MaxVocab}";
        if (EmbeddingSize is < 4 or > MaxDim || EmbeddingSize % 4 != 0) return $"embedding_size {EmbeddingSize} must be a multiple of 4 in 4..{MaxDim}";
        if (HiddenSize is < 4 or > MaxDim || HiddenSize % 4 != 0) return $"hidden_size {HiddenSize} must be a multiple of 4 in 4..{MaxDim}";
        if (NumHeads < 1 || HiddenSize % NumHeads != 0 || HeadSize % 4 != 0) return $"num_heads {NumHeads}: hidden_size / heads must be a multiple of 4";
        if (IntermediateSize is < 4 or > MaxDim || IntermediateSize % 4 != 0) return $"intermediate_size {IntermediateSize} must be a multiple of 4 in 4..{MaxDim}";
        if (NumLayers is < 1 or > FlashImageFormat.MaxLayers) return $"num_layers {NumLayers} outside 1..{FlashImageFormat.MaxLayers}";
        if (MaxPositions is < 3 or > FlashImageFormat.MaxPositions) return $"max_positions {MaxPositions} outside 3..{FlashImageFormat.MaxPositions}";
        if (NumLabels is < 2 or > MaxDim) return $"num_labels {NumLabels} outside 2..{MaxDim}";
        if (Activation is < ActivationId.Gelu or > (ActivationId)FlashImageFormat.ActivationMax) return $"activation {(uint)Activation} unknown";
        if (Schemes.Find(Scheme) is not { } scheme) return $"scheme {(uint)Scheme} unknown";
        return scheme.DimsProblem(this);
    }

    /// <summary>Throws a one-line <see cref="InvalidDataException"/> "<paramref name="source"/>: what" when the dims are invalid.</summary>
    public void Validate(string source)
    {
        if (Problem() is { } p) throw new InvalidDataException($"{source}: {p}");
    }
}
