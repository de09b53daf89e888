using ModelPacker.Encodings;
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
    /// <summary>When the answer is "unknown" (THRESHOLDS' rejection fields; None in an image never calibrated for it).</summary>
    public RejectionRule Rejection { get; init; } = RejectionRule.None;
    public IReadOnlyList<TestVector>? TestVectors { get; init; }
    public uint BoardId { get; init; }
    public uint Flags { get; init; }
    /// <summary>A word of more code points than this is one [UNK] (the VOCABULARY header's max_word_chars).</summary>
    public ushort MaxWordChars { get; init; } = DefaultVocabulary.MaxWordChars;
    /// <summary>The VOCABULARY header's tokenizer flags (lower-casing, accent stripping).</summary>
    public uint VocabularyFlags { get; init; } = DefaultVocabulary.Flags;
    /// <summary>The image's NORMALIZER table (read from an image); null: generated from the vocabulary flags when
    /// written, BertNormalizer when tokenizing.</summary>
    public NormalizerTable? Normalizer { get; init; }

    /// <summary>The image's content: the vocabulary in the image's order (<see cref="InImageOrder"/>).</summary>
    public ImageContent ToContent()
    {
        var image = InImageOrder();
        var m = image.Model;
        var tensors = m.Tensors().Select(kv => new ImageTensor(kv.Key, kv.Value)).ToList();
        var v = image.Vocabulary;
        return new ImageContent
        {
            BoardId = BoardId,
            ArenaBytes = (uint)m.ArenaBytes,
            Flags = Flags,
            Dims = m.Dims,
            Tensors = tensors,
            QuantParams = m.QuantParams.ToBytes(),
            Vocabulary = v.Tokens,
            VocabularySettings = new VocabularySettings((ushort)v.PadId, (ushort)v.UnkId, (ushort)v.ClsId, (ushort)v.SepId, (ushort)v.MaskId,
                MaxWordChars, VocabularyFlags),
            Labels = Labels,
            Thresholds = ThresholdsQ16,
            Rejection = Rejection,
            TestVectors = image.TestVectors,
            Normalizer = Normalizer,
            AttentionSpans = m.AttentionSpans,
        };
    }

    /// <summary>
    /// The same classifier with its token ids in the image's order: the vocabulary sorted by UTF-8 bytes (a string's
    /// id is its rank, which VOCABULARY does not store), the word embedding rows and the test vectors' tokens moved
    /// with their strings. Everything computes what it computed before, on other ids; this image when already so.
    /// </summary>
    public IntegerImage InImageOrder()
    {
        var order = VocabularySection.ImageOrder(Vocabulary.Tokens);
        if (order.Select((old, rank) => old == rank).All(same => same)) return this;
        int rows = Model.WordEmbeddings.Rows;
        var oldOf = Enumerable.Range(0, rows).ToArray(); // rows past the vocabulary (none from the packer) stay
        order.CopyTo(oldOf, 0);
        var newOf = new int[rows];
        for (int r = 0; r < rows; r++) newOf[oldOf[r]] = r;

        return new IntegerImage
        {
            Model = Model.WithWordRows(oldOf, "image"),
            Vocabulary = Vocabulary.FromTokens(order.Select(i => Vocabulary[i]), new(newOf[Vocabulary.PadId],
                newOf[Vocabulary.UnkId], newOf[Vocabulary.ClsId], newOf[Vocabulary.SepId], newOf[Vocabulary.MaskId])),
            Labels = Labels,
            ThresholdsQ16 = ThresholdsQ16,
            Rejection = Rejection,
            TestVectors = TestVectors?.Select(t => t with { Tokens = t.Tokens.Select(id => (ushort)newOf[id]).ToArray() }).ToList(),
            BoardId = BoardId,
            Flags = Flags,
            MaxWordChars = MaxWordChars,
            VocabularyFlags = VocabularyFlags,
            Normalizer = Normalizer,
        };
    }

    public static IntegerImage FromContent(ImageContent c, string source)
    {
        var vs = c.VocabularySettings;
        var model = IntegerModel.FromTensors(c.Dims, c.Tensors.ToDictionary(t => t.Id, t => t.Tensor),
            QuantParams.FromBytes(c.QuantParams, c.Dims, source), source, c.AttentionSpans);
        if (c.ArenaBytes != model.ArenaBytes)
            throw new InvalidDataException($"{source}: header arena_bytes {c.ArenaBytes} differs from the {model.ArenaBytes} bytes the runtime uses");
        return new IntegerImage
        {
            Model = model,
            // token id = index, and the special ids and word limit of the header: what the device tokenizer uses
            Vocabulary = Vocabulary.FromTokens(c.Vocabulary, new(vs.PadId, vs.UnkId, vs.ClsId, vs.SepId, vs.MaskId)),
            Labels = c.Labels,
            ThresholdsQ16 = c.Thresholds,
            Rejection = c.Rejection,
            TestVectors = c.TestVectors,
            BoardId = c.BoardId,
            Flags = c.Flags,
            MaxWordChars = vs.MaxWordChars,
            VocabularyFlags = vs.Flags,
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
    public IntegerClassifier Classifier() => new(Model, Vocabulary, Labels, ThresholdsQ16, Normalizer, MaxWordChars) { Rejection = Rejection };

    /// <summary>The test vectors with every exit's answer under <paramref name="rule"/> (from their stored logits and
    /// entropies), for an image whose rejection rule changes.</summary>
    public IReadOnlyList<TestVector>? TestVectorsAnswering(RejectionRule rule) =>
        TestVectors?.Select(t => t with
        {
            Answers = t.Logits.Select((logits, l) => IntegerKernels.Answer(rule, logits, t.Entropies[l], Model.QuantParams.Exp2Frac)).ToArray(),
        }).ToList();
}
