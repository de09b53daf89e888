using ModelPacker.Encodings;

namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>
/// The GOBO GEMM (encoding gobo3; C: native-kernels/src/kernels/ni_gobo3_gemm.c): per output row and token, the
/// inputs are summed into 8 bins by their weight's centroid index, the 8 bin sums multiplied by the centroids, then
/// each outlier adds (value − centroid[0])·x (its index slot holds 0). Exact integers: |acc| ≤ 4095·128·1024 &lt; 2^29,
/// every partial sum &lt; 2^31 (docs/numerics.md section 3h).
/// </summary>
public static class Gobo3Kernels
{
    /// <summary>acc[t·accStride + (r − r0)] = Σ_c w[r][c] · x[t·xStride + c] for t &lt; n, r0 ≤ r &lt; r1 (int32).</summary>
    public static void Gemm(Gobo3Tensor w, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride)
    {
        int cols = w.Cols;
        var bins = new int[Gobo3Tensor.Centroids];
        for (int r = r0; r < r1; r++)
        {
            var idx = w.Indices.AsSpan(r * cols, cols);
            for (int t = 0; t < n; t++)
            {
                Array.Clear(bins);
                var xt = x.Slice(t * xStride, cols);
                for (int c = 0; c < cols; c++) bins[idx[c]] += xt[c];
                int s = 0;
                for (int k = 0; k < bins.Length; k++) s += w.CentroidValues[k] * bins[k];
                acc[t * accStride + (r - r0)] = s;
            }
        }
        foreach (var o in w.Outliers)
        {
            if (o.Row < r0 || o.Row >= r1) continue;
            int d = o.Value - w.CentroidValues[0];
            for (int t = 0; t < n; t++) acc[t * accStride + (o.Row - r0)] += d * x[t * xStride + o.Col];
        }
    }
}
