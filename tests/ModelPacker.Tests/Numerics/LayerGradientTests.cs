using ModelPacker.Model;
using ModelPacker.Numerics;
using static ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Numerics;

/// <summary>Each layer's backward pass against central finite differences of L = Σ r·f(x) with a random r.</summary>
public class LayerGradientTests
{
    [Fact]
    public void LayerNormInputGammaAndBeta()
    {
        int rows = 3, cols = 10;
        var x = Random(rows * cols, 1, 2f); var gamma = Random(cols, 2); var beta = Random(cols, 3); var r = Random(rows * cols, 4);
        double Loss()
        {
            var y = new float[rows * cols];
            LayerNorm.Forward(x, gamma, beta, y, new float[rows * cols], new float[rows], rows, cols, 1e-12f);
            return Dot(y, r);
        }
        var yy = new float[rows * cols]; var xhat = new float[rows * cols]; var rstd = new float[rows];
        LayerNorm.Forward(x, gamma, beta, yy, xhat, rstd, rows, cols, 1e-12f);
        var dx = new float[rows * cols]; var dg = new float[cols]; var db = new float[cols];
        LayerNorm.Backward(r, xhat, rstd, gamma, dx, dg, db, rows, cols, new float[cols]);
        Assert("LayerNorm dx", x, dx, Enumerable.Range(0, rows * cols), Loss);
        Assert("LayerNorm dgamma", gamma, dg, Enumerable.Range(0, cols), Loss);
        Assert("LayerNorm dbeta", beta, db, Enumerable.Range(0, cols), Loss);
    }

    [Theory]
    [InlineData("gelu_new")]
    [InlineData("gelu")]
    public void Gelu(string kind)
    {
        int n = 40;
        var x = Random(n, 5, 4f); var r = Random(n, 6);
        void Fwd(float[] y, float[] aux) { if (kind == "gelu") Activations.GeluErfForward(x, y, aux); else Activations.GeluNewForward(x, y, aux); }
        double Loss() { var y = new float[n]; Fwd(y, new float[n]); return Dot(y, r); }
        var y0 = new float[n]; var aux0 = new float[n];
        Fwd(y0, aux0);
        var dx = new float[n];
        if (kind == "gelu") Activations.GeluErfBackward(r, x, aux0, dx); else Activations.GeluNewBackward(r, x, aux0, dx);
        Assert(kind, x, dx, Enumerable.Range(0, n), Loss);
        // and the forward values themselves
        for (int i = 0; i < n; i++)
        {
            double xi = x[i];
            double want = kind == "gelu"
                ? 0.5 * xi * (1 + ErfReference(xi / Math.Sqrt(2)))
                : 0.5 * xi * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (xi + 0.044715 * xi * xi * xi)));
            Xunit.Assert.Equal(want, y0[i], 5);
        }
    }

    private static double ErfReference(double x)
    {
        // Series for |x| < 3, adequate to 1e-9 here.
        double sum = 0, term = x;
        for (int n = 0; n < 80; n++) { sum += term / (2 * n + 1); term *= -x * x / (n + 1); }
        return 2 / Math.Sqrt(Math.PI) * sum;
    }

    [Fact]
    public void TanhPoolerLinearPlusTanh()
    {
        int m = 4, inF = 9, outF = 7;
        var x = Random(m * inF, 7); var w = Random(outF * inF, 8, 0.5f); var b = Random(outF, 9); var r = Random(m * outF, 10);
        float[] Fwd()
        {
            var wT = new float[w.Length]; Gemm.Transpose(w, wT, outF, inF);
            var y = new float[m * outF];
            Gemm.LinearForward(x, wT, b, y, m, inF, outF);
            System.Numerics.Tensors.TensorPrimitives.Tanh(y, y);
            return y;
        }
        double Loss() => Dot(Fwd(), r);
        var y0 = Fwd();
        var dz = new float[m * outF];
        Activations.TanhBackward(r, y0, dz);
        var dx = new float[m * inF]; var dw = new float[w.Length]; var db = new float[outF];
        Gemm.LinearBackwardInput(dz, w, dx, m, inF, outF, false);
        Gemm.LinearBackwardWeight(dz, x, dw, db, m, inF, outF, new float[m * outF]);
        Assert("pooler dx", x, dx, Enumerable.Range(0, x.Length), Loss);
        Assert("pooler dW", w, dw, Enumerable.Range(0, w.Length), Loss);
        Assert("pooler db", b, db, Enumerable.Range(0, b.Length), Loss);
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public void SoftmaxCrossEntropyWithLabelSmoothing(float smoothing)
    {
        var z = Random(6, 11, 3f);
        var dz = new float[6];
        double Loss() => SoftmaxCrossEntropy.Forward(z, 2, smoothing, new float[6]);
        double l0 = SoftmaxCrossEntropy.Forward(z, 2, smoothing, dz);
        Assert("softmax-CE dz", z, dz, Enumerable.Range(0, 6), Loss);
        // exact value without smoothing: −log softmax(z)[2]
        if (smoothing == 0)
        {
            double s = z.Sum(v => Math.Exp(v));
            Xunit.Assert.Equal(-Math.Log(Math.Exp(z[2]) / s), l0, 5);
        }
    }

    [Fact]
    public void AttentionWithPaddingMask()
    {
        int t = 5, hidden = 8, heads = 2;
        var q = Random(t * hidden, 12); var k = Random(t * hidden, 13); var v = Random(t * hidden, 14); var r = Random(t * hidden, 15);
        var keep = new[] { true, true, true, false, false }; // two padding tokens at the end
        float[] Fwd(float[] probs)
        {
            var ctx = new float[t * hidden];
            MultiHeadAttention.Forward(q, k, v, t, hidden, heads, keep, probs, probs, ReadOnlySpan<float>.Empty, ctx);
            return ctx;
        }
        double Loss() => Dot(Fwd(new float[heads * t * t]), r);
        var p0 = new float[heads * t * t];
        Fwd(p0);
        for (int i = 0; i < heads * t; i++)
        {
            Xunit.Assert.Equal(0f, p0[i * t + 3]); Xunit.Assert.Equal(0f, p0[i * t + 4]);
            Xunit.Assert.Equal(1.0, p0.AsSpan(i * t, t).ToArray().Sum(), 5);
        }
        var dq = new float[t * hidden]; var dk = new float[t * hidden]; var dv = new float[t * hidden];
        MultiHeadAttention.Backward(r, q, k, v, t, hidden, heads, p0, p0, ReadOnlySpan<float>.Empty, dq, dk, dv, new float[t]);
        Assert("attention dq", q, dq, Enumerable.Range(0, q.Length), Loss);
        Assert("attention dk", k, dk, Enumerable.Range(0, 3 * hidden), Loss); // padded keys have zero gradient
        Assert("attention dv", v, dv, Enumerable.Range(0, 3 * hidden), Loss);
        for (int i = 3 * hidden; i < t * hidden; i++) { Xunit.Assert.Equal(0f, dk[i]); Xunit.Assert.Equal(0f, dv[i]); }
    }

    [Fact]
    public void AttentionDropoutMaskIsAppliedInBothPasses()
    {
        int t = 4, hidden = 6, heads = 2;
        var q = Random(t * hidden, 16); var k = Random(t * hidden, 17); var v = Random(t * hidden, 18); var r = Random(t * hidden, 19);
        var keep = new[] { true, true, true, true };
        var mask = new float[heads * t * t];
        var rng = new DeterministicRandom(42);
        rng.FillDropoutMask(mask, 0.3f);
        double Loss()
        {
            var ctx = new float[t * hidden];
            MultiHeadAttention.Forward(q, k, v, t, hidden, heads, keep, new float[mask.Length], new float[mask.Length], mask, ctx);
            return Dot(ctx, r);
        }
        var probs = new float[mask.Length]; var probsD = new float[mask.Length];
        MultiHeadAttention.Forward(q, k, v, t, hidden, heads, keep, probs, probsD, mask, new float[t * hidden]);
        var dq = new float[t * hidden]; var dk = new float[t * hidden]; var dv = new float[t * hidden];
        MultiHeadAttention.Backward(r, q, k, v, t, hidden, heads, probs, probsD, mask, dq, dk, dv, new float[t]);
        Assert("attention+dropout dq", q, dq, Enumerable.Range(0, q.Length), Loss);
        Assert("attention+dropout dk", k, dk, Enumerable.Range(0, k.Length), Loss);
        Assert("attention+dropout dv", v, dv, Enumerable.Range(0, v.Length), Loss);
    }
}
