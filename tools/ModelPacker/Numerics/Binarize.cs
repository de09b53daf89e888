using System.Runtime.CompilerServices;

namespace ModelPacker.Numerics;

/// <summary>
/// The binarizing functions of the w1a1 scheme and their straight-through gradients (BiBERT, BiT). sign(0) = +1
/// everywhere, as the integer kernels' bit test (value ≥ threshold) has it. Each backward is the exact gradient of
/// the function with its hard step replaced by the identity inside the clipping window and a constant outside.
/// </summary>
public static class Binarize
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sign(float x) => x >= 0f ? 1f : -1f;

    /// <summary>y = sign(x) element-wise.</summary>
    public static void SignForward(ReadOnlySpan<float> x, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = Sign(x[i]);
    }

    /// <summary>dx = dy · [|x| ≤ 1] (clipped straight-through). <paramref name="dx"/> may alias <paramref name="dy"/>.</summary>
    public static void SignBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dx)
    {
        for (int i = 0; i < dy.Length; i++) dx[i] = MathF.Abs(x[i]) <= 1f ? dy[i] : 0f;
    }

    /// <summary>Elastic binarization (BiT): y = alpha · sign(x − beta), alpha &gt; 0.</summary>
    public static void ElasticForward(ReadOnlySpan<float> x, float alpha, float beta, Span<float> y)
    {
        for (int i = 0; i < x.Length; i++) y[i] = x[i] >= beta ? alpha : -alpha;
    }

    /// <summary>
    /// Gradient of <see cref="ElasticForward"/> with u = (x − beta)/alpha and the window |u| ≤ 1: dx = dy inside, 0
    /// outside; dalpha = Σ dy·(sign(u) − u) inside, Σ dy·sign(u) outside; dbeta = −Σ dy inside. <paramref name="dx"/>
    /// is overwritten or, with <paramref name="accumulate"/>, added to; it may alias <paramref name="dy"/> when not
    /// accumulating.
    /// </summary>
    public static void ElasticBackward(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, float alpha, float beta, Span<float> dx,
        bool accumulate, out double dAlpha, out double dBeta)
    {
        double da = 0, db = 0;
        float inv = 1f / alpha;
        for (int i = 0; i < dy.Length; i++)
        {
            float d = dy[i], u = (x[i] - beta) * inv, s = u >= 0f ? 1f : -1f;
            bool inside = MathF.Abs(u) <= 1f;
            if (inside) { da += d * (s - u); db -= d; }
            else da += d * s;
            float g = inside ? d : 0f;
            dx[i] = accumulate ? dx[i] + g : g;
        }
        dAlpha = da; dBeta = db;
    }

    /// <summary>
    /// BiBERT's weights: row r becomes alpha_r · sign(w_r − mu_r) with mu_r the row mean and alpha_r = mean |w_r − mu_r|.
    /// </summary>
    public static void RowCentredSignForward(ReadOnlySpan<float> w, int rows, int cols, Span<float> effective)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = w.Slice(r * cols, cols);
            float mu = RowMean(row), alpha = 0f;
            for (int c = 0; c < cols; c++) alpha += MathF.Abs(row[c] - mu);
            alpha /= cols;
            var e = effective.Slice(r * cols, cols);
            for (int c = 0; c < cols; c++) e[c] = row[c] - mu >= 0f ? alpha : -alpha;
        }
    }

    /// <summary>
    /// Straight-through gradient of <see cref="RowCentredSignForward"/> (alpha_r treated as a constant): the gradient
    /// of the centred weight is clipped to |w − mu| ≤ 1, then passed back through the centring (its row mean removed).
    /// </summary>
    public static void RowCentredSignBackward(ReadOnlySpan<float> w, int rows, int cols, Span<float> gradient)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = w.Slice(r * cols, cols);
            var g = gradient.Slice(r * cols, cols);
            float mu = RowMean(row), sum = 0f;
            for (int c = 0; c < cols; c++)
            {
                if (MathF.Abs(row[c] - mu) > 1f) g[c] = 0f;
                sum += g[c];
            }
            float mean = sum / cols;
            for (int c = 0; c < cols; c++) g[c] -= mean;
        }
    }

    private static float RowMean(ReadOnlySpan<float> row) => VectorMath.Sum(row) / row.Length;
}
