using System.Runtime.CompilerServices;

namespace ModelPacker.Numerics;

/// <summary>Row-wise layer normalisation y = γ·(x − μ)/σ + β and its gradient. The forward pass keeps x̂ and 1/σ per
/// row for the backward pass.</summary>
public static class LayerNorm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y,
        Span<float> xhat, Span<float> rstd, int rows, int cols, float eps)
    {
        gamma = gamma[..cols]; beta = beta[..cols];
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            var hr = xhat.Slice(r * cols, cols);
            var yr = y.Slice(r * cols, cols);
            float mean = VectorMath.Sum(xr) / cols;
            float var = 0f;
            for (int i = 0; i < cols; i++) { float d = xr[i] - mean; hr[i] = d; var += d * d; }
            float rs = 1f / MathF.Sqrt(var / cols + eps);
            rstd[r] = rs;
            for (int i = 0; i < cols; i++) { float h = hr[i] * rs; hr[i] = h; yr[i] = MathF.FusedMultiplyAdd(h, gamma[i], beta[i]); }
        }
    }

    /// <summary>dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·γ; dγ += Σ dy·x̂, dβ += Σ dy. <paramref name="dx"/> is
    /// overwritten; it may alias <paramref name="dy"/>. <paramref name="scratch"/> needs cols floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> rstd,
        ReadOnlySpan<float> gamma, Span<float> dx, Span<float> dgamma, Span<float> dbeta, int rows, int cols, Span<float> scratch)
    {
        var g = scratch[..cols];
        gamma = gamma[..cols]; dgamma = dgamma[..cols]; dbeta = dbeta[..cols];
        for (int r = 0; r < rows; r++)
        {
            var dyr = dy.Slice(r * cols, cols);
            var hr = xhat.Slice(r * cols, cols);
            float sumG = 0f, sumGx = 0f;
            for (int i = 0; i < cols; i++)
            {
                float d = dyr[i], h = hr[i];
                dgamma[i] = MathF.FusedMultiplyAdd(d, h, dgamma[i]);
                dbeta[i] += d;
                float gi = d * gamma[i];
                g[i] = gi;
                sumG += gi;
                sumGx = MathF.FusedMultiplyAdd(gi, h, sumGx);
            }
            float meanG = sumG / cols, meanGx = sumGx / cols, rs = rstd[r];
            var dxr = dx.Slice(r * cols, cols);
            for (int i = 0; i < cols; i++) dxr[i] = (g[i] - meanG - hr[i] * meanGx) * rs;
        }
    }
}
