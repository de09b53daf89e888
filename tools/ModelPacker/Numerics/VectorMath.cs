using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelPacker.Numerics;

/// <summary>Short-vector kernels (a head of 32 floats, a row of 128) where a library call's set-up would cost as
/// much as the arithmetic.</summary>
public static class VectorMath
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int n = a.Length, i = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float br = ref MemoryMarshal.GetReference(b[..n]);
        float s = 0f;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8)
                acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i), acc);
            s = Vector256.Sum(acc);
        }
        for (; i < n; i++) s += Unsafe.Add(ref ar, i) * Unsafe.Add(ref br, i);
        return s;
    }

    /// <summary>y += a·x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Axpy(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        int n = x.Length, i = 0;
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y[..n]);
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var av = Vector256.Create(a);
            for (; i + 8 <= n; i += 8)
                Vector256.FusedMultiplyAdd(av, Vector256.LoadUnsafe(ref xr, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref yr, i) = MathF.FusedMultiplyAdd(a, Unsafe.Add(ref xr, i), Unsafe.Add(ref yr, i));
    }

    /// <summary>y += Σ_k c_k·a_k over <paramref name="count"/> rows a_k = a[k·lda ..] with c_k = coef[k·stride], k in
    /// order, each product rounded before its sum and rows whose c_k is 0 skipped: the floats of calling
    /// TensorPrimitives.MultiplyAdd(a_k, c_k, y, y) row by row, with y held in registers across the rows (so y must
    /// not overlap a or coef).</summary>
    public static void AddScaledRows(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> coef, int stride, int count, Span<float> y)
    {
        int n = y.Length, i = 0;
        if (lda < 0 || stride < 0) throw new ArgumentOutOfRangeException(lda < 0 ? nameof(lda) : nameof(stride), "row and coefficient strides must not be negative");
        if (count <= 0 || n == 0) return;
        if ((long)(count - 1) * lda + n > a.Length || (long)(count - 1) * stride >= coef.Length)
            throw new ArgumentException($"{count} rows of {n} need {(long)(count - 1) * lda + n} values and {(long)(count - 1) * stride + 1} coefficients");
        ref float ar = ref MemoryMarshal.GetReference(a);
        ref float cr = ref MemoryMarshal.GetReference(coef);
        ref float yr = ref MemoryMarshal.GetReference(y);
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= n; i += 32) // four independent sums hide the adds' latency
            {
                var y0 = Vector256.LoadUnsafe(ref yr, (nuint)i); var y1 = Vector256.LoadUnsafe(ref yr, (nuint)(i + 8));
                var y2 = Vector256.LoadUnsafe(ref yr, (nuint)(i + 16)); var y3 = Vector256.LoadUnsafe(ref yr, (nuint)(i + 24));
                for (int k = 0; k < count; k++)
                {
                    float c = Unsafe.Add(ref cr, k * stride);
                    if (c == 0) continue;
                    var cv = Vector256.Create(c);
                    nuint o = (nuint)(k * lda + i);
                    y0 += Vector256.LoadUnsafe(ref ar, o) * cv; y1 += Vector256.LoadUnsafe(ref ar, o + 8) * cv;
                    y2 += Vector256.LoadUnsafe(ref ar, o + 16) * cv; y3 += Vector256.LoadUnsafe(ref ar, o + 24) * cv;
                }
                y0.StoreUnsafe(ref yr, (nuint)i); y1.StoreUnsafe(ref yr, (nuint)(i + 8));
                y2.StoreUnsafe(ref yr, (nuint)(i + 16)); y3.StoreUnsafe(ref yr, (nuint)(i + 24));
            }
            for (; i + 8 <= n; i += 8)
            {
                var y0 = Vector256.LoadUnsafe(ref yr, (nuint)i);
                for (int k = 0; k < count; k++)
                {
                    float c = Unsafe.Add(ref cr, k * stride);
                    if (c != 0) y0 += Vector256.LoadUnsafe(ref ar, (nuint)(k * lda + i)) * Vector256.Create(c);
                }
                y0.StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float sum = Unsafe.Add(ref yr, i);
            for (int k = 0; k < count; k++)
            {
                float c = Unsafe.Add(ref cr, k * stride);
                if (c != 0) sum += Unsafe.Add(ref ar, k * lda + i) * c;
            }
            Unsafe.Add(ref yr, i) = sum;
        }
    }

    public static float Sum(ReadOnlySpan<float> a)
    {
        int n = a.Length, i = 0;
        ref float ar = ref MemoryMarshal.GetReference(a);
        float s = 0f;
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += Vector256.LoadUnsafe(ref ar, (nuint)i);
            s = Vector256.Sum(acc);
        }
        for (; i < n; i++) s += Unsafe.Add(ref ar, i);
        return s;
    }
}
