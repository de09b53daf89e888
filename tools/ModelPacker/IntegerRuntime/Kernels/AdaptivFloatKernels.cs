using ModelPacker.Quantization;

namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>
/// The AdaptivFloat GEMM (encoding adaptivfloat; C: native-kernels/src/kernels/ni_af8_gemm.c): each weight byte is
/// decoded through the 256-entry table <see cref="Values"/> (code → ±(16 + M)·2^E, the weight in units of its tensor's
/// power of two) and multiplied by the int8 input. Exact integers: |acc| ≤ 3968·128·1024 &lt; 2^29.
/// </summary>
public static class AdaptivFloatKernels
{
    /// <summary>The decode table (C: ni_af8_values), a constant of the 1-3-4 format.</summary>
    public static readonly short[] Values = Enumerable.Range(0, 256).Select(c => (short)AdaptivFloatFormat.Device.Value((byte)c)).ToArray();

    /// <summary>acc[t·accStride + (r − r0)] = Σ_c Values[w[r·cols + c]] · x[t·xStride + c] for t &lt; n, r0 ≤ r &lt; r1 (int32).</summary>
    public static void Gemm(ReadOnlySpan<byte> w, int cols, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride)
    {
        var v = new int[cols];
        for (int r = r0; r < r1; r++)
        {
            var row = w.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) v[c] = Values[row[c]];
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
