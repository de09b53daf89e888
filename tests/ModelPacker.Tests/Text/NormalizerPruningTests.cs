using System.Text;
using ModelPacker.FlashImage;
using ModelPacker.Text;
using Xunit.Abstractions;

namespace ModelPacker.Tests.Text;

/// <summary>
/// The NORMALIZER table an image carries is pruned to its vocabulary (NormalizerTable.PrunedFor): for every code
/// point, texts around it tokenize to the same ids with the pruned table as with the full one (C# tokenizer
/// exhaustively, the C tokenizer on a sample), the pruned table is smaller for the real vocabularies, and a
/// vocabulary holding a letter keeps the replacements that reach it.
/// </summary>
public class NormalizerPruningTests(ITestOutputHelper output)
{
    private static Vocabulary Model(string name) => Vocabulary.Load(Path.Combine(TestPaths.RepoRoot, "models", name, "vocab.txt"));

    /// <summary>SNIPS's vocabulary with pieces that reach a few mapped scripts: a Cyrillic letter, Greek, a
    /// Hangul jamo, an accented Latin letter, the dotted i's combining dot.</summary>
    private static Vocabulary SnipsPlusScripts() =>
        Vocabulary.FromTokens(Model("snips").Tokens.Concat(["ж", "##ж", "σ", "##ᄀ", "ᅡ", "é", "\u0307", "ǆ"]));

    private static readonly string LongPrefix = new('a', 98);

    /// <summary>The texts around one code point: alone, inside a word, after a space, doubled, at the end of a
    /// word of max_word_chars code points.</summary>
    private static string[] Texts(int cp)
    {
        string c = char.ConvertFromUtf32(cp);
        return [c, "a" + c + "b", "x " + c + "y", c + c, LongPrefix + c + "e"];
    }

    /// <summary>Every code point whose entry differs between the two tables (props or replacement: the only ones
    /// whose texts can tokenize differently, as the texts hold nothing else but ASCII letters and a space, whose
    /// entries the test checks are equal), and every 17th code point of the rest.</summary>
    public static TheoryData<string, bool, bool, int> Cases => new()
    {
        { "snips", true, true, 17 }, { "clinc150", true, true, 17 }, { "scripts", true, true, 17 }, { "scripts", true, false, 17 },
        { "scripts", false, true, 17 },
    };

    private static Vocabulary VocabularyOf(string name) => name == "scripts" ? SnipsPlusScripts() : Model(name);

    private static bool SameEntry(NormalizerTable a, NormalizerTable b, int cp) =>
        a.Props(cp) == b.Props(cp) && a.Map(cp).AsSpan().SequenceEqual(b.Map(cp));

    [Theory]
    [MemberData(nameof(Cases))]
    public void PrunedTable_TokenizesEveryCodePointAsTheFullTable(string vocabName, bool lower, bool strip, int stride)
    {
        var vocab = VocabularyOf(vocabName);
        var full = NormalizerTable.Build(lower, strip);
        var pruned = full.PrunedFor(vocab.Tokens);
        var withFull = new WordPieceTokenizer(vocab, normalizer: full);
        var withPruned = new WordPieceTokenizer(vocab, normalizer: pruned);
        foreach (char c in "abexy ")
            Assert.True(SameEntry(full, pruned, c), $"'{c}' changed");
        int differ = 0, compared = 0, entries = 0;
        var report = new StringBuilder();
        for (int cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF) continue;
            bool same = SameEntry(full, pruned, cp);
            if (!same) entries++;
            if (same && cp % stride != 0) continue;
            foreach (var text in Texts(cp))
            {
                var want = withFull.TokenizeToIds(text);
                var got = withPruned.TokenizeToIds(text);
                compared++;
                if (want.AsSpan().SequenceEqual(got)) continue;
                if (differ++ < 10) report.AppendLine($"U+{cp:X4} in '{NormalizerTableTests.Escape(text)}': pruned [{string.Join(" ", got)}], full [{string.Join(" ", want)}]");
            }
        }
        output.WriteLine($"{vocabName} lower={lower} strip={strip}: full {full.RangeCount} ranges, {full.MapCount} mappings, {full.PoolCount} pool, {full.ByteLength} bytes; " +
                         $"pruned {pruned.RangeCount} ranges, {pruned.MapCount} mappings, {pruned.PoolCount} pool, {pruned.ByteLength} bytes; " +
                         $"{entries} code points differ in the table, {compared} texts compared");
        Assert.True(differ == 0, $"{differ} of {compared} texts differ:\n{report}");
        Assert.True(entries > 0, "pruning changed nothing");
    }

    [Theory]
    [InlineData("snips", true)]
    [InlineData("scripts", true)]
    [InlineData("scripts", false)]
    public void CTokenizer_OnThePrunedImageTable_EqualsTheFullTable_OnASample(string vocabName, bool strip)
    {
        // The image's NORMALIZER is the pruned table; the C tokenizer over it against the C# one over the full table:
        // every code point whose entry the pruning changed, and every 97th of the rest.
        var vocab = VocabularyOf(vocabName);
        uint flags = FlashImageFormat.VocabFlagLowercase | (strip ? FlashImageFormat.VocabFlagStripAccents : 0u);
        var image = NativeTokenizerTests.ImageWithVocabulary(vocab, 128, flags);
        var pruned = ImageReader.Read(image, vocabName).Content.Normalizer!;
        var full = NormalizerTable.ForFlags(flags);
        Assert.True(pruned.ByteLength < full.ByteLength);
        // The image's token ids are ranks (docs/flash-image.md, VOCABULARY): the reference tokenizes with the image's
        // strings in image order, so both sides give image ids.
        var withFull = new WordPieceTokenizer(NativeTokenizerTests.ImageVocabulary(image), normalizer: full);
        using var native = new NativeTokenizer(image);
        int compared = 0;
        for (int cp = 0; cp <= 0x10FFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF || SameEntry(full, pruned, cp) && cp % 97 != 0) continue;
            foreach (var text in Texts(cp))
            {
                var want = withFull.Encode(text, 128);
                var got = native.Tokenize(Encoding.UTF8.GetBytes(text), 128);
                compared++;
                Assert.True(want.AsSpan().SequenceEqual(got), $"U+{cp:X4} in '{NormalizerTableTests.Escape(text)}': C [{string.Join(" ", got)}], full table [{string.Join(" ", want)}]");
            }
        }
        output.WriteLine($"{vocabName} strip={strip}: {compared} texts, C over the pruned table = C# over the full table");
    }

    [Theory]
    [InlineData("snips")]
    [InlineData("clinc150")]
    public void PrunedTable_IsSmallerForTheModelVocabularies(string model)
    {
        var full = NormalizerTable.Build(true, true);
        var pruned = full.PrunedFor(Model(model).Tokens);
        output.WriteLine($"{model}: {full.ByteLength} -> {pruned.ByteLength} bytes ({full.RangeCount} -> {pruned.RangeCount} ranges, {full.MapCount} -> {pruned.MapCount} mappings, {full.PoolCount} -> {pruned.PoolCount} pool)");
        Assert.True(pruned.ByteLength < full.ByteLength / 2, $"{pruned.ByteLength} of {full.ByteLength} bytes");
        // What SNIPS's letters need stays: A-Z and the accented Latin letters map to lower-case ASCII.
        foreach (var (cp, want) in new[] { ('A', "a"), ('Z', "z"), ('É', "e"), ('ñ', "n"), ('Å', "a") })
            Assert.Equal(want, string.Concat(pruned.Map(cp).Select(char.ConvertFromUtf32)));
        // Cyrillic and Greek letters are in no piece: their case mappings go.
        Assert.Equal(['Ж'], pruned.Map('Ж'));
        Assert.Equal(['Σ'], pruned.Map('Σ'));
    }

    [Fact]
    public void Vocabulary_WithACyrillicLetter_KeepsTheMappingsThatReachIt()
    {
        var full = NormalizerTable.Build(true, true);
        var plain = full.PrunedFor(Model("snips").Tokens);
        var withZhe = full.PrunedFor(Model("snips").Tokens.Append("ж"));
        Assert.Equal(['Ж'], plain.Map('Ж'));
        Assert.Equal(['ж'], withZhe.Map('Ж'));
        // A letter whose replacement is all in the vocabulary keeps it; one whose own code point is there too.
        Assert.Equal(['Б'], withZhe.Map('Б'));
        Assert.Equal(['ж'], full.PrunedFor(Model("snips").Tokens.Append("##Жж")).Map('Ж'));
        // Hangul: a syllable whose jamo are all pieces keeps its decomposition, the others lose it.
        var jamo = full.PrunedFor(Model("snips").Tokens.Concat(["ᄀ", "##ᅡ"]));
        Assert.Equal(NormalizerTable.Hangul(0xAC00), jamo.Map(0xAC00));
        Assert.Equal([0xAC01], jamo.Map(0xAC01));
        Assert.Equal([0xAC00], plain.Map(0xAC00));
    }
}
