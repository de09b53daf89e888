using ModelPacker.Model;

namespace ModelPacker.Pruning;

/// <summary>
/// 2:4 structured sparsity (docs/numerics.md section 3m): of every group of 4 consecutive input columns of a linear
/// weight row at most 2 are non-zero. Applies to the layers scheme int8-2of4 stores sparse: the embedding mapping-in,
/// Q, K, V, the attention output, the FFN and its output, and the exit poolers (embedding tables and exit classifiers
/// stay dense). The magnitude mask keeps each group's 2 largest |w| (ties: the lower column).
/// </summary>
public static class NMSparsity
{
    public const int GroupSize = 4, Kept = 2;

    /// <summary>The linear weights that are 2:4 in scheme int8-2of4, in image order.</summary>
    public static IReadOnlyList<NamedTensor> SparseWeights(AlbertParameters p) =>
    [
        p.EmbeddingProjectionWeight, p.QueryWeight, p.KeyWeight, p.ValueWeight, p.AttentionOutputWeight, p.FfnWeight,
        p.FfnOutputWeight, .. p.Exits.Select(e => e.PoolerWeight),
    ];

    /// <summary>The magnitude 2:4 mask of <paramref name="w"/> (rows of <paramref name="cols"/>, a multiple of 4): 1 kept, 0 pruned.</summary>
    public static void MagnitudeMask(ReadOnlySpan<float> w, int cols, Span<bool> mask)
    {
        if (cols % GroupSize != 0) throw new ArgumentException($"{cols} columns: 2:4 sparsity needs a multiple of 4");
        for (int g = 0; g < w.Length; g += GroupSize)
        {
            // rank by |w| descending, the lower column first on ties: keep the first two
            for (int i = 0; i < GroupSize; i++)
            {
                float a = Math.Abs(w[g + i]);
                int larger = 0;
                for (int j = 0; j < GroupSize; j++)
                {
                    float b = Math.Abs(w[g + j]);
                    if (b > a || (b == a && j < i)) larger++;
                }
                mask[g + i] = larger < Kept;
            }
        }
    }

    /// <summary>Zeroes, in place, the 2 smallest |w| of every group of every 2:4 weight of <paramref name="p"/> (one-shot pruning).</summary>
    public static void Prune(AlbertParameters p)
    {
        foreach (var t in SparseWeights(p))
        {
            var mask = new bool[t.Data.Length];
            MagnitudeMask(t.Data, t.Cols, mask);
            for (int i = 0; i < mask.Length; i++) if (!mask[i]) t.Data[i] = 0f;
        }
    }

    /// <summary>The first group (tensor, row, first column, non-zeros) with more than 2 non-zero weights; null when
    /// every 2:4 weight of <paramref name="p"/> is 2:4.</summary>
    public static (string Tensor, int Row, int Column, int NonZeros)? FirstViolation(AlbertParameters p)
    {
        foreach (var t in SparseWeights(p))
        {
            if (t.Cols % GroupSize != 0) return (t.Name, 0, 0, t.Cols);
            for (int g = 0; g < t.Data.Length; g += GroupSize)
            {
                int nz = 0;
                for (int i = 0; i < GroupSize; i++) if (t.Data[g + i] != 0f) nz++;
                if (nz > Kept) return (t.Name, g / t.Cols, g % t.Cols, nz);
            }
        }
        return null;
    }
}
