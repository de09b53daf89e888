using ModelPacker.Text;

namespace ModelPacker.Tests.Text;

public class WordPieceTrainerTests
{
    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    [Fact]
    public void Train_HandCheckableMerges()
    {
        // Words: low x5, lower x2, newest x6, widest x3 (the BPE paper's example).
        var texts = Enumerable.Repeat("low", 5).Concat(Enumerable.Repeat("lower", 2))
            .Concat(Enumerable.Repeat("newest", 6)).Concat(Enumerable.Repeat("widest", 3));
        var vocab = WordPieceTrainer.Train(texts, vocabSize: 5 + 2 * 10 + 4);

        string[] chars = ["d", "e", "i", "l", "n", "o", "r", "s", "t", "w"];
        Assert.Equal(Specials, vocab.Tokens.Take(5));
        Assert.Equal(chars, vocab.Tokens.Skip(5).Take(10));
        Assert.Equal(chars.Select(c => "##" + c), vocab.Tokens.Skip(15).Take(10));
        // Pair counts: (##e,##s) 9, (##s,##t) 9 -> tie, "##es" < "##st" ordinally; then (##es,##t) 9 -> "##est";
        // then (l,##o) 7 vs (##o,##w) 7 -> "##ow" < "lo" ('#' sorts before letters); then (l,##ow) 7 -> "low".
        Assert.Equal(["##es", "##est", "##ow", "low"], vocab.Tokens.Skip(25));
    }

    [Fact]
    public void Train_StopsWhenNoPairReachesMinFrequency()
    {
        var vocab = WordPieceTrainer.Train(["ab ab cd"], vocabSize: 100, minFrequency: 2);
        // (a,##b) occurs twice and is merged; (c,##d) once and is not; then nothing is left.
        Assert.Equal([.. Specials, "a", "b", "c", "d", "##a", "##b", "##c", "##d", "ab"], vocab.Tokens);
    }

    [Fact]
    public void Train_IsDeterministicAndIndependentOfInputOrder()
    {
        var texts = new[] { "play some jazz", "play the radio", "book a table for two", "what's the weather", "rate this book 5 stars" };
        var a = WordPieceTrainer.Train(texts, 80, minFrequency: 1);
        var b = WordPieceTrainer.Train(texts.Reverse(), 80, minFrequency: 1);
        Assert.Equal(a.Tokens, b.Tokens);
        Assert.Equal(80, a.Count);
    }

    [Fact]
    public void Train_VocabularyTooSmallForTheAlphabetIsAnError()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => WordPieceTrainer.Train(["abcdef"], vocabSize: 10));
        Assert.Contains("6 distinct characters, which alone need 17 tokens", ex.Message);
    }

    [Fact]
    public void Train_EveryTrainingWordTokenizesWithoutUnk()
    {
        var texts = new[] { "Ça va? Très bien!", "naïve café 😀", "\u535A\u63A8 ok" };
        var vocab = WordPieceTrainer.Train(texts, 200);
        var tokenizer = new WordPieceTokenizer(vocab);
        foreach (var t in texts) Assert.DoesNotContain("[UNK]", tokenizer.Tokenize(t));
        // A new word made of known characters, in any position, is covered too.
        Assert.Equal(["v", "##a", "##c", "##a"], tokenizer.Tokenize("vaca"));
    }
}
