namespace ModelPacker.Pruning;

/// <summary>
/// Top-k masks over the blocks (<see cref="BlockShape"/>: 1 or 4 consecutive weights of a row, or 4 rows × 4 columns)
/// of a [rows, cols] tensor: keeps the round((1 − s) · blocks) blocks with the highest scores (ties: the lower index),
/// the rest pruned.
/// </summary>
public static class BlockMask
{

    public static int Kept(int blocks, double sparsity) => (int)Math.Round((1 - sparsity) * blocks, MidpointRounding.AwayFromZero);

    /// <summary>The kept blocks (true) for these scores at <paramref name="sparsity"/>.</summary>
    public static bool[] TopK(ReadOnlySpan<float> scores, double sparsity)
    {
        int n = scores.Length, keep = Kept(n, sparsity);
        var mask = new bool[n];
        if (keep >= n) { Array.Fill(mask, true); return mask; }
        if (keep <= 0) return mask;
        float threshold = Select(scores.ToArray(), n - keep); // the keep-th largest
        int above = 0;
        for (int i = 0; i < n; i++) if (scores[i] > threshold) { mask[i] = true; above++; }
        for (int i = 0; i < n && above < keep; i++) if (scores[i] == threshold) { mask[i] = true; above++; }
        return mask;
    }

    /// <summary>The k-th smallest value of <paramref name="a"/> (reordered in place): Hoare's selection, O(n) on
    /// average, as a full sort would be O(n log n) every training step.</summary>
    private static float Select(float[] a, int k)
    {
        int lo = 0, hi = a.Length - 1;
        while (lo < hi)
        {
            float pivot = a[lo + (hi - lo) / 2];
            int i = lo, j = hi;
            while (i <= j)
            {
                while (a[i] < pivot) i++;
                while (a[j] > pivot) j--;
                if (i <= j) { (a[i], a[j]) = (a[j], a[i]); i++; j--; }
            }
            if (k <= j) hi = j;
            else if (k >= i) lo = i;
            else return a[k];
        }
        return a[k];
    }

    /// <summary>Sum of |w| over each block of a tensor of <paramref name="cols"/> columns: magnitude pruning's score.</summary>
    public static float[] Magnitudes(ReadOnlySpan<float> w, BlockShape block, int cols)
    {
        var s = new float[block.Count(w.Length / cols, cols)];
        for (int i = 0; i < w.Length; i++) s[block.Of(i, cols)] += Math.Abs(w[i]);
        return s;
    }

    /// <summary>effective = w ⊙ m, m[i] = mask[block of i] (1 kept, 0 pruned): the forward's weights.</summary>
    public static void Apply(ReadOnlySpan<float> w, ReadOnlySpan<float> mask, BlockShape block, int cols, Span<float> effective)
    {
        for (int i = 0; i < w.Length; i++) effective[i] = w[i] * mask[block.Of(i, cols)];
    }

    public static float[] AsFloats(bool[] mask) => mask.Select(k => k ? 1f : 0f).ToArray();

    /// <summary>Zeroes the weights of pruned blocks in place.</summary>
    public static void Zero(Span<float> w, ReadOnlySpan<bool> mask, BlockShape block, int cols)
    {
        for (int i = 0; i < w.Length; i++) if (!mask[block.Of(i, cols)]) w[i] = 0;
    }
}
