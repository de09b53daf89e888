using System.Buffers.Binary;
using ModelPacker.FlashImage;
using ModelPacker.Model;

namespace ModelPacker.Tests.FlashImage;

/// <summary>
/// Image contents for the codec tests: a tiny ALBERT with random (BERT-initialised) weights, quantized per row to
/// int8 the simple symmetric way (scale = max|w| / 127; the real quantizer lives in Quantization/), a synthetic
/// vocabulary with multi-byte UTF-8 and "##" pieces, and synthetic test vectors (format round trip only).
/// </summary>
internal static class TinyImages
{
    public static AlbertConfig TinyConfig(int layers = 2, int labels = 3) => new()
    {
        VocabSize = 40, EmbeddingSize = 8, HiddenSize = 8, NumAttentionHeads = 2, IntermediateSize = 16,
        NumHiddenLayers = layers, MaxPositionEmbeddings = 8,
        Labels = Enumerable.Range(0, labels).Select(i => i == 1 ? "PlayMusic" : i == 2 ? "Météo" : $"Intent{i}").ToArray(),
    };

    public static ImageContent RandomAlbert(int seed = 7, AlbertConfig? config = null, bool testVectors = true, uint boardId = 0)
    {
        config ??= TinyConfig();
        var p = new AlbertParameters(config);
        p.InitializeRandom(seed);
        var dims = new ModelDims(config.VocabSize, config.EmbeddingSize, config.HiddenSize, config.NumAttentionHeads,
            config.IntermediateSize, config.NumHiddenLayers, config.MaxPositionEmbeddings, config.NumLabels,
            config.HiddenAct == "gelu" ? ActivationId.Gelu : ActivationId.GeluTanh);
        // Token type 0 is folded into the position embeddings (docs/flash-image.md).
        var pos = new float[p.PositionEmbeddings.Length];
        for (int r = 0; r < config.MaxPositionEmbeddings; r++)
            for (int c = 0; c < config.EmbeddingSize; c++)
                pos[r * config.EmbeddingSize + c] = p.PositionEmbeddings.Data[r * config.EmbeddingSize + c] + p.TokenTypeEmbeddings.Data[c];
        var tensors = new List<ImageTensor>
        {
            Quantize((ushort)TensorId.WordEmbeddings, p.WordEmbeddings.Data, config.VocabSize, config.EmbeddingSize, null),
            Quantize((ushort)TensorId.PositionEmbeddings, pos, config.MaxPositionEmbeddings, config.EmbeddingSize, null),
            Quantize((ushort)TensorId.EmbeddingMappingIn, p.EmbeddingProjectionWeight, p.EmbeddingProjectionBias),
            Quantize((ushort)TensorId.AttentionQuery, p.QueryWeight, p.QueryBias),
            Quantize((ushort)TensorId.AttentionKey, p.KeyWeight, p.KeyBias),
            Quantize((ushort)TensorId.AttentionValue, p.ValueWeight, p.ValueBias),
            Quantize((ushort)TensorId.AttentionDense, p.AttentionOutputWeight, p.AttentionOutputBias),
            Quantize((ushort)TensorId.Ffn, p.FfnWeight, p.FfnBias),
            Quantize((ushort)TensorId.FfnOutput, p.FfnOutputWeight, p.FfnOutputBias),
        };
        for (int l = 0; l < config.NumHiddenLayers; l++)
        {
            tensors.Add(Quantize(FlashImageFormat.ExitTensor(l, ExitPart.Pooler), p.Exits[l].PoolerWeight, p.Exits[l].PoolerBias));
            tensors.Add(Quantize(FlashImageFormat.ExitTensor(l, ExitPart.Classifier), p.Exits[l].ClassifierWeight, p.Exits[l].ClassifierBias));
        }
        var rng = new Random(seed);
        return new ImageContent
        {
            BoardId = boardId,
            ArenaBytes = 4096,
            Dims = dims,
            Tensors = tensors,
            QuantParams = QuantParams(dims, rng),
            Vocabulary = Vocabulary(config.VocabSize),
            VocabularySettings = new VocabularySettings(0, 1, 2, 3, 4),
            Labels = config.Labels,
            Thresholds = Enumerable.Range(0, dims.NumLayers).Select(l => 20000 + 1000 * l).ToList(),
            TestVectors = testVectors ? Vectors(dims, rng, 3) : null,
        };
    }

    /// <summary>Bytes Int8RowEncodingRules accepts as QUANT_PARAMS for these dims.</summary>
    public static byte[] QuantParams(ModelDims dims, Random rng)
    {
        var b = new byte[64];
        rng.NextBytes(b);
        return b;
    }

    public static string Token(int id)
    {
        string[] special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
        if (id < 5) return special[id];
        int k = id - 5;
        var s = "";
        do { s = (char)('a' + k % 26) + s; k /= 26; } while (k > 0);
        if ((id - 5) % 3 == 2) s = "##" + s;
        if ((id - 5) % 7 == 6) s += "é";
        if (id == 12) s = "über";
        return s;
    }

    public static List<VocabularyEntry> Vocabulary(int v) =>
        Enumerable.Range(0, v).Select(i => new VocabularyEntry(Token(i), (ushort)i)).ToList();

    public static List<TestVector> Vectors(ModelDims d, Random rng, int n) => Enumerable.Range(0, n).Select(i =>
    {
        int t = 3 + i % (d.MaxPositions - 2);
        var tokens = Enumerable.Range(0, t).Select(k => (ushort)(k == 0 ? 2 : k == t - 1 ? 3 : rng.Next(5, d.VocabSize))).ToArray();
        var logits = Enumerable.Range(0, d.NumLayers).Select(_ => Enumerable.Range(0, d.NumLabels).Select(_ => rng.Next(-1 << 20, 1 << 20)).ToArray()).ToArray();
        var ent = Enumerable.Range(0, d.NumLayers).Select(_ => rng.Next(0, 1 << 17)).ToArray();
        return new TestVector(tokens, logits, ent);
    }).ToList();

    private static ImageTensor Quantize(ushort id, NamedTensor w, NamedTensor b) => Quantize(id, w.Data, w.Rows, w.Cols, b.Data);

    private static ImageTensor Quantize(ushort id, float[] w, int rows, int cols, float[]? bias)
    {
        var data = new byte[rows * cols];
        var prm = new byte[rows * Int8RowEncodingRules.ParamsBytesPerRow];
        for (int r = 0; r < rows; r++)
        {
            float max = 1e-12f;
            for (int c = 0; c < cols; c++) max = Math.Max(max, Math.Abs(w[r * cols + c]));
            float scale = max / 127f;
            for (int c = 0; c < cols; c++) data[r * cols + c] = (byte)(sbyte)Math.Clamp(MathF.Round(w[r * cols + c] / scale), -127, 127);
            // bias in accumulator units (input scale 1/127 assumed), multiplier/shift ~ scale in Q(shift)
            int shift = 30;
            BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(r * 12), bias == null ? 0 : (int)MathF.Round(bias[r] / scale * 127f));
            BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(r * 12 + 4), (int)Math.Min(int.MaxValue, Math.Round(scale * (1L << shift))));
            BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(r * 12 + 8), shift);
        }
        return new ImageTensor(id, TensorEncoding.Int8Row, rows, cols, data, prm);
    }

    /// <summary>The repository root (the directory holding nano.sln).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "nano.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("nano.sln not found above " + AppContext.BaseDirectory);
    }
}
