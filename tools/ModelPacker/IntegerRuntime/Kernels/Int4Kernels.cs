namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>
/// The int4 GEMM (encoding int4; C: native-kernels/src/kernels/ni_int4_gemm.c): each packed row is unpacked (column
/// 2k the low nibble of byte k, nibble n the weight (n ^ 8) − 8) and multiplied by the int8 input. Exact integers:
/// |acc| ≤ 8·128·1024 = 2^20.
/// </summary>
public static class Int4Kernels
{
    /// <summary>The weight at index <paramref name="i"/> (row-major, rows of cols/2 bytes) of packed data.</summary>
    public static int Value(ReadOnlySpan<byte> packed, int i) => ((packed[i >> 1] >> ((i & 1) * 4) & 15) ^ 8) - 8;

    /// <summary>acc[t·accStride + (r − r0)] = Σ_c w[r][c] · x[t·xStride + c] for t &lt; n, r0 ≤ r &lt; r1 (int32).</summary>
    public static void Gemm(ReadOnlySpan<byte> w, int cols, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride)
    {
        var v = new int[cols];
        for (int r = r0; r < r1; r++)
        {
            var row = w.Slice(r * (cols / 2), cols / 2);
            for (int c = 0; c < cols; c++) v[c] = Value(row, c);
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
