using System.Numerics.Tensors;

namespace ModelPacker.Numerics;

/// <summary>Row-wise layer normalisation y = γ·(x − μ)/σ + β and its gradient. The forward pass keeps x̂ and 1/σ per
/// row for the backward pass.</summary>
public static class LayerNorm
{
    public static void Forward(ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, Span<float> y,
        Span<float> xhat, Span<float> rstd, int rows, int cols, float eps)
    {
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * cols, cols);
            var hr = xhat.Slice(r * cols, cols);
            float mean = TensorPrimitives.Sum(xr) / cols;
            TensorPrimitives.Subtract(xr, mean, hr);
            float var = TensorPrimitives.Dot(hr, hr) / cols;
            float rs = 1f / MathF.Sqrt(var + eps);
            rstd[r] = rs;
            TensorPrimitives.Multiply(hr, rs, hr);
            TensorPrimitives.FusedMultiplyAdd(hr, gamma, beta, y.Slice(r * cols, cols));
        }
    }

    /// <summary>dx = (1/σ)·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)) with ĝ = dy·γ; dγ += Σ dy·x̂, dβ += Σ dy. <paramref name="dx"/> is
    /// overwritten; it may alias <paramref name="dy"/>. <paramref name="scratch"/> needs cols floats.</summary>
    public static void Backward(ReadOnlySpan<float> dy, ReadOnlySpan<float> xhat, ReadOnlySpan<float> rstd,
        ReadOnlySpan<float> gamma, Span<float> dx, Span<float> dgamma, Span<float> dbeta, int rows, int cols, Span<float> scratch)
    {
        var g = scratch[..cols];
        for (int r = 0; r < rows; r++)
        {
            var dyr = dy.Slice(r * cols, cols);
            var hr = xhat.Slice(r * cols, cols);
            TensorPrimitives.FusedMultiplyAdd(dyr, hr, dgamma, dgamma);
            TensorPrimitives.Add(dbeta, dyr, dbeta);
            TensorPrimitives.Multiply(dyr, gamma, g);
            float meanG = TensorPrimitives.Sum(g) / cols;
            float meanGx = TensorPrimitives.Dot(g, hr) / cols;
            var dxr = dx.Slice(r * cols, cols);
            // dx = rs * (g - meanG - xhat*meanGx)
            TensorPrimitives.MultiplyAdd(hr, -meanGx, g, dxr);
            TensorPrimitives.Add(dxr, -meanG, dxr);
            TensorPrimitives.Multiply(dxr, rstd[r], dxr);
        }
    }
}
