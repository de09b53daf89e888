using ModelPacker.Text;

namespace ModelPacker.Tests.Text;

public class WordPieceTokenizerTests
{
    // BERT's tokenization_test.py vocabulary, with [PAD] and [MASK] added.
    private static readonly Vocabulary BertTestVocab = Vocabulary.FromTokens(
    [
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "want", "##want", "##ed", "wa", "un", "runn", "##ing", ",",
        "low", "lowest", "##aff", "##able", "'", "t", "don", "hello",
    ]);

    private static readonly WordPieceTokenizer Tokenizer = new(BertTestVocab);

    [Theory]
    [InlineData("unaffable", new[] { "un", "##aff", "##able" })]
    [InlineData("unwanted running", new[] { "un", "##want", "##ed", "runn", "##ing" })]
    [InlineData("unwantedX running", new[] { "[UNK]", "runn", "##ing" })]
    [InlineData("UNwant\u00E9d,running", new[] { "un", "##want", "##ed", ",", "runn", "##ing" })] // BERT's test_full_tokenizer
    [InlineData("Héllo", new[] { "hello" })]
    [InlineData("don't", new[] { "don", "'", "t" })]
    [InlineData("lowest", new[] { "lowest" })] // longest match first, not "low" "##est"
    [InlineData("xyz", new[] { "[UNK]" })]
    [InlineData("", new string[0])]
    public void Tokenize_GreedyLongestMatchFirst(string text, string[] expected) =>
        Assert.Equal(expected, Tokenizer.Tokenize(text));

    [Fact]
    public void Tokenize_WordLongerThanLimitIsUnk()
    {
        var tokenizer = new WordPieceTokenizer(BertTestVocab, maxInputCharsPerWord: 8);
        Assert.Equal(["[UNK]", "runn", "##ing"], tokenizer.Tokenize("unaffable running")); // 9 > 8 code points
        Assert.Equal(["un", "##aff", "##able"], new WordPieceTokenizer(BertTestVocab, maxInputCharsPerWord: 9).Tokenize("unaffable"));
    }

    [Fact]
    public void Encode_WrapsInClsAndSep()
    {
        var v = BertTestVocab;
        Assert.Equal([v.ClsId, 9, 15, 16, v.SepId], Tokenizer.Encode("unaffable", 32));
        Assert.Equal([v.ClsId, v.SepId], Tokenizer.Encode("", 32));
        Assert.Equal([v.ClsId, v.UnkId, v.SepId], Tokenizer.Encode("xyz", 32));
    }

    [Fact]
    public void Encode_TruncatesButKeepsSep()
    {
        var v = BertTestVocab;
        Assert.Equal([v.ClsId, 9, 15, v.SepId], Tokenizer.Encode("unaffable", 4));
        Assert.Equal([v.ClsId, 9, 15, 16, v.SepId], Tokenizer.Encode("unaffable", 5));
        Assert.Equal([v.ClsId, v.SepId], Tokenizer.Encode("unaffable", 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tokenizer.Encode("unaffable", 1));
    }

    [Fact]
    public void Tokenize_CaseSensitiveVocabulary()
    {
        var vocab = Vocabulary.FromTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "Hello", "hello", "é"]);
        Assert.Equal(["Hello", "é"], new WordPieceTokenizer(vocab, lowerCase: false).Tokenize("Hello é"));
        Assert.Equal(["hello", "[UNK]"], new WordPieceTokenizer(vocab, lowerCase: true).Tokenize("Hello é"));
    }

    [Fact]
    public void Tokenize_PiecesNeverSplitSurrogatePairs()
    {
        var vocab = Vocabulary.FromTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##😀", "😀"]);
        var tokenizer = new WordPieceTokenizer(vocab, maxInputCharsPerWord: 3);
        Assert.Equal(["a", "##😀", "##😀"], tokenizer.Tokenize("a😀😀")); // 3 code points (5 UTF-16 units): within the limit
        Assert.Equal(["😀", "[UNK]"], tokenizer.Tokenize("😀 😀a"));
        Assert.Equal(["[UNK]"], tokenizer.Tokenize("a😀😀😀"));
    }
}
