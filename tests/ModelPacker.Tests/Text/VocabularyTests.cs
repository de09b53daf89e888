using ModelPacker.Data;
using ModelPacker.Text;

namespace ModelPacker.Tests.Text;

public sealed class VocabularyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vocab-test-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SpecialsAreFoundByName()
    {
        var v = Vocabulary.FromTokens(["hello", "[SEP]", "[MASK]", "[CLS]", "[UNK]", "##s", "[PAD]"]);
        Assert.Equal((6, 4, 3, 1, 2), (v.PadId, v.UnkId, v.ClsId, v.SepId, v.MaskId));
        Assert.Equal(7, v.Count);
        Assert.Equal("##s", v[5]);
        Assert.True(v.TryGetId("hello", out int id));
        Assert.Equal(0, id);
        Assert.False(v.TryGetId("world", out _));
    }

    [Fact]
    public void SaveLoad_RoundTripsTokensAndIds()
    {
        var tokens = new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "##b", "café", "😀", "\u535A", "##'" };
        var path = Path.Combine(_dir, "vocab.txt");
        Vocabulary.FromTokens(tokens).Save(path);
        Assert.Equal(string.Join("\n", tokens) + "\n", File.ReadAllText(path));
        Assert.False(File.ReadAllBytes(path).AsSpan().StartsWith("\uFEFF"u8)); // no BOM
        Assert.Equal(tokens, Vocabulary.Load(path).Tokens);
        Assert.Single(Directory.GetFiles(_dir)); // no temporary file left behind
    }

    [Fact]
    public void Save_ReplacesAnExistingFile()
    {
        var path = Path.Combine(_dir, "vocab.txt");
        File.WriteAllText(path, "old\n");
        Vocabulary.FromTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]).Save(path);
        Assert.Equal(5, Vocabulary.Load(path).Count);
    }

    [Fact]
    public void Load_AcceptsCrLfAndAMissingFinalLineBreak()
    {
        var path = Path.Combine(_dir, "vocab.txt");
        File.WriteAllText(path, "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\n[MASK]\r\nx");
        var v = Vocabulary.Load(path);
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "x"], v.Tokens);
    }

    [Theory]
    [InlineData("[PAD]\n[UNK]\n[CLS]\n[SEP]\n", "vocab.txt: missing special token [MASK]")]
    [InlineData("[PAD]\n[UNK]\n\n[CLS]\n[SEP]\n[MASK]\n", "vocab.txt:3: empty token")]
    [InlineData("[PAD]\n[UNK]\n[CLS]\n[SEP]\n[MASK]\nx\nx\n", "vocab.txt:7: duplicate token 'x' (first at id 5)")]
    [InlineData("", "vocab.txt: empty vocabulary")]
    public void Load_BadFileIsOneLineErrorWithLine(string content, string expectedSuffix)
    {
        var path = Path.Combine(_dir, "vocab.txt");
        File.WriteAllText(path, content);
        var ex = Assert.Throws<DataFormatException>(() => Vocabulary.Load(path));
        Assert.Equal(Path.Combine(_dir, expectedSuffix), ex.Message);
    }

    [Fact]
    public void Load_MissingFileIsOneLineError()
    {
        var path = Path.Combine(_dir, "nope.txt");
        Assert.Equal($"{path}: no such file", Assert.Throws<DataFormatException>(() => Vocabulary.Load(path)).Message);
    }

    [Fact]
    public void FromTokens_RejectsMissingSpecialsAndBadTokens()
    {
        Assert.Equal("vocabulary: missing special token [PAD]",
            Assert.Throws<ArgumentException>(() => Vocabulary.FromTokens(["[UNK]", "[CLS]", "[SEP]", "[MASK]"])).Message);
        Assert.Equal("vocabulary token 5: contains a line break",
            Assert.Throws<ArgumentException>(() => Vocabulary.FromTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a\nb"])).Message);
        Assert.Equal("vocabulary token 6: duplicate token 'a' (first at id 5)",
            Assert.Throws<ArgumentException>(() => Vocabulary.FromTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "a"])).Message);
    }
}
