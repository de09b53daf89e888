namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>
/// The 2:4 sparse int8 GEMM (encoding int8_2of4; C: native-kernels/src/kernels/ni_2of4_gemm.c): a row is cols/2 kept
/// int8 values then one position nibble p0 | p1 &lt;&lt; 2 per group of 4 columns; only the kept columns are multiplied.
/// Exact integers: |acc| ≤ 128·128·512 = 2^23.
/// </summary>
public static class TwoOfFourKernels
{
    /// <summary>Bytes of one row: cols/2 values and ceil(cols/8) position bytes.</summary>
    public static int RowBytes(int cols) => cols / 2 + (cols / 4 + 1) / 2;

    /// <summary>The nibble of group g (the row's position bytes start at <paramref name="pos"/>).</summary>
    public static int Nibble(ReadOnlySpan<byte> pos, int g) => pos[g >> 1] >> ((g & 1) * 4) & 15;

    /// <summary>True for the 6 nibbles that name two distinct columns in ascending order.</summary>
    public static bool NibbleOk(int nibble) => (nibble & 3) < nibble >> 2;

    /// <summary>The column of kept value k (k &lt; cols/2) of a row.</summary>
    public static int Column(ReadOnlySpan<byte> row, int cols, int k)
    {
        int nib = Nibble(row[(cols / 2)..], k / 2);
        return 4 * (k / 2) + (k % 2 == 0 ? nib & 3 : nib >> 2);
    }

    /// <summary>acc[t·accStride + (r − r0)] = Σ over the kept (c, w) of row r of w · x[t·xStride + c] for t &lt; n, r0 ≤ r &lt; r1.</summary>
    public static void Gemm(ReadOnlySpan<byte> w, int cols, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride)
    {
        int kept = cols / 2, rowBytes = RowBytes(cols);
        var v = new int[kept];
        var col = new int[kept];
        for (int r = r0; r < r1; r++)
        {
            var row = w.Slice(r * rowBytes, rowBytes);
            for (int k = 0; k < kept; k++) { v[k] = (sbyte)row[k]; col[k] = Column(row, cols, k); }
            for (int t = 0; t < n; t++)
            {
                var xt = x.Slice(t * xStride, cols);
                int s = 0;
                for (int k = 0; k < kept; k++) s += v[k] * xt[col[k]];
                acc[t * accStride + (r - r0)] = s;
            }
        }
    }
}
