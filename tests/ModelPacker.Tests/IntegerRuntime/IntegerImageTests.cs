using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;
using ModelPacker.Text;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>Images of random int8, W1A1, af8, int4 and int8-sparse models: codec round trip, and the C runtime opening the same bytes
/// bit-exactly. The images stay in the runtime test directory for ctest runtime_vectors (host and QEMU).</summary>
public class IntegerImageTests
{
    internal static IntegerImage RandomImage(int seed, string act, int vectors = 12) =>
        TestModels.ImageOf(TestModels.RandomQuantized(seed, act), seed, "w", vectors);

    [Theory]
    [InlineData(21, "gelu_new")]
    [InlineData(22, "gelu")]
    [InlineData(23, "w1a1")]
    [InlineData(24, "w1a1-s8")]
    [InlineData(25, "af8")]
    [InlineData(26, "gobo3")]
    [InlineData(26, "sparse-embed")]
    [InlineData(26, "span")]
    [InlineData(26, "int4")]
    [InlineData(26, "ipq")]
    [InlineData(27, "int8-sparse")]
    [InlineData(26, "2of4")]
    [InlineData(28, "int8-sparse-b44")]
    public void TheCRuntimeReproducesEveryTestVectorOfAnImage(int seed, string act)
    {
        // "w1a1": a scheme-W1A1 model of random binary tensors (int8 exit classifiers), Bi-Attention; "w1a1-s8": the
        // same with the poolers of exits 1 and 2 over the int8 h[CLS] (binary_s8)
        var image = act switch
        {
            "w1a1" => W1A1TestModels.Image(seed),
            "w1a1-s8" => W1A1TestModels.Image(seed, s8Poolers: 0b110),
            "af8" => TestModels.ImageOf(TestModels.RandomAf8(seed), seed, "w", 12),
            "gobo3" => TestModels.ImageOf(TestModels.RandomGobo3(seed), seed, "w", 12),
            "sparse-embed" => TestModels.ImageOf(TestModels.RandomSparseEmbed(seed, 0.3, ModelPacker.Quantization.EmbeddingPruningMode.Row), seed, "w", 12),
            "span" => TestModels.ImageOf(TestModels.RandomWithSpans(seed), seed, "w", 12), // spans 1, 3, 0 (skipped), 12
            "int4" => TestModels.ImageOf(TestModels.RandomInt4(seed), seed, "w", 12),
            "ipq" => TestModels.ImageOf(TestModels.RandomIpq(seed, new IpqSettings(16, 4)), seed, "w", 12),
            "int8-sparse" => TestModels.ImageOf(TestModels.RandomInt8Sparse(seed, 0.7, 4), seed, "w", 12),
            "2of4" => TestModels.ImageOf(TestModels.RandomTwoOfFour(seed), seed, "w", 12),
            "int8-sparse-b44" => TestModels.ImageOf(TestModels.RandomInt8Sparse(seed, 0.7, ModelPacker.Pruning.BlockShape.FourByFour), seed, "w", 12),
            _ => RandomImage(seed, act),
        };
        var bytes = image.Build();
        var back = IntegerImage.FromContent(ImageReader.Read(bytes, "image").Content, "image");
        Assert.Equal(image.Model.QuantParams.ToBytes(), back.Model.QuantParams.ToBytes());
        Assert.Equal(image.Model.Query.Data, back.Model.Query.Data);
        Assert.Equal(image.Model.Exits[^1].Classifier.Params, back.Model.Exits[^1].Classifier.Params);
        Assert.Equal(image.Model.AttentionSpans, back.Model.AttentionSpans);
        Assert.Empty(TestVectorBuilder.Verify(back.Model, back.TestVectors!, back.Rejection));

        using var native = NativeImage.Open(bytes);
        Assert.Equal(image.Model.ArenaBytes, native.ArenaBytes);
        foreach (var v in back.TestVectors!)
        {
            var got = native.RunAll(v.Tokens.Select(t => (int)t).ToArray());
            for (int l = 0; l < got.Length; l++)
            {
                Assert.Equal(v.Logits[l], got[l].LogitsQ16);
                Assert.Equal(v.Entropies[l], got[l].EntropyQ16);
                Assert.Equal(v.Answers![l], native.Answer(got[l].LogitsQ16, got[l].EntropyQ16));
            }
        }
        if (act == "w1a1") // the confidence rule answered unknown somewhere, and not everywhere
            Assert.True(back.TestVectors!.SelectMany(v => v.Answers!).Distinct().Count() > 1 &&
                        back.TestVectors!.Any(v => v.Answers!.Contains(RejectionRule.Unknown)), "the test vectors never exercise the rejection");
        // the image's ids are the ranks in UTF-8 order; each string kept its embedding row (the test vectors, computed
        // on the checkpoint's ids and moved with the strings, reproduce above)
        for (int id = 0; id < back.Vocabulary.Count; id++) Assert.Equal(id, native.VocabLookup(back.Vocabulary[id]));
        Assert.Equal(VocabularySection.ImageOrder(image.Vocabulary.Tokens).Select(i => image.Vocabulary[i]), back.Vocabulary.Tokens);
        var was = image.Model.WordEmbeddings.Traits.Decode(image.Model.WordEmbeddings);
        var now = back.Model.WordEmbeddings.Traits.Decode(back.Model.WordEmbeddings);
        for (int id = 0; id < image.Vocabulary.Count; id++)
        {
            Assert.True(back.Vocabulary.TryGetId(image.Vocabulary[id], out int to));
            Assert.Equal(was.Row(id).ToArray(), now.Row(to).ToArray());
            Assert.Equal(was.RowParams[id], now.RowParams[to]);
        }
        Assert.NotEqual(image.Vocabulary.Tokens, back.Vocabulary.Tokens); // the synthetic vocabulary was not sorted
        Assert.Equal(-1, native.VocabLookup("not-a-token"));
        Directory.CreateDirectory(RuntimeTestImages.Dir);
        File.WriteAllBytes(Path.Combine(RuntimeTestImages.Dir, $"random-{act}.nii"), bytes);
    }

    [Fact]
    public void TheLoaderRejectsInvalidQuantParamsAndAWrongArenaSizeBehindValidChecksums()
    {
        var content = RandomImage(23, "gelu_new", 0).ToContent();
        var badTable = (byte[])content.QuantParams.Clone();
        badTable[QuantParams.FixedBytes + 16] ^= 1;                   // exp_table[0] != 65536 (the INT8 softmax block)
        var bytes = ImageWriter.LayOut(Clone(content, badTable, content.ArenaBytes));
        Assert.Equal(-33, NativeImage.TryOpen(bytes));               // NI_ERR_QUANT_PARAMS
        Assert.Throws<InvalidDataException>(() => ImageReader.Read(bytes, "x"));
        bytes = ImageWriter.Build(Clone(content, content.QuantParams, content.ArenaBytes + 4));
        Assert.Equal(-108, NativeImage.TryOpen(bytes));              // NI_ERR_MODEL: arena differs from ni_arena_bytes
        var e = Assert.Throws<InvalidDataException>(() => IntegerImage.FromContent(ImageReader.Read(bytes, "x.nii").Content, "x.nii"));
        Assert.Contains("arena_bytes", e.Message);
        Assert.Equal(0, NativeImage.TryOpen(ImageWriter.Build(content)));
    }

    private static ImageContent Clone(ImageContent c, byte[] qp, uint arena) => new()
    {
        BoardId = c.BoardId, ArenaBytes = arena, Flags = c.Flags, Dims = c.Dims, Tensors = c.Tensors, QuantParams = qp,
        Vocabulary = c.Vocabulary, VocabularySettings = c.VocabularySettings, Labels = c.Labels, Thresholds = c.Thresholds,
        TestVectors = c.TestVectors,
    };
}
