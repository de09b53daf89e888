using ModelPacker.Numerics;
using static ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Numerics;

/// <summary>
/// The straight-through gradients of the binarizing functions. A hard sign has no useful derivative, so each
/// backward is checked against finite differences of its surrogate: the function linearised at the checked point
/// (hard value there, slope 1 inside the clipping window, 0 outside) — the function the STE differentiates.
/// </summary>
public class BinarizeGradientTests
{
    private static float Clip(float u) => Math.Clamp(u, -1f, 1f);

    /// <summary>Random values kept at least 0.05 away from the kinks ±<paramref name="edge"/> of the window.</summary>
    private static float[] AwayFromKinks(int n, int seed, float scale, float center, float edge)
    {
        var x = Random(n, seed, scale);
        for (int i = 0; i < n; i++)
            while (Math.Abs(Math.Abs(x[i] - center) - edge) < 0.05f * edge) x[i] += 0.1f * edge;
        return x;
    }

    [Fact]
    public void ElasticForwardIsAlphaTimesSignWithSignOfZeroPositive()
    {
        var y = new float[4];
        Binarize.ElasticForward([-1f, 0.5f, 2f, 0.49f], 0.7f, 0.5f, y);
        Xunit.Assert.Equal([-0.7f, 0.7f, 0.7f, -0.7f], y);
    }

    [Fact]
    public void ElasticBackwardIsTheGradientOfItsSurrogate()
    {
        int n = 64;
        float[] alpha = [0.8f], beta = [0.15f];
        var x = AwayFromKinks(n, 1, 2.2f, beta[0], alpha[0]);
        var r = Random(n, 2);
        var u0 = x.Select(v => (v - beta[0]) / alpha[0]).ToArray();
        var x0 = (float[])x.Clone();
        double Loss()
        {
            double s = 0;
            for (int i = 0; i < n; i++)
            {
                float u = (x[i] - beta[0]) / alpha[0];
                // value alpha·sign(u0) at the base point; u moves through the clip
                s += r[i] * alpha[0] * (Binarize.Sign(u0[i]) - Clip(u0[i]) + Clip(u));
            }
            return s;
        }
        var y = new float[n];
        Binarize.ElasticForward(x, alpha[0], beta[0], y);
        Xunit.Assert.Equal(Dot(y, r), Loss(), 5);
        var dx = new float[n];
        Binarize.ElasticBackward(r, x, alpha[0], beta[0], dx, accumulate: false, out double da, out double db);
        Assert("elastic dx", x, dx, Enumerable.Range(0, n), Loss);
        Assert("elastic dalpha", alpha, [(float)da], [0], Loss);
        Assert("elastic dbeta", beta, [(float)db], [0], Loss);
        Xunit.Assert.Contains(u0, u => Math.Abs(u) > 1); // the outside branch was exercised
        Xunit.Assert.Equal(x0, x);
        // accumulate adds to what is there
        var acc = Enumerable.Repeat(1f, n).ToArray();
        Binarize.ElasticBackward(r, x, alpha[0], beta[0], acc, accumulate: true, out _, out _);
        for (int i = 0; i < n; i++) Xunit.Assert.Equal(1f + dx[i], acc[i]);
    }

    [Fact]
    public void SignBackwardIsTheGradientOfItsSurrogate()
    {
        int n = 40;
        var x = AwayFromKinks(n, 3, 2f, 0f, 1f);
        var x0 = (float[])x.Clone();
        var r = Random(n, 4);
        double Loss()
        {
            double s = 0;
            for (int i = 0; i < n; i++) s += r[i] * (Binarize.Sign(x0[i]) - Clip(x0[i]) + Clip(x[i]));
            return s;
        }
        var dx = new float[n];
        Binarize.SignBackward(r, x, dx);
        Assert("sign dx", x, dx, Enumerable.Range(0, n), Loss);
    }

    [Fact]
    public void RowCentredSignUsesTheRowMeanAndMeanAbsoluteDeviation()
    {
        // row 0: mean 2, alpha 2/3, the middle weight equals the mean (sign +1); row 1: mean 0, alpha 1.5
        float[] w = [1f, 2f, 3f, -2f, 1f, 1f];
        var e = new float[6];
        Binarize.RowCentredSignForward(w, 2, 3, e);
        float a0 = 2f / 3, a1 = (2f + 1f + 1f) / 3;
        Xunit.Assert.Equal([-a0, a0, a0, -a1, a1, a1], e);
    }

    [Fact]
    public void RowCentredSignBackwardIsTheGradientOfItsSurrogate()
    {
        int rows = 3, cols = 7;
        var w = Random(rows * cols, 5, 0.6f);
        w[3] = 1.9f; w[12] = -2.2f; // outside the window |w − mu| ≤ 1
        var w0 = (float[])w.Clone();
        var r = Random(rows * cols, 6);
        var e0 = new float[w.Length];
        Binarize.RowCentredSignForward(w0, rows, cols, e0);
        float[] Centred(float[] m)
        {
            var c = new float[m.Length];
            for (int i = 0; i < rows; i++)
            {
                float mu = m.AsSpan(i * cols, cols).ToArray().Average();
                for (int j = 0; j < cols; j++) c[i * cols + j] = m[i * cols + j] - mu;
            }
            return c;
        }
        var c0 = Centred(w0);
        double Loss()
        {
            var c = Centred(w);
            double s = 0;
            for (int i = 0; i < w.Length; i++) s += r[i] * (e0[i] - Clip(c0[i]) + Clip(c[i]));
            return s;
        }
        var g = (float[])r.Clone();
        Binarize.RowCentredSignBackward(w, rows, cols, g);
        Assert("row-centred sign dW", w, g, Enumerable.Range(0, w.Length), Loss);
        for (int i = 0; i < rows; i++) Xunit.Assert.Equal(0.0, g.AsSpan(i * cols, cols).ToArray().Sum(), 5); // the centring's mark
    }
}
