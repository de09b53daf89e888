namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>
/// 1-bit weights over int8 inputs (encoding binary_s8; C: native-kernels/src/kernels/ni_b1s8_gemm.c): Σc w[r][c]·x[c]
/// with w in ±1 as a sum of table entries. The input is cut into groups of 4 columns; group g's table holds, for each
/// 4-bit weight pattern m, Σi (bit i of m ? x[4g + i] : −x[4g + i]); a weight row then costs one lookup per 4 columns.
/// Exact integers, so any order of summation gives the same result.
/// </summary>
public static class BinaryS8Kernels
{
    /// <summary>Entries per group table (one per 4-bit pattern).</summary>
    public const int TableEntries = 16;
    /// <summary>Columns per group.</summary>
    public const int GroupCols = 4;

    /// <summary>The tables of the groups of x (x.Length a multiple of 4): tables[16·g + m] for group g.</summary>
    public static void Tables(ReadOnlySpan<sbyte> x, Span<short> tables)
    {
        if (x.Length % GroupCols != 0) throw new ArgumentException($"Tables: {x.Length} values is not a multiple of {GroupCols}", nameof(x));
        for (int g = 0; g < x.Length / GroupCols; g++)
            for (int m = 0; m < TableEntries; m++)
            {
                int s = 0;
                for (int i = 0; i < GroupCols; i++) s += (m >> i & 1) != 0 ? x[GroupCols * g + i] : -x[GroupCols * g + i];
                tables[TableEntries * g + m] = (short)s;
            }
    }

    /// <summary>
    /// acc[t·accStride + (r − r0)] = Σ_g tables_t[16·g + ((w_r[g / 8] &gt;&gt; 4·(g % 8)) &amp; 15)] = Σc w[r][c]·x_t[c] for
    /// tokens t &lt; n and rows r0 ≤ r &lt; r1; row r is the sign words w[r·words ..] (bit set = +1), token t's tables
    /// start at tables[t·tablesStride].
    /// </summary>
    public static void Gemm(ReadOnlySpan<uint> w, int words, ReadOnlySpan<short> tables, int tablesStride, int n,
                            int r0, int r1, Span<int> acc, int accStride)
    {
        for (int t = 0; t < n; t++)
        {
            var tab = tables.Slice(t * tablesStride, words * 8 * TableEntries);
            for (int r = r0; r < r1; r++)
            {
                int sum = 0;
                for (int j = 0; j < words; j++)
                {
                    uint word = w[r * words + j];
                    for (int k = 0; k < 8; k++) sum += tab[TableEntries * (8 * j + k) + (int)(word >> (4 * k) & 15)];
                }
                acc[t * accStride + (r - r0)] = sum;
            }
        }
    }
}
