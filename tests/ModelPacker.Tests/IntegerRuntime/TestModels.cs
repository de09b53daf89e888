using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;
using ModelPacker.Text;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>Small random ALBERTs, calibrated on random token sequences and quantized, for bit-exactness tests.</summary>
internal static class TestModels
{
    public static AlbertParameters RandomParameters(int seed, int vocab = 60, int e = 16, int h = 32, int heads = 4, int i = 64,
        int layers = 3, int positions = 12, int labels = 5, string act = "gelu_new", double weightStd = 0.3)
    {
        var config = new AlbertConfig
        {
            VocabSize = vocab, EmbeddingSize = e, HiddenSize = h, NumAttentionHeads = heads, IntermediateSize = i,
            NumHiddenLayers = layers, MaxPositionEmbeddings = positions, HiddenAct = act,
            Labels = Enumerable.Range(0, labels).Select(k => $"intent{k}").ToArray(),
        };
        var p = new AlbertParameters(config);
        var rng = new Random(seed);
        foreach (var t in p.All)
        {
            bool gain = t.Name.Contains("LayerNorm.weight") || t.Name.Contains("layer_norm.weight");
            for (int k = 0; k < t.Length; k++)
            {
                double g = Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
                t.Data[k] = gain ? (float)(1 + 0.2 * g) : (float)((t.Shape.Length == 2 ? weightStd : 0.1) * g);
            }
        }
        return p;
    }

    /// <summary>An image of <paramref name="model"/> with a synthetic vocabulary (words <paramref name="wordPrefix"/>N),
    /// labels, and test vectors of the C# reference on random sequences.</summary>
    public static IntegerImage ImageOf(IntegerModel model, int seed, string wordPrefix, int vectors, RejectionRule? rejection = null)
    {
        var words = Vocabulary.SpecialTokens.Concat(Enumerable.Range(0, model.Dims.VocabSize - 5).Select(i => i % 3 == 0 ? $"##{wordPrefix}{i}" : $"{wordPrefix}{i}"));
        var seqs = RandomSequences(seed + 7, 40, model.Dims.VocabSize, model.Dims.MaxPositions);
        return new IntegerImage
        {
            Model = model,
            Vocabulary = Vocabulary.FromTokens(words),
            Labels = Enumerable.Range(0, model.Dims.NumLabels).Select(i => $"intent{i}").ToArray(),
            ThresholdsQ16 = new int[model.Dims.NumLayers],
            Rejection = rejection ?? RejectionRule.None,
            TestVectors = TestVectorBuilder.Build(model, seqs, vectors, rejection),
        };
    }

    public static int[][] RandomSequences(int seed, int count, int vocab, int maxLen)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            int n = rng.Next(1, maxLen + 1);
            return Enumerable.Range(0, n).Select(__ => rng.Next(vocab)).ToArray();
        }).ToArray();
    }

    public static IntegerModel RandomQuantized(int seed, string act = "gelu_new")
    {
        var p = RandomParameters(seed, act: act);
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return Int8Quantizer.Quantize(p, scales);
    }

    /// <summary>A random int8 model (4 heads, 12 positions) with learned spans at ramp 2 whose hard cuts are 1, 3, 0 and
    /// 12: self only, a window of up to 5 keys, a skipped head, every key.</summary>
    public static IntegerModel RandomWithSpans(int seed)
    {
        var p = ModelPacker.Training.AttentionSpanTraining.WithSpans(RandomParameters(seed), 2f);
        float[] z = [-1f, 0.5f, -2f, 12f];
        z.CopyTo(p.AttentionSpan!.Data, 0);
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return Int8Quantizer.Quantize(p, scales);
    }

    /// <summary>A random model in scheme af8 (AdaptivFloat linear weights), calibrated as <see cref="RandomQuantized"/>.</summary>
    public static IntegerModel RandomAf8(int seed)
    {
        var p = RandomParameters(seed);
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return AdaptivFloatQuantizer.Quantize(p, scales);
    }

    /// <summary>A random model in scheme gobo3 (GOBO linear weights), calibrated as <see cref="RandomQuantized"/>; the
    /// Gaussian weights give a tensor a few outliers (|z| above about 3.5), and the FFN, Q and a pooler get one each for sure.</summary>
    public static IntegerModel RandomGobo3(int seed)
    {
        var p = RandomParameters(seed);
        p.FfnWeight.Data[5] = 3f;
        p.QueryWeight.Data[9] = -3f;
        p.Exits[1].PoolerWeight.Data[2] = 3f;
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return Gobo3Quantizer.Quantize(p, scales);
    }

    /// <summary><see cref="RandomQuantized"/> with its word embeddings magnitude-pruned (fp32, before calibration) to
    /// <paramref name="density"/> and stored as int8_sparse_embed.</summary>
    public static IntegerModel RandomSparseEmbed(int seed, double density, EmbeddingPruningMode mode)
    {
        var p = RandomParameters(seed);
        EmbeddingPruning.Prune(p.WordEmbeddings.Data, p.Config.VocabSize, p.Config.EmbeddingSize, density, mode);
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return EmbeddingPruning.Sparse(Int8Quantizer.Quantize(p, scales), "random sparse-embed model");
    }

    /// <summary>A random model in scheme int8-sparse, its linear weights magnitude-pruned to <paramref name="sparsity"/>
    /// in blocks of <paramref name="block"/> before calibration as <see cref="RandomQuantized"/>.</summary>
    public static IntegerModel RandomInt8Sparse(int seed, double sparsity, ModelPacker.Pruning.BlockShape block)
    {
        var p = RandomParameters(seed);
        ModelPacker.Pruning.MagnitudePruning.Finish(p, new ModelPacker.Pruning.PruningSettings(ModelPacker.Pruning.PruningMethod.Magnitude, sparsity, block));
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return Int8SparseQuantizer.Quantize(p, scales);
    }

    /// <summary>A random model in scheme int4 (int4 linear weights per row), calibrated as <see cref="RandomQuantized"/>.</summary>
    public static IntegerModel RandomInt4(int seed, Int4Clip clip = Int4Quantizer.DefaultClip)
    {
        var p = RandomParameters(seed);
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return Int4Quantizer.Quantize(p, scales, clip);
    }

    /// <summary>A random model in scheme ipq (a codebook per linear tensor), calibrated as <see cref="RandomQuantized"/>.</summary>
    public static IntegerModel RandomIpq(int seed, IpqSettings? settings = null)
    {
        var p = RandomParameters(seed);
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return IpqQuantizer.Quantize(p, scales, settings);
    }

    /// <summary>A random model made 2:4 by magnitude (<see cref="ModelPacker.Pruning.NMSparsity.Prune"/>) in scheme
    /// int8-2of4, calibrated as <see cref="RandomQuantized"/>.</summary>
    public static IntegerModel RandomTwoOfFour(int seed)
    {
        var p = RandomParameters(seed);
        ModelPacker.Pruning.NMSparsity.Prune(p);
        var scales = Calibrator.Calibrate(p, RandomSequences(seed + 1, 40, p.Config.VocabSize, p.Config.MaxPositionEmbeddings));
        return ModelPacker.Pruning.TwoOfFourQuantizer.Quantize(p, scales);
    }
}
