using ModelPacker.FlashImage;
using ModelPacker.Text;

namespace ModelPacker.IntegerRuntime;

/// <summary>
/// An integer model with everything the image carries around it (vocabulary, labels, thresholds, test vectors), and its
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

    public ImageContent ToContent()
    {
        var m = Model;
        var tensors = m.Tensors().Select(kv => new ImageTensor(kv.Key, kv.Value)).ToList();
        var v = Vocabulary;
        return new ImageContent
        {
            BoardId = BoardId,
            ArenaBytes = (uint)m.ArenaBytes,
            Flags = Flags,
            Dims = m.Dims,
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
        var model = IntegerModel.FromTensors(c.Dims, c.Tensors.ToDictionary(t => t.Id, t => t.Tensor),
            QuantParams.FromBytes(c.QuantParams, c.Dims, source), source);
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

    public byte[] Build() => ImageWriter.Build(ToContent());
    public byte[] Write(string path) => ImageWriter.Write(ToContent(), path);

    public static IntegerImage Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new InvalidDataException($"{path}: cannot read the image: {e.Message}"); }
        return FromContent(ImageReader.Read(bytes, path).Content, path);
    }

    /// <summary>The classifier; it tokenizes with the image's NORMALIZER table when there is one, as the device does.</summary>
    public IntegerClassifier Classifier() => new(Model, Vocabulary, Labels, ThresholdsQ16, Normalizer);
}
