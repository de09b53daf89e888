using ModelPacker.Encodings;

namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>The C# reference of the iPQ GEMM (C: native-kernels/src/kernels/ni_ipq_gemm.c, docs/numerics.md section 3k):
/// integer sums are exact, so decoding each row and the C kernel's lookup tables give the same int32.</summary>
public static class IpqKernels
{
    /// <summary>acc[t·accStride + (r − r0)] = Σ_c w[r][c] · x[t·xStride + c] for t &lt; n, r0 ≤ r &lt; r1 (int32).</summary>
    public static void Gemm(IpqTensor w, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride)
    {
        int cols = w.Cols;
        var v = new int[cols];
        for (int r = r0; r < r1; r++)
        {
            for (int c = 0; c < cols; c++) v[c] = w.Weight(r, c);
            for (int t = 0; t < n; t++)
            {
                var xt = x.Slice(t * xStride, cols);
                int s = 0;
                for (int c = 0; c < cols; c++) s += v[c] * xt[c];
                acc[t * accStride + (r - r0)] = s;
            }
        }
    }
}
