using ModelPacker.FlashImage;
using ModelPacker.Text;
using ImageDims = ModelPacker.FlashImage.ModelDims;

namespace ModelPacker.IntegerRuntime;

/// <summary>
/// An int8 model with everything the image carries around it (vocabulary, labels, thresholds, test vectors), and its
/// conversion to and from the flash image codec's <see cref="ImageContent"/>.
/// </summary>
public sealed class IntegerImage
{
    public required IntegerModel Model { get; init; }
    public required Vocabulary Vocabulary { get; init; }
    public required IReadOnlyList<string> Labels { get; init; }
    /// <summary>Exit entropy thresholds, Q16 nats (stop when entropy &lt; threshold).</summary>
    public required IReadOnlyList<int> ThresholdsQ16 { get; init; }
    public IReadOnlyList<TestVector>? TestVectors { get; init; }
    public uint BoardId { get; init; }
    public uint Flags { get; init; }
    /// <summary>The image's NORMALIZER table (read from an image); null: generated from the vocabulary flags when
    /// written, BertNormalizer when tokenizing.</summary>
    public NormalizerTable? Normalizer { get; init; }

    /// <summary>The numerics rules the codec applies to INT8_ROW params and QUANT_PARAMS (docs/numerics.md).</summary>
    public static IEncodingRules Rules { get; } = new NumericsEncodingRules();

    public ImageContent ToContent()
    {
        var m = Model;
        var d = m.Dims;
        var tensors = new List<ImageTensor>
        {
            Tensor(TensorId.WordEmbeddings, m.WordEmbeddings), Tensor(TensorId.PositionEmbeddings, m.PositionEmbeddings),
            Tensor(TensorId.EmbeddingMappingIn, m.EmbeddingMappingIn), Tensor(TensorId.AttentionQuery, m.Query),
            Tensor(TensorId.AttentionKey, m.Key), Tensor(TensorId.AttentionValue, m.Value),
            Tensor(TensorId.AttentionDense, m.AttentionDense), Tensor(TensorId.Ffn, m.Ffn), Tensor(TensorId.FfnOutput, m.FfnOutput),
        };
        for (int l = 0; l < d.NumLayers; l++)
        {
            tensors.Add(Tensor(FlashImageFormat.ExitTensor(l, ExitPart.Pooler), m.Exits[l].Pooler));
            tensors.Add(Tensor(FlashImageFormat.ExitTensor(l, ExitPart.Classifier), m.Exits[l].Classifier));
        }
        var v = Vocabulary;
        return new ImageContent
        {
            BoardId = BoardId,
            ArenaBytes = (uint)m.ArenaBytes,
            Flags = Flags,
            Dims = ToImageDims(d),
            Tensors = tensors,
            QuantParams = m.QuantParams.ToBytes(),
            Vocabulary = v.Tokens.Select((t, id) => new VocabularyEntry(t, (ushort)id)).ToList(),
            VocabularySettings = new VocabularySettings((ushort)v.PadId, (ushort)v.UnkId, (ushort)v.ClsId, (ushort)v.SepId, (ushort)v.MaskId),
            Labels = Labels,
            Thresholds = ThresholdsQ16,
            TestVectors = TestVectors,
            Normalizer = Normalizer,
        };
    }

    public static IntegerImage FromContent(ImageContent c, string source)
    {
        var d = FromImageDims(c.Dims);
        d.Validate(source);
        Int8RowTensor T(ushort id, int rows, int cols)
        {
            var t = c.Tensor(id);
            if (t.Encoding != TensorEncoding.Int8Row)
                throw new InvalidDataException($"{source}: tensor {TensorNames.Name(id)} has encoding {t.Encoding}; the integer runtime runs int8_row");
            return Int8RowTensor.FromBytes($"{source}: tensor {TensorNames.Name(id)}", rows, cols, t.Data, t.Params);
        }
        var exits = new IntegerExit[d.NumLayers];
        for (int l = 0; l < exits.Length; l++)
            exits[l] = new IntegerExit(T(FlashImageFormat.ExitTensor(l, ExitPart.Pooler), d.HiddenSize, d.HiddenSize),
                T(FlashImageFormat.ExitTensor(l, ExitPart.Classifier), d.NumLabels, d.HiddenSize));
        var model = new IntegerModel
        {
            Dims = d,
            WordEmbeddings = T((ushort)TensorId.WordEmbeddings, d.VocabSize, d.EmbeddingSize),
            PositionEmbeddings = T((ushort)TensorId.PositionEmbeddings, d.MaxPositions, d.EmbeddingSize),
            EmbeddingMappingIn = T((ushort)TensorId.EmbeddingMappingIn, d.HiddenSize, d.EmbeddingSize),
            Query = T((ushort)TensorId.AttentionQuery, d.HiddenSize, d.HiddenSize),
            Key = T((ushort)TensorId.AttentionKey, d.HiddenSize, d.HiddenSize),
            Value = T((ushort)TensorId.AttentionValue, d.HiddenSize, d.HiddenSize),
            AttentionDense = T((ushort)TensorId.AttentionDense, d.HiddenSize, d.HiddenSize),
            Ffn = T((ushort)TensorId.Ffn, d.IntermediateSize, d.HiddenSize),
            FfnOutput = T((ushort)TensorId.FfnOutput, d.HiddenSize, d.IntermediateSize),
            Exits = exits,
            QuantParams = QuantParams.FromBytes(c.QuantParams, d, source),
        };
        model.Validate(source);
        if (c.ArenaBytes != model.ArenaBytes)
            throw new InvalidDataException($"{source}: header arena_bytes {c.ArenaBytes} differs from the {model.ArenaBytes} bytes the runtime uses");
        var tokens = new string[c.Vocabulary.Count];
        foreach (var e in c.Vocabulary)
        {
            if (e.Id >= tokens.Length || tokens[e.Id] is not null)
                throw new InvalidDataException($"{source}: vocabulary ids are not exactly 0..{tokens.Length - 1} (id {e.Id})");
            tokens[e.Id] = e.Token;
        }
        return new IntegerImage
        {
            Model = model,
            Vocabulary = Vocabulary.FromTokens(tokens),
            Labels = c.Labels,
            ThresholdsQ16 = c.Thresholds,
            TestVectors = c.TestVectors,
            BoardId = c.BoardId,
            Flags = c.Flags,
            Normalizer = c.Normalizer,
        };
    }

    public byte[] Build() => ImageWriter.Build(ToContent(), Rules);
    public byte[] Write(string path) => ImageWriter.Write(ToContent(), path, Rules);

    public static IntegerImage Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new InvalidDataException($"{path}: cannot read the image: {e.Message}"); }
        return FromContent(ImageReader.Read(bytes, path, Rules).Content, path);
    }

    /// <summary>The classifier; it tokenizes with the image's NORMALIZER table when there is one, as the device does.</summary>
    public IntegerClassifier Classifier() => new(Model, Vocabulary, Labels, ThresholdsQ16, Normalizer);

    public static ImageDims ToImageDims(ModelDims d) => new(d.VocabSize, d.EmbeddingSize, d.HiddenSize, d.NumHeads, d.IntermediateSize,
        d.NumLayers, d.MaxPositions, d.NumLabels, (ActivationId)d.Activation, (SchemeId)d.Scheme);

    public static ModelDims FromImageDims(ImageDims d) => new(d.VocabSize, d.EmbeddingSize, d.HiddenSize, d.NumHeads, d.IntermediateSize,
        d.NumLayers, d.MaxPositions, d.NumLabels, (int)d.Activation, (int)d.Scheme);

    private static ImageTensor Tensor(TensorId id, Int8RowTensor t) => Tensor((ushort)id, t);
    private static ImageTensor Tensor(ushort id, Int8RowTensor t) => new(id, TensorEncoding.Int8Row, t.Rows, t.Cols, t.DataBytes(), t.ParamsBytes());
}

/// <summary>INT8_ROW and QUANT_PARAMS exactly as ni_encoding_validate / ni_qparams_validate check them.</summary>
internal sealed class NumericsEncodingRules : IEncodingRules
{
    public (int Data, int Params)? Sizes(TensorEncoding encoding, int rows, int cols) =>
        Int8RowEncodingRules.Instance.Sizes(encoding, rows, cols);

    public string? ValidateParams(TensorEncoding encoding, ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (Int8RowEncodingRules.Instance.ValidateParams(encoding, p, rows, cols) is { } error) return error;
        if (cols % 4 != 0 || cols > 65536) return $"{cols} columns: int8_row needs a multiple of 4 up to 65536";
        for (int r = 0; r < rows; r++)
        {
            int bias = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(p[(r * RowParams.Bytes)..]);
            if (Math.Abs((long)bias) > RowParams.MaxAbsBias) return $"row {r}: bias {bias} is beyond +-2^30";
        }
        return null;
    }

    public string? ValidateQuantParams(ReadOnlySpan<byte> section, ImageDims dims)
    {
        try
        {
            var d = IntegerImage.FromImageDims(dims);
            d.Validate("MODEL");
            QuantParams.FromBytes(section, d, "QUANT_PARAMS");
            return null;
        }
        catch (InvalidDataException e) { return e.Message; }
    }
}
