using ModelPacker.Encodings;

namespace ModelPacker.FlashImage;

/// <summary>One tensor of the image: its id and its encoded bytes.</summary>
public sealed record ImageTensor(ushort Id, EncodedTensor Tensor);

/// <summary>What the device tokenizer needs besides the entries.</summary>
public sealed record VocabularySettings(
    ushort PadId, ushort UnkId, ushort ClsId, ushort SepId, ushort MaskId, ushort MaxWordChars = DefaultVocabulary.MaxWordChars,
    uint Flags = DefaultVocabulary.Flags);

/// <summary>BERT's uncased tokenizer, which the packer writes unless told otherwise.</summary>
public static class DefaultVocabulary
{
    public const ushort MaxWordChars = 100;
    public const uint Flags = FlashImageFormat.VocabFlagLowercase | FlashImageFormat.VocabFlagStripAccents;
}

/// <summary>An utterance's token ids and the integer reference's expected logits [L][C] and entropies [L]; and,
/// when not null, the answer [L] of each exit under the image's rejection rule (a label index or
/// <see cref="RejectionRule.Unknown"/>).</summary>
public sealed record TestVector(ushort[] Tokens, int[][] Logits, int[] Entropies, int[]? Answers = null);

/// <summary>Everything an image holds; ImageWriter lays it out, ImageReader returns it.</summary>
public sealed class ImageContent
{
    public uint BoardId { get; init; }
    public uint ArenaBytes { get; init; }
    public uint Flags { get; init; }
    public required ModelDims Dims { get; init; }
    /// <summary>Every tensor of EMBEDDINGS, LAYER and EXIT_HEADS, in any order (the writer sorts by id).</summary>
    public required IReadOnlyList<ImageTensor> Tensors { get; init; }
    public required byte[] QuantParams { get; init; }
    /// <summary>The WordPiece strings (continuations keep "##") in the image's order, strictly ascending by UTF-8
    /// bytes: a string's token id is its index (<see cref="ModelPacker.IntegerRuntime.IntegerImage.ToContent"/> puts
    /// a checkpoint's vocabulary and word embedding rows in this order).</summary>
    public required IReadOnlyList<string> Vocabulary { get; init; }
    public required VocabularySettings VocabularySettings { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>Exit entropy threshold per layer, fixed point as docs/numerics.md defines the entropy.</summary>
    public required IReadOnlyList<int> Thresholds { get; init; }
    /// <summary>When an answer is "unknown" (THRESHOLDS' rejection fields); <see cref="RejectionRule.None"/>: never.</summary>
    public RejectionRule Rejection { get; init; } = RejectionRule.None;
    /// <summary>Null: no TEST_VECTORS section. Empty list: the section with zero records.</summary>
    public IReadOnlyList<TestVector>? TestVectors { get; init; }
    /// <summary>The NORMALIZER section; null: the writer generates it from the vocabulary flags
    /// (<see cref="ModelPacker.Text.NormalizerTable.ForFlags"/>) and prunes it to the vocabulary
    /// (<see cref="ModelPacker.Text.NormalizerTable.PrunedFor"/>). The reader always fills it.</summary>
    public ModelPacker.Text.NormalizerTable? Normalizer { get; init; }
    /// <summary>The learned attention span of each head (ATTENTION_SPAN); null: no section, every key is seen.</summary>
    public IReadOnlyList<int>? AttentionSpans { get; init; }

    public EncodedTensor Tensor(ushort id) =>
        Tensors.FirstOrDefault(t => t.Id == id)?.Tensor ?? throw new KeyNotFoundException($"no tensor {TensorNames.Name(id)}");
}

public static class TensorNames
{
    /// <summary>"WordEmbeddings", "FfnOutput", "Exit1.Classifier", or the number for ids outside the format.</summary>
    public static string Name(ushort id)
    {
        if (id >= FlashImageFormat.TensorExitBase)
        {
            int rel = id - FlashImageFormat.TensorExitBase, layer = rel / FlashImageFormat.TensorExitStride;
            int part = rel % FlashImageFormat.TensorExitStride;
            return part < FlashImageFormat.ExitTensorsPerLayer ? $"Exit{layer}.{(ExitPart)part}" : $"tensor {id}";
        }
        return Enum.IsDefined(typeof(TensorId), id) ? ((TensorId)id).ToString() : $"tensor {id}";
    }

    /// <summary>The tensor section a tensor id belongs to, and the [rows, cols] the dims demand; null if none.</summary>
    public static (SectionKind Section, int Rows, int Cols)? Expected(ushort id, ModelDims d)
    {
        switch ((TensorId)id)
        {
            case TensorId.WordEmbeddings: return (SectionKind.Embeddings, d.VocabSize, d.EmbeddingSize);
            case TensorId.PositionEmbeddings: return (SectionKind.Embeddings, d.MaxPositions, d.EmbeddingSize);
            case TensorId.EmbeddingMappingIn: return (SectionKind.Embeddings, d.HiddenSize, d.EmbeddingSize);
            case TensorId.AttentionQuery or TensorId.AttentionKey or TensorId.AttentionValue or TensorId.AttentionDense:
                return (SectionKind.Layer, d.HiddenSize, d.HiddenSize);
            case TensorId.Ffn: return (SectionKind.Layer, d.IntermediateSize, d.HiddenSize);
            case TensorId.FfnOutput: return (SectionKind.Layer, d.HiddenSize, d.IntermediateSize);
        }
        if (id >= FlashImageFormat.TensorExitBase)
        {
            int rel = id - FlashImageFormat.TensorExitBase, layer = rel / FlashImageFormat.TensorExitStride;
            int part = rel % FlashImageFormat.TensorExitStride;
            if (layer < d.NumLayers && part < FlashImageFormat.ExitTensorsPerLayer)
                return (SectionKind.ExitHeads, part == (int)ExitPart.Pooler ? d.HiddenSize : d.NumLabels, d.HiddenSize);
        }
        return null;
    }

    /// <summary>Every tensor id the dims demand, ascending.</summary>
    public static IEnumerable<ushort> Required(ModelDims d)
    {
        foreach (var id in Enum.GetValues<TensorId>()) yield return (ushort)id;
        for (int l = 0; l < d.NumLayers; l++)
        {
            yield return FlashImageFormat.ExitTensor(l, ExitPart.Pooler);
            yield return FlashImageFormat.ExitTensor(l, ExitPart.Classifier);
        }
    }
}
