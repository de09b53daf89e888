using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>Whole models: the C step API and the C# reference give identical int32 logits and entropies at every layer.</summary>
public class ModelBitExactnessTests
{
    [Theory]
    [InlineData(11, "gelu_new")]
    [InlineData(12, "gelu")]
    [InlineData(13, "w1a1")]
    [InlineData(14, "w1a1")]
    [InlineData(15, "w1a1-wide")]
    [InlineData(16, "w1a1-s8")]
    [InlineData(17, "af8")]
    [InlineData(18, "gobo3")]
    [InlineData(18, "sparse-embed")]
    [InlineData(18, "span")]
    [InlineData(18, "int4")]
    [InlineData(19, "int4-max")]
    [InlineData(20, "ipq")]
    [InlineData(21, "ipq-16x4")]
    [InlineData(30, "int8-sparse-70")]
    [InlineData(31, "int8-sparse-50-b4")]
    [InlineData(32, "int8-sparse-0")]
    [InlineData(18, "2of4")]
    [InlineData(33, "int8-sparse-70-b44")]
    public void RandomModelsAgreeAtEveryLayer(int seed, string act)
    {
        // "w1a1": random binary tensors (int8 exit classifiers), Bi-Attention, attn_threshold -2 or 3; "w1a1-wide":
        // 40 positions and 64-wide heads, so attention rows and V bit planes span two words and heads two words each
        var m = act switch
        {
            "w1a1" => W1A1TestModels.Random(seed, attentionThreshold: seed == 13 ? -2 : 3),
            "w1a1-wide" => W1A1TestModels.Random(seed, W1A1TestModels.Dims(h: 128, heads: 2, i: 128, positions: 40), attentionThreshold: 1),
            // poolers of exits 0 and 2 over the int8 h[CLS] (binary_s8), exit 1's over its sign bits
            "w1a1-s8" => W1A1TestModels.Random(seed, attentionThreshold: 2, s8Poolers: 0b101),
            "af8" => TestModels.RandomAf8(seed), // AdaptivFloat linear weights, the int8 layer
            "gobo3" => TestModels.RandomGobo3(seed), // GOBO linear weights with outliers, the int8 layer
            "sparse-embed" => TestModels.RandomSparseEmbed(seed, 0.4, ModelPacker.Quantization.EmbeddingPruningMode.Global), // int8_sparse_embed word rows
            "span" => TestModels.RandomWithSpans(seed), // attention spans 1, 3, 0 (skipped) and 12 (every key)
            "int4" => TestModels.RandomInt4(seed), // int4 linear weights, the int8 layer
            "int4-max" => TestModels.RandomInt4(seed, Int4Clip.Max),
            "ipq" => TestModels.RandomIpq(seed), // iPQ linear weights (256 codewords of 8, fewer where a tensor has fewer sub-vectors)
            "ipq-16x4" => TestModels.RandomIpq(seed, new IpqSettings(16, 4)),
            "int8-sparse-70" => TestModels.RandomInt8Sparse(seed, 0.7, 1), // pruned int8 linear weights, kept ones only
            "int8-sparse-50-b4" => TestModels.RandomInt8Sparse(seed, 0.5, 4),
            "int8-sparse-0" => TestModels.RandomInt8Sparse(seed, 0, 1),   // a dense checkpoint: every block kept
            "2of4" => TestModels.RandomTwoOfFour(seed), // 2:4 sparse int8 linear weights, the int8 layer
            "int8-sparse-70-b44" => TestModels.RandomInt8Sparse(seed, 0.7, ModelPacker.Pruning.BlockShape.FourByFour), // 4x4 blocks
            _ => TestModels.RandomQuantized(seed, act),
        };
        using var native = new NativeModel(m);
        Assert.Equal(m.ArenaBytes, native.ArenaBytes);
        var reference = new IntegerAlbert(m);
        var seqs = TestModels.RandomSequences(seed + 100, 30, m.Dims.VocabSize, m.Dims.MaxPositions);
        seqs = seqs.Append(Enumerable.Repeat(0, m.Dims.MaxPositions).ToArray()).Append([m.Dims.VocabSize - 1]).ToArray();
        bool anyNonZero = false;
        foreach (var ids in seqs)
        {
            var expected = reference.RunAll(ids);
            var actual = native.RunAll(ids);
            for (int l = 0; l < expected.Length; l++)
            {
                Assert.Equal(expected[l].LogitsQ16, actual[l].LogitsQ16);
                Assert.Equal(expected[l].EntropyQ16, actual[l].EntropyQ16);
            }
            anyNonZero |= expected.Any(e => e.LogitsQ16.Any(v => v != 0));
        }
        Assert.True(anyNonZero, "logits are all zero: the comparison would not see a mismatch");
    }

    [Fact]
    public void StepApiRejectsMisuseWithNamedCodes()
    {
        var m = TestModels.RandomQuantized(13);
        using var native = new NativeModel(m);
        Assert.Equal(-102, native.RunLayer(0));                      // NI_ERR_ARENA_STATE before ni_embed
        Assert.Equal(-103, native.Embed([]));                        // NI_ERR_SEQ_LEN
        Assert.Equal(-103, native.Embed(new int[m.Dims.MaxPositions + 1]));
        Assert.Equal(-104, native.Embed([1, m.Dims.VocabSize]));     // NI_ERR_TOKEN_ID
        Assert.Equal(-104, native.Embed([-1]));
        Assert.Equal(0, native.Embed([2, 7, 3]));
        Assert.Equal(-105, native.RunLayer(1));                      // NI_ERR_LAYER_ORDER
        Assert.Equal(-101, native.RunLayer(0, native.ArenaBytes - 1)); // NI_ERR_ARENA_SMALL
        Assert.Equal(0, native.RunLayer(0));
        Assert.Equal(-107, native.ExitHead(0, new int[m.Dims.NumLabels + 1], out _)); // NI_ERR_LABELS_COUNT
        Assert.Equal(-105, native.ExitHead(1, new int[m.Dims.NumLabels], out _));
        Assert.Equal(0, native.ExitHead(0, new int[m.Dims.NumLabels], out _));
        Assert.Equal(-106, native.RunLayer(m.Dims.NumLayers));       // NI_ERR_LAYER_INDEX
    }
}
