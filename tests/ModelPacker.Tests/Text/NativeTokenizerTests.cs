using System.Text;
using System.Text.Json;
using ModelPacker.Data;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;
using ModelPacker.Tests.IntegerRuntime;
using ModelPacker.Text;
using Xunit.Abstractions;

namespace ModelPacker.Tests.Text;

/// <summary>
/// The device tokenizer (C, native-kernels/src/text, through the host library) against WordPieceTokenizer.Encode:
/// every utterance of SNIPS, CLINC150 (every split, out-of-scope included) and Banking77 (train and test) plus the
/// hard cases, with the bundled models' vocabularies, truncated at the model's positions, at 5 ids and at 512. The
/// C side gets Encoding.UTF8.GetBytes of the .NET string, as a nanoFramework string reaches it (lone surrogates
/// become EF BF BD). The image is a packed image with the real vocabulary (random small weights: only the
/// VOCABULARY and NORMALIZER sections matter here).
/// </summary>
public class NativeTokenizerTests(ITestOutputHelper output)
{
    private static readonly Lazy<List<(string Source, string Text)>> AllUtterances = new(LoadUtterances);

    public static IReadOnlyList<(string Source, string Text)> Utterances() => AllUtterances.Value;

    private static List<(string, string)> LoadUtterances()
    {
        var list = new List<(string, string)>();
        foreach (var name in new[] { "snips", "clinc150", "banking77" })
        {
            var ds = DatasetLoader.Load(TestPaths.Dataset(name));
            foreach (var (split, examples) in new[] { ("train", ds.Train), ("validation", ds.Validation), ("test", ds.Test) })
                for (int i = 0; i < examples.Count; i++) list.Add(($"{name} {split} #{i}", examples[i].Text));
        }
        return list;
    }

    [Fact]
    public void DatasetsAreAllThere()
    {
        var u = Utterances();
        // SNIPS 13,784 + 700; CLINC150 23,700 (oos included); Banking77 10,003 + 3,080.
        Assert.Equal(13_784 + 700 + 23_700 + 10_003 + 3_080, u.Count);
    }

    internal static byte[] ImageWithVocabulary(Vocabulary vocab, int positions, uint vocabFlags = FlashImageFormat.VocabFlagLowercase | FlashImageFormat.VocabFlagStripAccents)
    {
        var p = TestModels.RandomParameters(seed: 3, vocab: vocab.Count, e: 8, h: 8, heads: 2, i: 8, layers: 1, positions: positions, labels: 2);
        var scales = Calibrator.Calibrate(p, TestModels.RandomSequences(4, 8, vocab.Count, positions));
        var image = new IntegerImage
        {
            Model = Int8Quantizer.Quantize(p, scales),
            Vocabulary = vocab,
            Labels = ["a", "b"],
            ThresholdsQ16 = [0],
        };
        var content = image.ToContent();
        content = new ImageContent
        {
            Dims = content.Dims, ArenaBytes = content.ArenaBytes, Tensors = content.Tensors, QuantParams = content.QuantParams,
            Vocabulary = content.Vocabulary, VocabularySettings = content.VocabularySettings with { Flags = vocabFlags },
            Labels = content.Labels, Thresholds = content.Thresholds,
        };
        return ImageWriter.Build(content);
    }

    /// <summary>The image's vocabulary: its strings in UTF-8 byte order, token id = rank (the ids the C tokenizer returns).</summary>
    internal static Vocabulary ImageVocabulary(byte[] image) => Vocabulary.FromTokens(ImageReader.Read(image, "image").Content.Vocabulary);

    private static int Positions(string model) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "models", model, "config.json")))
            .RootElement.GetProperty("max_position_embeddings").GetInt32();

    [Theory]
    [InlineData("snips")]
    [InlineData("clinc150")]
    public void CTokenizer_EqualsWordPieceTokenizer_OnEveryUtteranceAndHardCase(string model)
    {
        var vocab = Vocabulary.Load(Path.Combine(TestPaths.RepoRoot, "models", model, "vocab.txt"));
        int positions = Positions(model);
        var image = ImageWithVocabulary(vocab, positions);
        var imageVocab = ImageVocabulary(image);
        var reference = new WordPieceTokenizer(imageVocab);
        var table = new WordPieceTokenizer(imageVocab, normalizer: ImageReader.Read(image, model).Content.Normalizer);
        var checkpoint = new WordPieceTokenizer(vocab);
        var toImageId = vocab.Tokens.Select(t => imageVocab.TryGetId(t, out int id) ? id : -1).ToArray();
        using var native = new NativeTokenizer(image);
        var texts = TokenizerHardCases.All().Select((t, i) => ($"hard case #{i}", t)).Concat(Utterances()).ToList();
        int compared = 0, failures = 0;
        var report = new StringBuilder();
        foreach (var (source, text) in texts)
        {
            var utf8 = Encoding.UTF8.GetBytes(text);
            foreach (int max in new[] { positions, 5, 512 })
            {
                var want = reference.Encode(text, max);
                var got = native.Tokenize(utf8, max);
                var viaTable = table.Encode(text, max);
                compared++;
                // the same pieces as the checkpoint's tokenizer, on the image's ids
                Assert.Equal(checkpoint.Encode(text, max).Select(id => toImageId[id]), want);
                if (want.AsSpan().SequenceEqual(got) && want.AsSpan().SequenceEqual(viaTable)) continue;
                if (failures++ >= 5) continue;
                var other = want.AsSpan().SequenceEqual(got) ? viaTable : got;
                int at = 0;
                while (at < want.Length && at < other.Length && want[at] == other[at]) at++;
                report.AppendLine($"{source} '{NormalizerTableTests.Escape(text)}' (max {max}): {(other == got ? "C" : "C# table")} differs at position {at}: " +
                                  $"[{string.Join(" ", other)}] vs WordPieceTokenizer [{string.Join(" ", want)}]");
            }
        }
        output.WriteLine($"{model}: {texts.Count} texts x 3 lengths = {compared} tokenizations compared, {failures} differ");
        Assert.True(failures == 0, $"{failures} of {compared} differ:\n{report}");
    }

    [Fact]
    public void CTokenizer_IllFormedUtf8_EqualsDotNetDecoderThenWordPiece()
    {
        // Random byte strings (mostly ASCII letters, some lead/continuation bytes): .NET's decoder turns each
        // maximal ill-formed subpart into U+FFFD, the C decoder must do the same (then both drop it).
        var vocab = Vocabulary.Load(Path.Combine(TestPaths.RepoRoot, "models", "snips", "vocab.txt"));
        var image = ImageWithVocabulary(vocab, 32);
        var reference = new WordPieceTokenizer(ImageVocabulary(image));
        using var native = new NativeTokenizer(image);
        var rng = new Random(11);
        byte[] interesting = [0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xDF, 0xE0, 0xE1, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF4, 0xF5, 0xFF, 0xA0, 0x9F, 0x8F, 0x90, 0xA9];
        for (int k = 0; k < 20_000; k++)
        {
            var b = new byte[rng.Next(0, 12)];
            for (int i = 0; i < b.Length; i++)
                b[i] = rng.Next(3) switch { 0 => (byte)rng.Next('a', 'f'), 1 => (byte)' ', _ => interesting[rng.Next(interesting.Length)] };
            string text = Encoding.UTF8.GetString(b);
            var want = reference.Encode(text, 512);
            var got = native.Tokenize(b, 512);
            Assert.True(want.AsSpan().SequenceEqual(got), $"bytes {Convert.ToHexString(b)}: C [{string.Join(" ", got)}], .NET [{string.Join(" ", want)}]");
        }
    }

    [Fact]
    public void CTokenizer_WithoutLowerCasing_FollowsTheVocabularyFlags()
    {
        var vocab = Vocabulary.FromTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Hello", "é", "hello", "e", "!"]);
        var image = ImageWithVocabulary(vocab, 16, vocabFlags: 0);
        using var native = new NativeTokenizer(image);
        var reference = new WordPieceTokenizer(ImageVocabulary(image), lowerCase: false);
        foreach (var text in TokenizerHardCases.All().Concat(["Hello é!", "hello E"]))
            Assert.Equal(reference.Encode(text, 16), native.Tokenize(Encoding.UTF8.GetBytes(text), 16));
    }

    [Fact]
    public void CTokenizer_AndTheImageReference_UseTheHeadersSpecialIdsAndWordLimit()
    {
        // A header whose ids are not the strings' names and whose word limit is 6 code points: the C tokenizer and
        // the C# reference of the read image (IntegerImage.Classifier) must both follow the header.
        var vocab = Vocabulary.Load(Path.Combine(TestPaths.RepoRoot, "models", "snips", "vocab.txt"));
        var plain = ImageReader.Read(ImageWithVocabulary(vocab, 32), "image").Content;
        var v = plain.VocabularySettings;
        var content = new ImageContent
        {
            Dims = plain.Dims, ArenaBytes = plain.ArenaBytes, Tensors = plain.Tensors, QuantParams = plain.QuantParams,
            Vocabulary = plain.Vocabulary, Labels = plain.Labels, Thresholds = plain.Thresholds,
            VocabularySettings = v with { UnkId = v.MaskId, ClsId = v.SepId, SepId = v.ClsId, MaxWordChars = 6 },
        };
        var image = ImageWriter.Build(content);
        var read = IntegerImage.FromContent(ImageReader.Read(image, "image").Content, "image");
        var reference = read.Classifier();
        using var native = new NativeTokenizer(image);
        int unknown = 0;
        foreach (var text in TokenizerHardCases.All().Concat(Utterances().Take(3000).Select(u => u.Text)))
        {
            var want = reference.Encode(text);
            Assert.Equal(want, native.Tokenize(Encoding.UTF8.GetBytes(text), 32));
            Assert.Equal(v.SepId, want[0]);
            if (want.Contains(v.MaskId)) unknown++;
        }
        Assert.True(unknown > 500, $"only {unknown} texts have a word over 6 characters"); // the limit was exercised
        // and a read image writes the same header back
        Assert.Equal(content.VocabularySettings, ImageReader.Read(read.Build(), "image").Content.VocabularySettings);
    }

    [Fact]
    public void CTokenizer_RejectsBadArguments()
    {
        var vocab = Vocabulary.Load(Path.Combine(TestPaths.RepoRoot, "models", "snips", "vocab.txt"));
        var image = ImageWithVocabulary(vocab, 32);
        var imageVocab = ImageVocabulary(image);
        using var native = new NativeTokenizer(image);
        Assert.Equal(2 * 404 + 4 * 0, native.ScratchBytes - 0);
        Assert.Equal([(int)NiStatus.SeqLen], native.Tokenize("a"u8, 1));
        Assert.Equal([(int)NiStatus.ArenaSmall], native.Tokenize("a"u8, 8, native.ScratchBytes - 1));
        Assert.Equal([imageVocab.ClsId, imageVocab.SepId], native.Tokenize(""u8, 2));
    }
}
