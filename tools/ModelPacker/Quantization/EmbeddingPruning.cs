using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.Quantization;

/// <summary>How <see cref="EmbeddingPruning"/> chooses the weights to keep: the largest magnitudes of the whole table
/// (one threshold), or of each row (every row keeps the same share).</summary>
public enum EmbeddingPruningMode { Global, Row }

/// <summary>
/// Magnitude pruning of the word-embedding table (EdgeBERT keeps 40 % of it; docs/numerics.md section 3i): the smallest
/// |w| are set to zero in the fp32 table before calibration and quantization, and the quantized table is stored as
/// int8_sparse_embed, which keeps only the non-zero int8 values and is read in place by the lookup. No retraining.
/// </summary>
public static class EmbeddingPruning
{
    /// <summary>
    /// Zeroes all but the round(density · n) largest magnitudes of <paramref name="table"/> ([rows, cols] row-major),
    /// n being the whole table (<see cref="EmbeddingPruningMode.Global"/>) or each row (<see cref="EmbeddingPruningMode.Row"/>);
    /// among equal magnitudes the lower index is kept. Returns how many values are kept.
    /// </summary>
    public static long Prune(float[] table, int rows, int cols, double density, EmbeddingPruningMode mode)
    {
        if (!(density > 0 && density <= 1)) throw new ArgumentOutOfRangeException(nameof(density), density, "the density is a share in (0, 1]");
        if (table.Length != (long)rows * cols) throw new ArgumentException($"table of {table.Length} values is not [{rows}, {cols}]", nameof(table));
        if (mode == EmbeddingPruningMode.Global) return KeepLargest(table.AsSpan(), density);
        long kept = 0;
        for (int r = 0; r < rows; r++) kept += KeepLargest(table.AsSpan(r * cols, cols), density);
        return kept;
    }

    private static long KeepLargest(Span<float> values, double density)
    {
        int keep = (int)Math.Round(density * values.Length, MidpointRounding.AwayFromZero);
        if (keep >= values.Length) return values.Length;
        var order = new int[values.Length];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var magnitudes = new float[values.Length];
        for (int i = 0; i < values.Length; i++) magnitudes[i] = Math.Abs(values[i]);
        // descending magnitude, ascending index: a stable, deterministic choice
        Array.Sort(order, (a, b) => magnitudes[a] != magnitudes[b] ? magnitudes[b].CompareTo(magnitudes[a]) : a.CompareTo(b));
        for (int i = keep; i < order.Length; i++) values[order[i]] = 0f;
        return keep;
    }

    /// <summary>The model with its word embedding table stored as int8_sparse_embed (the same integers: pruned or
    /// quantized-to-zero columns are simply not stored); throws when the scheme does not allow it.</summary>
    public static IntegerModel Sparse(IntegerModel m, string source)
    {
        if (m.Scheme.EmbeddingAlternative != TensorEncoding.Int8SparseEmbed)
            throw new InvalidDataException($"{source}: scheme {m.Scheme.Name} has no pruned word embedding encoding (int8 and af8 have int8_sparse_embed)");
        var words = m.WordEmbeddings;
        var tensors = new Dictionary<ushort, EncodedTensor>(m.Tensors())
        {
            [(ushort)TensorId.WordEmbeddings] = Int8SparseEmbedEncoding.Instance.Encode(words.Traits.Decode(words), "WordEmbeddings"),
        };
        return IntegerModel.FromTensors(m.Dims, tensors, m.QuantParams, source);
    }
}
