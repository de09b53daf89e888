using System.Text;
using ModelPacker.Data;
using ModelPacker.Text;
using Xunit.Abstractions;

namespace ModelPacker.Tests.Text;

/// <summary>
/// VocabularyPruning on SNIPS (the bundled model's vocabulary, its training split) and on small vocabularies built
/// to show one rule each; the C tokenizer over an image with the pruned vocabulary against WordPieceTokenizer.
/// </summary>
public class VocabularyPruningTests(ITestOutputHelper output)
{
    private static readonly Lazy<(IntentDataset Data, Vocabulary Vocab)> Snips = new(() =>
        (DatasetLoader.Load(TestPaths.Dataset("snips")), Vocabulary.Load(Path.Combine(TestPaths.RepoRoot, "models", "snips", "vocab.txt"))));

    private static List<string> Train => Snips.Value.Data.Train.Select(e => e.Text).ToList();

    private static Vocabulary Letters(params string[] pieces)
    {
        var singles = "abcdexz".SelectMany(c => new[] { c.ToString(), "##" + c });
        return Vocabulary.FromTokens(Vocabulary.SpecialTokens.Concat(singles).Concat(pieces));
    }

    [Fact]
    public void MinCountOne_TrainingSplitTokenizesExactlyAsBefore()
    {
        var (data, vocab) = Snips.Value;
        var pruning = VocabularyPruning.Prune(vocab, Train, 1);
        output.WriteLine($"SNIPS min-count 1: {pruning.Vocabulary.Count} of {vocab.Count} strings, {pruning.Rounds} rounds");
        Assert.InRange(pruning.Vocabulary.Count, 5, vocab.Count - 1);   // something went
        Assert.Equal(2, pruning.Rounds);                                  // removing unused pieces changes nothing
        var before = new WordPieceTokenizer(vocab);
        var after = new WordPieceTokenizer(pruning.Vocabulary);
        foreach (var e in data.Train)
            Assert.Equal(before.Tokenize(e.Text), after.Tokenize(e.Text));
        // The ids map back to the checkpoint's rows.
        foreach (var e in data.Train.Take(200))
            Assert.Equal(before.TokenizeToIds(e.Text), pruning.ToOriginalIds(after.TokenizeToIds(e.Text)));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void EveryKeptPiece_IsSpecialSingleOrProducedMinCountTimes_AndPruningAgainRemovesNothing(int minCount)
    {
        var vocab = Snips.Value.Vocab;
        var pruning = VocabularyPruning.Prune(vocab, Train, minCount);
        var pruned = pruning.Vocabulary;
        var tokenizer = new WordPieceTokenizer(pruned);
        var counts = new int[pruned.Count];
        foreach (var text in Train) foreach (int id in tokenizer.TokenizeToIds(text)) counts[id]++;
        var specials = new HashSet<int> { pruned.PadId, pruned.UnkId, pruned.ClsId, pruned.SepId, pruned.MaskId };
        for (int id = 0; id < pruned.Count; id++)
            Assert.True(specials.Contains(id) || VocabularyPruning.IsSingleCharacter(pruned[id]) || counts[id] >= minCount,
                $"'{pruned[id]}' kept but produced {counts[id]} times");
        // Kept ids ascend and name the same strings in the original vocabulary.
        Assert.True(pruning.Kept.Zip(pruning.Kept.Skip(1)).All(p => p.First < p.Second));
        for (int id = 0; id < pruned.Count; id++) Assert.Equal(vocab[pruning.Kept[id]], pruned[id]);
        // A fixed point: pruning the result once more keeps all of it.
        var again = VocabularyPruning.Prune(pruned, Train, minCount);
        Assert.Equal(pruned.Tokens, again.Vocabulary.Tokens);
        Assert.Equal(1, again.Rounds);
        output.WriteLine($"SNIPS min-count {minCount}: {pruned.Count} of {vocab.Count} strings, {pruning.Rounds} rounds");
    }

    [Fact]
    public void SpecialTokensAndEverySingleCharacterStay_SoNoWordBecomesUnknown()
    {
        var (data, vocab) = Snips.Value;
        // A count no piece reaches: only the specials and the single characters remain.
        var pruning = VocabularyPruning.Prune(vocab, Train, int.MaxValue);
        var pruned = pruning.Vocabulary;
        var expected = vocab.Tokens.Where(t => Vocabulary.SpecialTokens.Contains(t) || VocabularyPruning.IsSingleCharacter(t)).ToList();
        Assert.Equal(expected, pruned.Tokens);
        Assert.Contains("##a", pruned.Tokens);
        Assert.Contains("a", pruned.Tokens);
        var before = new WordPieceTokenizer(vocab);
        var after = new WordPieceTokenizer(pruned);
        var all = data.Train.Concat(data.Validation).Concat(data.Test).SelectMany(e => BertNormalizer.Split(e.Text)).Distinct().ToList();
        foreach (var word in all)
        {
            bool unknownBefore = before.TokenizeToIds(word).Contains(vocab.UnkId);
            Assert.Equal(unknownBefore, after.TokenizeToIds(word).Contains(pruned.UnkId));
        }
        // Unseen words with seen letters: a word of single characters, never [UNK].
        Assert.Equal(["q", "##w", "##e", "##r", "##t", "##y"], after.Tokenize("qwerty"));
    }

    [Fact]
    public void ARemovedPiece_MakesTheWordTakeTheLongestShorterPieces()
    {
        // "abcd" (once) goes at min-count 2; "ab" and "##cd" (from other words) stay, so "abcd" becomes ab ##cd.
        var vocab = Letters("abcd", "ab", "##cd");
        var pruning = VocabularyPruning.Prune(vocab, ["abcd", "ab ab", "xcd zcd"], 2);
        Assert.DoesNotContain("abcd", pruning.Vocabulary.Tokens);
        var tokenizer = new WordPieceTokenizer(pruning.Vocabulary);
        Assert.Equal(["ab", "##cd"], tokenizer.Tokenize("abcd"));
        Assert.Equal(["ab", "##c"], tokenizer.Tokenize("abc"));
        Assert.Equal(["a", "##b", "##c", "##d", "##e"], new WordPieceTokenizer(Letters()).Tokenize("abcde"));
    }

    [Fact]
    public void RemovingAPieceCanPushAnotherBelowTheCount_SoPruningRepeatsToAFixedPoint()
    {
        // Round 1: "abc" (1) goes; "##de" has 2 ("abcde" -> abc ##de, "xde" -> x ##de) and stays.
        // Round 2: "abcde" -> ab ##cde, so "##de" has 1 and goes. Round 3 removes nothing.
        var vocab = Letters("abc", "ab", "##cde", "##de");
        var corpus = new[] { "abcde", "xde", "ab ab", "zcde zcde" };
        var pruning = VocabularyPruning.Prune(vocab, corpus, 2);
        Assert.Equal(3, pruning.Rounds);
        Assert.DoesNotContain("abc", pruning.Vocabulary.Tokens);
        Assert.DoesNotContain("##de", pruning.Vocabulary.Tokens);
        Assert.Contains("ab", pruning.Vocabulary.Tokens);
        Assert.Contains("##cde", pruning.Vocabulary.Tokens);
        Assert.Equal(["ab", "##cde"], new WordPieceTokenizer(pruning.Vocabulary).Tokenize("abcde"));
    }

    [Fact]
    public void PiecesOfAWordThatEndsUnknownCount_SoTheWordStaysUnknown()
    {
        // "abq": greedy takes "ab", then nothing matches "q" (no piece for it): [UNK], and "ab" is not produced.
        // "cbq" produces c ##bq. Were "ab" removed as unused, "abq" would become a ##bq: a different tokenization.
        var vocab = Vocabulary.FromTokens(Vocabulary.SpecialTokens.Concat(["a", "##b", "c", "ab", "##bq"]));
        Assert.Equal(["[UNK]"], new WordPieceTokenizer(vocab).Tokenize("abq"));
        var pruning = VocabularyPruning.Prune(vocab, ["abq", "cbq"], 1);
        Assert.Equal(vocab.Tokens, pruning.Vocabulary.Tokens);
        Assert.Equal(["[UNK]"], new WordPieceTokenizer(pruning.Vocabulary).Tokenize("abq"));
        var withoutAb = Vocabulary.FromTokens(vocab.Tokens.Where(t => t != "ab"));
        Assert.Equal(["a", "##bq"], new WordPieceTokenizer(withoutAb).Tokenize("abq"));
    }

    [Fact]
    public void BadMinCountIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => VocabularyPruning.Prune(Letters(), ["a"], 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void CTokenizerOverThePrunedImage_EqualsWordPieceTokenizer_OnEverySnipsUtterance(int minCount)
    {
        var (data, vocab) = Snips.Value;
        var pruned = VocabularyPruning.Prune(vocab, Train, minCount).Vocabulary;
        var image = NativeTokenizerTests.ImageWithVocabulary(pruned, 32);
        var imageVocab = NativeTokenizerTests.ImageVocabulary(image);
        Assert.Equal(pruned.Count, imageVocab.Count);
        var reference = new WordPieceTokenizer(imageVocab);
        var viaPruned = new WordPieceTokenizer(pruned);
        using var native = new NativeTokenizer(image);
        int compared = 0;
        foreach (var text in data.Train.Concat(data.Validation).Concat(data.Test).Select(e => e.Text).Concat(TokenizerHardCases.All()))
        {
            var want = reference.Encode(text, 32);
            Assert.Equal(viaPruned.Encode(text, 32).Select(id => pruned[id]), want.Select(id => imageVocab[id]));
            var got = native.Tokenize(Encoding.UTF8.GetBytes(text), 32);
            Assert.True(want.AsSpan().SequenceEqual(got), $"'{NormalizerTableTests.Escape(text)}': C [{string.Join(" ", got)}], C# [{string.Join(" ", want)}]");
            compared++;
        }
        output.WriteLine($"min-count {minCount}: {pruned.Count} strings, {compared} utterances tokenized alike by C and C#");
    }
}
