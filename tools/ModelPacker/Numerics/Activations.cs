using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelPacker.Numerics;

/// <summary>GELU (tanh approximation "gelu_new" and exact erf "gelu") and tanh, with their derivatives.</summary>
public static class Activations
{
    private const float Sqrt2OverPi = 0.7978845608028654f;
    private const float Cubic = 0.044715f;

    /// <summary>gelu_new: y = ½x(1 + tanh(√(2/π)(x + 0.044715x³))). Keeps t = tanh(·) in <paramref name="t"/> for backward.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void GeluNewForward(ReadOnlySpan<float> x, Span<float> y, Span<float> t)
    {
        int n = x.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var s = Vector256.Create(Sqrt2OverPi); var cs = Vector256.Create(Cubic * Sqrt2OverPi);
            var one = Vector256<float>.One; var two = Vector256.Create(2f); var half = Vector256.Create(0.5f);
            ref float xr = ref MemoryMarshal.GetReference(x);
            ref float yr = ref MemoryMarshal.GetReference(y[..n]);
            ref float tr = ref MemoryMarshal.GetReference(t[..n]);
            for (; i + 8 <= n; i += 8)
            {
                var xv = Vector256.LoadUnsafe(ref xr, (nuint)i);
                var u = xv * (s + cs * xv * xv);
                // 1 + tanh(u) = 2/(1 + e^{−2u}): no cancellation for negative x, exact limits when e^{−2u} under/overflows
                var onePlusT = two / (one + Vector256.Exp(-(u + u)));
                (onePlusT - one).StoreUnsafe(ref tr, (nuint)i);
                (half * xv * onePlusT).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float xi = x[i];
            float ti = MathF.Tanh(xi * (Sqrt2OverPi + Cubic * Sqrt2OverPi * xi * xi));
            t[i] = ti;
            y[i] = 0.5f * xi * (1f + ti);
        }
    }

    /// <summary>dx = dy·(½(1 + t) + ½x(1 − t²)·√(2/π)(1 + 3c·x²)). <paramref name="dx"/> may alias <paramref name="dy"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void GeluNewBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> t, Span<float> dx)
    {
        int n = dy.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // The scalar loop's operations in its order, eight lanes at a time: the same floats.
            var s = Vector256.Create(Sqrt2OverPi); var c3 = Vector256.Create(3f * Cubic);
            var one = Vector256<float>.One; var half = Vector256.Create(0.5f);
            ref float dyr = ref MemoryMarshal.GetReference(dy);
            ref float xr = ref MemoryMarshal.GetReference(x[..n]);
            ref float tr = ref MemoryMarshal.GetReference(t[..n]);
            ref float dxr = ref MemoryMarshal.GetReference(dx[..n]);
            for (; i + 8 <= n; i += 8)
            {
                var xv = Vector256.LoadUnsafe(ref xr, (nuint)i); var tv = Vector256.LoadUnsafe(ref tr, (nuint)i);
                var d = half * (one + tv) + half * xv * (one - tv * tv) * s * (one + c3 * xv * xv);
                (Vector256.LoadUnsafe(ref dyr, (nuint)i) * d).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float xi = x[i], ti = t[i];
            float d = 0.5f * (1f + ti) + 0.5f * xi * (1f - ti * ti) * Sqrt2OverPi * (1f + 3f * Cubic * xi * xi);
            dx[i] = dy[i] * d;
        }
    }

    /// <summary>Exact GELU y = x·Φ(x); keeps Φ(x) in <paramref name="cdf"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void GeluErfForward(ReadOnlySpan<float> x, Span<float> y, Span<float> cdf)
    {
        for (int i = 0; i < x.Length; i++)
        {
            float c = 0.5f * (1f + Erf(x[i] * 0.70710678118654752f));
            cdf[i] = c;
            y[i] = x[i] * c;
        }
    }

    /// <summary>dx = dy·(Φ(x) + x·φ(x)).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void GeluErfBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, ReadOnlySpan<float> cdf, Span<float> dx)
    {
        const float InvSqrt2Pi = 0.3989422804014327f;
        for (int i = 0; i < dy.Length; i++)
        {
            float xi = x[i];
            dx[i] = dy[i] * (cdf[i] + xi * InvSqrt2Pi * MathF.Exp(-0.5f * xi * xi));
        }
    }

    /// <summary>erf with |error| &lt; 1.2e-7 (Numerical Recipes' erfc Chebyshev fit), computed in double.</summary>
    public static float Erf(float xf)
    {
        double x = xf, z = Math.Abs(x), t = 1.0 / (1.0 + 0.5 * z);
        double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
                   t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return (float)(x >= 0 ? 1.0 - r : r - 1.0);
    }

    /// <summary>dx = dy·(1 − y²) for y = tanh(x). <paramref name="dx"/> may alias <paramref name="dy"/>.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void TanhBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> y, Span<float> dx)
    {
        int n = dy.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float dyr = ref MemoryMarshal.GetReference(dy);
            ref float yr = ref MemoryMarshal.GetReference(y[..n]);
            ref float dxr = ref MemoryMarshal.GetReference(dx[..n]);
            for (; i + 8 <= n; i += 8)
            {
                var yv = Vector256.LoadUnsafe(ref yr, (nuint)i);
                (Vector256.LoadUnsafe(ref dyr, (nuint)i) * (Vector256<float>.One - yv * yv)).StoreUnsafe(ref dxr, (nuint)i);
            }
        }
        for (; i < n; i++) dx[i] = dy[i] * (1f - y[i] * y[i]);
    }
}
