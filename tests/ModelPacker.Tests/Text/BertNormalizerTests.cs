using ModelPacker.Text;

namespace ModelPacker.Tests.Text;

public class BertNormalizerTests
{
    [Theory]
    [InlineData("Héllo", new[] { "hello" })]
    [InlineData("  \tHeLLo!how  \n Are yoU?  ", new[] { "hello", "!", "how", "are", "you", "?" })] // BERT's test_basic_tokenizer_lower
    [InlineData("don't", new[] { "don", "'", "t" })]
    [InlineData("ah\u535A\u63A8zz", new[] { "ah", "\u535A", "\u63A8", "zz" })] // BERT's test_chinese
    [InlineData("Crème brûlée à Noël", new[] { "creme", "brulee", "a", "noel" })]
    [InlineData("a\u0000b\uFFFDc\u0007d\u200Be", new[] { "abcde" })] // NUL, U+FFFD, BEL, zero-width space (Cf) removed
    [InlineData("one\u00A0two\u2003three\u2028four\u000Bfive", new[] { "one", "two", "three", "four", "five" })]
    [InlineData("$5.99 on 12/03 @home #tag ^_^ ~x`", new[] { "$", "5", ".", "99", "on", "12", "/", "03", "@", "home", "#", "tag", "^", "_", "^", "~", "x", "`" })]
    [InlineData("«Bonjour» — dit-il…", new[] { "«", "bonjour", "»", "—", "dit", "-", "il", "…" })]
    [InlineData("Việt Nam", new[] { "viet", "nam" })] // two marks on one letter
    [InlineData("ﬁne \u212B", new[] { "ﬁne", "a" })] // NFD is canonical only: the ligature stays, the angstrom sign goes to A
    [InlineData("", new string[0])]
    [InlineData(" \t\r\n ", new string[0])]
    public void Split_MatchesBertBasicTokenizer(string text, string[] expected) =>
        Assert.Equal(expected, BertNormalizer.Split(text));

    [Fact]
    public void Split_EveryAsciiCharacterIsClassedAsBertDoes()
    {
        for (int cp = 1; cp < 128; cp++)
        {
            char c = (char)cp;
            string[] expected =
                cp is 9 or 10 or 11 or 12 or 13 or 32 ? ["x", "y"]                    // whitespace
                : cp < 32 || cp == 127 ? ["xy"]                                       // control: removed
                : !char.IsAsciiLetterOrDigit(c) ? ["x", c.ToString(), "y"]             // every ASCII symbol is punctuation
                : ["x" + char.ToLowerInvariant(c) + "y"];
            Assert.Equal(expected, BertNormalizer.Split("x" + c + "Y"));
        }
    }

    [Fact]
    public void Split_WithoutLowerCase_KeepsCaseAndAccents() =>
        Assert.Equal(["HeLLo", "!", "Héllo", "?"], BertNormalizer.Split(" \tHeLLo!Héllo? ", lowerCase: false));

    [Fact]
    public void Split_DecomposedAccentsAreStrippedToo() =>
        Assert.Equal(["resume"], BertNormalizer.Split("Re\u0301sume\u0301")); // combining acute accents (Mn)

    [Fact]
    public void Split_StripsAccentsOutsideLatin1() =>
        Assert.Equal(["aeioucsz", "ελλαδα"], BertNormalizer.Split("ĀĚÎǑŮČŞŻ Ελλάδα"));

    [Fact]
    public void Split_KeepsSupplementaryCharactersWhole()
    {
        Assert.Equal(["hi", "😀", "there"], BertNormalizer.Split("hi 😀 there"));
        Assert.Equal(["\U00020000", "x"], BertNormalizer.Split("\U00020000x")); // CJK Extension B is split off
        Assert.Equal(["ab"], BertNormalizer.Split("a\uD800b")); // a lone surrogate is dropped
    }

    [Fact]
    public void Split_HangulBecomesJamoWhenStrippingAccents() =>
        Assert.Equal(["\u1112\u1161\u11AB"], BertNormalizer.Split("한")); // BERT: NFD then drop Mn; jamo are Lo
}
