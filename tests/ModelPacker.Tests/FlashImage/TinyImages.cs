using System.Buffers.Binary;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Pruning;
using ModelPacker.Quantization;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.FlashImage;

/// <summary>
/// Image contents for the codec tests: a tiny ALBERT with random (BERT-initialised) weights, calibrated on random
/// token sequences and quantized by the int8 post-training quantizer, a synthetic vocabulary with multi-byte UTF-8
/// and "##" pieces, and test vectors computed by the C# integer reference runtime (IntegerAlbert).
/// </summary>
internal static class TinyImages
{
    public static AlbertConfig TinyConfig(int layers = 2, int labels = 3) => new()
    {
        VocabSize = 40, EmbeddingSize = 8, HiddenSize = 8, NumAttentionHeads = 2, IntermediateSize = 16,
        NumHiddenLayers = layers, MaxPositionEmbeddings = 8,
        Labels = Enumerable.Range(0, labels).Select(i => i == 1 ? "PlayMusic" : i == 2 ? "Météo" : $"Intent{i}").ToArray(),
    };

    private static readonly Dictionary<(int, int, int, bool, uint), ImageContent> Cache = new();

    public static ImageContent RandomAlbert(int seed = 7, AlbertConfig? config = null, bool testVectors = true, uint boardId = 0)
    {
        config ??= TinyConfig();
        var key = (seed, config.NumHiddenLayers, config.NumLabels, testVectors, boardId);
        lock (Cache)
        {
            if (!Cache.TryGetValue(key, out var c)) Cache[key] = c = Build(seed, config, testVectors, boardId);
            return c;
        }
    }

    private static ImageContent Build(int seed, AlbertConfig config, bool testVectors, uint boardId, bool af8 = false, bool gobo3 = false,
        float[]? spans = null, bool int4 = false, bool ipq = false, bool sparse = false, bool twoOfFour = false)
    {
        var p = new AlbertParameters(config);
        p.InitializeRandom(seed);
        if (gobo3) WithOutliers(p);
        if (twoOfFour) ModelPacker.Pruning.NMSparsity.Prune(p);
        spans?.CopyTo(p.AttentionSpan!.Data, 0);
        var rng = new Random(seed);
        var calibration = Enumerable.Range(0, 16).Select(_ => RandomUtterance(rng, config.VocabSize, config.MaxPositionEmbeddings)).ToList();
        // the af8 image's word embeddings are also pruned to 40 % and stored int8_sparse_embed (the scheme's embedding_alternative)
        // the int8-sparse image's linear weights are magnitude-pruned to 60 % in blocks of 4 (int8_sparse keeps blocks of 4)
        if (sparse) MagnitudePruning.Finish(p, new PruningSettings(PruningMethod.Magnitude, 0.6, 4));
        // and its attention output [8, 8] then to 2 of its 4 blocks of 4×4, which the encoder stores as b = 16 (fewer bytes)
        if (sparse) PruneFourByFour(p.AttentionOutputWeight, 0.6);
        if (af8) EmbeddingPruning.Prune(p.WordEmbeddings.Data, config.VocabSize, config.EmbeddingSize, 0.4, EmbeddingPruningMode.Global);
        var scales = Calibrator.Calibrate(p, calibration);
        var m = af8 ? EmbeddingPruning.Sparse(AdaptivFloatQuantizer.Quantize(p, scales), "tiny af8")
              : gobo3 ? Gobo3Quantizer.Quantize(p, scales) : int4 ? Int4Quantizer.Quantize(p, scales) : ipq ? IpqQuantizer.Quantize(p, scales, new IpqSettings(16, 4))
              : sparse ? Int8SparseQuantizer.Quantize(p, scales)
              : twoOfFour ? ModelPacker.Pruning.TwoOfFourQuantizer.Quantize(p, scales) : Int8Quantizer.Quantize(p, scales);
        var dims = m.Dims;
        var tensors = m.Tensors().Select(kv => new ImageTensor(kv.Key, kv.Value)).ToList();
        List<TestVector>? vectors = null;
        if (testVectors)
        {
            var runtime = new IntegerAlbert(m);
            vectors = Enumerable.Range(0, 3).Select(i =>
            {
                var ids = RandomUtterance(rng, config.VocabSize, 3 + i % (config.MaxPositionEmbeddings - 2));
                var exits = runtime.RunAll(ids);
                return new TestVector(ids.Select(x => (ushort)x).ToArray(), exits.Select(e => e.LogitsQ16).ToArray(), exits.Select(e => e.EntropyQ16).ToArray(),
                    exits.Select(e => IntegerKernels.Answer(Rejection(config.NumLabels), e.LogitsQ16, e.EntropyQ16, m.QuantParams.Exp2Frac)).ToArray());
            }).ToList();
        }
        return new ImageContent
        {
            BoardId = boardId,
            ArenaBytes = (uint)m.ArenaBytes,
            Dims = dims,
            Tensors = tensors,
            QuantParams = m.QuantParams.ToBytes(),
            Vocabulary = Vocabulary(config.VocabSize),
            VocabularySettings = Settings(config.VocabSize),
            Labels = config.Labels,
            Thresholds = Enumerable.Range(0, dims.NumLayers).Select(l => 20000 + 1000 * l).ToList(),
            Rejection = Rejection(config.NumLabels),
            TestVectors = vectors,
            AttentionSpans = m.AttentionSpans,
        };
    }

    /// <summary>The int8 tiny ALBERT (seed 1) with learned spans z = (1, −2) at ramp 2: hard spans 3 and 0 (head 1
    /// skipped), test vectors of the C# reference with those windows.</summary>
    public static ImageContent WithSpans() => SpanImage.Value;

    private static readonly Lazy<ImageContent> SpanImage = new(() =>
    {
        var config = TinyConfig();
        config.AttentionSpan = new AttentionSpanSettings { Ramp = 2 };
        return Build(1, config, testVectors: true, boardId: 0, spans: [1f, -2f]);
    });

    /// <summary>The image tamper case <paramref name="name"/> changes: <see cref="WithSpans"/> for the span cases,
    /// else the scheme's <see cref="Random"/>.</summary>
    public static ImageContent TamperBase(string name, SchemeId scheme) => name.StartsWith("span-", StringComparison.Ordinal) ? WithSpans() : Random(scheme);

    /// <summary>The int8 tiny image's rejection rule: entropy above 0.9 nats (of at most ln C), or the last label.</summary>
    public static RejectionRule Rejection(int labels) => new(RejectKind.Entropy, 58982, labels - 1);

    /// <summary>The tiny image of a scheme the tamper cases change: the int8 ALBERT of <see cref="RandomAlbert"/>
    /// (seed 1), a W1A1 model of random binary tensors (E 32, H 64, two heads of 32, I 96, three layers; the last
    /// exit's pooler binary_s8) with three test vectors of the C# reference, or the same ALBERT as the int8 one in
    /// scheme af8 with its word embeddings pruned to 40 % (int8_sparse_embed), or in scheme gobo3 (with two outliers in
    /// every GOBO tensor), or in scheme int4, or in scheme ipq (16 codewords of 4), or in scheme int8-sparse (linear
    /// weights pruned to 60 % in blocks of 4, the attention output then in 4×4 blocks), or made 2:4 by magnitude in scheme int8-2of4.</summary>
    public static ImageContent Random(SchemeId scheme) => scheme switch
    {
        SchemeId.Int8 => RandomAlbert(seed: 1),
        SchemeId.W1A1 => W1A1Image.Value,
        SchemeId.Af8 => Af8Image.Value,
        SchemeId.Gobo3 => Gobo3Image.Value,
        SchemeId.Int4 => Int4Image.Value,
        SchemeId.Ipq => IpqImage.Value,
        SchemeId.Int8Sparse => Int8SparseImage.Value,
        SchemeId.Int8_2of4 => TwoOfFourImage.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(scheme)),
    };

    private static readonly Lazy<ImageContent> Af8Image = new(() => Build(1, TinyConfig(), testVectors: true, boardId: 0, af8: true));
    private static readonly Lazy<ImageContent> Gobo3Image = new(() => Build(1, TinyConfig(), testVectors: true, boardId: 0, gobo3: true));

    /// <summary>Weights 1 and 7 of every GOBO tensor (mapping-in, the layer's linear layers, the poolers) made 8 times the
    /// tensor's largest magnitude, so each has two outliers for the tamper cases (a tiny random tensor may have none).</summary>
    private static void WithOutliers(AlbertParameters p)
    {
        var linear = new[] { p.EmbeddingProjectionWeight, p.QueryWeight, p.KeyWeight, p.ValueWeight, p.AttentionOutputWeight, p.FfnWeight, p.FfnOutputWeight }
            .Concat(p.Exits.Select(e => e.PoolerWeight));
        foreach (var w in linear)
        {
            float max = w.Data.Max(Math.Abs);
            w.Data[1] = 8 * max;
            w.Data[7] = -8 * max;
        }
    }

    /// <summary>Magnitude-prunes one tensor in 4×4 blocks to <paramref name="sparsity"/>.</summary>
    private static void PruneFourByFour(ModelPacker.Model.NamedTensor w, double sparsity) =>
        BlockMask.Zero(w.Data, BlockMask.TopK(BlockMask.Magnitudes(w.Data, BlockShape.FourByFour, w.Cols), sparsity), BlockShape.FourByFour, w.Cols);

    private static readonly Lazy<ImageContent> Int4Image = new(() => Build(1, TinyConfig(), testVectors: true, boardId: 0, int4: true));
    // 16 codewords of 4 weights a tensor
    private static readonly Lazy<ImageContent> IpqImage = new(() => Build(1, TinyConfig(), testVectors: true, boardId: 0, ipq: true));
    private static readonly Lazy<ImageContent> Int8SparseImage = new(() => Build(1, TinyConfig(), testVectors: true, boardId: 0, sparse: true));
    private static readonly Lazy<ImageContent> TwoOfFourImage = new(() => Build(1, TinyConfig(), testVectors: true, boardId: 0, twoOfFour: true));

    // the last exit's pooler over the int8 h[CLS] (binary_s8), the others over sign bits (binary)
    private static readonly Lazy<ImageContent> W1A1Image = new(() => W1A1TestModels.Image(seed: 8, vectors: 3, s8Poolers: 0b100).ToContent());

    /// <summary>[CLS] random word-piece ids [SEP], exactly <paramref name="length"/> tokens.</summary>
    private static int[] RandomUtterance(Random rng, int vocab, int length) =>
        Enumerable.Range(0, length).Select(k => k == 0 ? 2 : k == length - 1 ? 3 : rng.Next(5, vocab)).ToArray();

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
        if (id == 20) s = "##internationalization"; // 22 bytes, and 22 shared with the next: escaped lengths
        if (id == 21) s = "##internationalizations";
        return s;
    }

    /// <summary>The synthetic vocabulary of <paramref name="v"/> words in the image's order (UTF-8 byte order, token
    /// id = rank); the random model does not care which word a row belongs to.</summary>
    public static List<string> Vocabulary(int v) =>
        Enumerable.Range(0, v).Select(Token).OrderBy(System.Text.Encoding.UTF8.GetBytes, Comparer<byte[]>.Create((a, b) => ImageWriter.CompareUtf8(a, b))).ToList();

    /// <summary>The special ids (ranks of "[PAD]" .. "[MASK]") of <see cref="Vocabulary"/>.</summary>
    public static VocabularySettings Settings(int v)
    {
        var words = Vocabulary(v);
        ushort Id(int k) => (ushort)words.IndexOf(Token(k));
        return new VocabularySettings(Id(0), Id(1), Id(2), Id(3), Id(4));
    }

    /// <summary>The repository root (the directory holding nano.sln).</summary>
    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "nano.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new DirectoryNotFoundException("nano.sln not found above " + AppContext.BaseDirectory);
    }
}
