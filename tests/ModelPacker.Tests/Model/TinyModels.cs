using ModelPacker.Model;

namespace ModelPacker.Tests.Model;

internal static class TinyModels
{
    public static AlbertConfig Config(int layers = 2, string act = "gelu_new", int labels = 3) => new()
    {
        VocabSize = 20, EmbeddingSize = 8, HiddenSize = 12, NumAttentionHeads = 2, IntermediateSize = 16,
        NumHiddenLayers = layers, MaxPositionEmbeddings = 8, HiddenAct = act, InitializerRange = 0.3f,
        Labels = Enumerable.Range(0, labels).Select(i => $"intent{i}").ToArray(),
    };

    /// <summary>Random weights large enough that every gradient is well above finite-difference noise.</summary>
    public static AlbertParameters Parameters(AlbertConfig c, int seed = 1)
    {
        var p = new AlbertParameters(c);
        p.InitializeRandom(seed);
        var r = new Random(seed + 100);
        foreach (var t in p.All)
            if (t.Shape.Length == 1)
                for (int i = 0; i < t.Length; i++) t.Data[i] += (float)(r.NextDouble() - 0.5) * 0.4f;
        return p;
    }

    /// <summary>Three sequences of different lengths; the last ends in two [PAD] tokens (id 0) that must be masked.</summary>
    public static PackedBatch Batch() => new([[2, 7, 9, 11, 3], [2, 5, 3], [2, 13, 17, 3, 0, 0]], [0, 2, 1]);

    /// <summary><see cref="Batch"/> whose sequences are the training examples <paramref name="exampleIds"/> (for
    /// losses that look their targets up by example).</summary>
    public static PackedBatch Batch(params int[] exampleIds)
    {
        var b = Batch();
        var seqs = Enumerable.Range(0, b.Count).Select(s => b.Tokens.AsSpan(b.Offsets[s], b.Length(s)).ToArray()).ToArray();
        return new PackedBatch(seqs, b.Labels, 0, exampleIds);
    }
}
