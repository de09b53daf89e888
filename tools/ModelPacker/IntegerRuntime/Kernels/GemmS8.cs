using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>The token-batched int8 GEMM (C: ni_gemm_s8): each weight row is read once for all tokens.</summary>
public static class GemmS8
{
    /// <summary>acc[t·accStride + (r − r0)] = Σ_c w[r·cols + c] · x[t·xStride + c] for t &lt; n, r0 ≤ r &lt; r1 (int32).</summary>
    public static void Run(ReadOnlySpan<sbyte> w, int cols, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride)
    {
        for (int r = r0; r < r1; r++)
        {
            var row = w.Slice(r * cols, cols);
            for (int t = 0; t < n; t++) acc[t * accStride + (r - r0)] = Dot(row, x.Slice(t * xStride, cols), cols);
        }
    }

    /// <summary>Σ a[i]·b[i] in int32. Integer sums are exact in any order, so the SIMD path equals the scalar one.</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, int n)
    {
        int i = 0, acc = 0;
        if (Vector256.IsHardwareAccelerated && n >= 32)
        {
            ref sbyte ra = ref MemoryMarshal.GetReference(a);
            ref sbyte rb = ref MemoryMarshal.GetReference(b);
            var sum = Vector256<int>.Zero;
            for (; i <= n - 32; i += 32)
            {
                var (al, ah) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)i));
                var (bl, bh) = Vector256.Widen(Vector256.LoadUnsafe(ref rb, (nuint)i));
                // int8·int8 products fit int16 (|p| ≤ 16384); widen them before adding.
                var (p0, p1) = Vector256.Widen(al * bl);
                var (p2, p3) = Vector256.Widen(ah * bh);
                sum += p0 + p1 + p2 + p3;
            }
            acc = Vector256.Sum(sum);
        }
        for (; i < n; i++) acc += a[i] * b[i];
        return acc;
    }
}
