using ModelPacker.Encodings;

namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>
/// The sparse int8 GEMM (encoding int8_sparse; C: native-kernels/src/kernels/ni_sparse_gemm.c): per row, only the kept
/// blocks are read, each once for all tokens, and multiplied by the int8 input at their columns. Exact integers:
/// |acc| ≤ 128·128·cols, as int8_row.
/// </summary>
public static class Int8SparseKernels
{
    /// <summary>acc[t·accStride + (r − r0)] = Σ over kept weights w[r][c] · x[t·xStride + c] for t &lt; n, r0 ≤ r &lt; r1.
    /// Row r reads its own weights of its unit's blocks (for 4×4 blocks the 4 at offset 4·(r % 4) in each block), so
    /// any row range, whole groups of 4 or not, gives the same sums.</summary>
    public static void Gemm(EncodedTensor w, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride)
    {
        int b = Int8SparseEncoding.Block(w), h = Int8SparseEncoding.Height(b), wd = Int8SparseEncoding.Width(b);
        int values = (int)Int8SparseEncoding.ValuesOffset(Int8SparseEncoding.Units(w), Int8SparseEncoding.KeptBlocks(w));
        for (int r = r0; r < r1; r++)
        {
            for (int t = 0; t < n; t++) acc[t * accStride + (r - r0)] = 0;
            int u = r / h, inBlock = (r % h) * wd;
            for (int k = Int8SparseEncoding.RowStart(w, u); k < Int8SparseEncoding.RowStart(w, u + 1); k++)
            {
                int c = Int8SparseEncoding.BlockCol(w, k);
                for (int j = 0; j < wd; j++)
                {
                    int v = (sbyte)w.Data[values + k * b + inBlock + j];
                    for (int t = 0; t < n; t++) acc[t * accStride + (r - r0)] += v * x[t * xStride + c + j];
                }
            }
        }
    }
}
