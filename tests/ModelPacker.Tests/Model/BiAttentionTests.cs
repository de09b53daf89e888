using ModelPacker.Model;
using ModelPacker.Numerics;
using static ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Model;

/// <summary>Bi-Attention: the forward is the integer definition (signs, popcount threshold, sum of ±1 values); the
/// straight-through backward is the gradient of its surrogate (each hard function linearised at the checked point).</summary>
public class BiAttentionTests
{
    private const int T = 5, Hidden = 6, Heads = 2, D = Hidden / Heads;
    private static readonly bool[] Keep = [true, true, true, true, false]; // the last key is padding

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(-3)]
    public void ForwardIsTheIntegerDefinition(int threshold)
    {
        var q = Random(T * Hidden, 1); var k = Random(T * Hidden, 2); var v = Random(T * Hidden, 3);
        var ctx = new float[T * Hidden];
        var scores = new float[Heads * T * T];
        BiAttention.Forward(q, k, v, T, Hidden, Heads, Keep, threshold, scores, ctx, new float[3 * T * Hidden]);
        int Bit(float x) => x >= 0 ? 1 : -1;
        for (int h = 0; h < Heads; h++)
            for (int i = 0; i < T; i++)
            {
                var c = new int[D];
                for (int j = 0; j < T; j++)
                {
                    int s = 0;
                    for (int d = 0; d < D; d++) s += Bit(q[i * Hidden + h * D + d]) * Bit(k[j * Hidden + h * D + d]);
                    float u = scores[(h * T + i) * T + j];
                    if (!Keep[j]) { Xunit.Assert.Equal(float.NegativeInfinity, u); continue; }
                    Xunit.Assert.Equal((s - threshold) / MathF.Sqrt(D), u, 5);
                    if (s < threshold) continue;
                    for (int d = 0; d < D; d++) c[d] += Bit(v[j * Hidden + h * D + d]);
                }
                for (int d = 0; d < D; d++) Xunit.Assert.Equal(c[d], ctx[i * Hidden + h * D + d]);
            }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void BackwardIsTheGradientOfItsSurrogate(int threshold)
    {
        // dh = 3: scores (s − threshold)/√3 never sit on the window's edge ±1, so no difference step crosses a kink
        var q = Random(T * Hidden, 4, 1.3f); var k = Random(T * Hidden, 5, 1.3f); var v = Random(T * Hidden, 6, 1.3f);
        var r = Random(T * Hidden, 7);
        var (q0, k0, v0) = ((float[])q.Clone(), (float[])k.Clone(), (float[])v.Clone());
        var scores0 = new float[Heads * T * T];
        var ctx0 = new float[T * Hidden];
        var signs = new float[3 * T * Hidden];
        BiAttention.Forward(q0, k0, v0, T, Hidden, Heads, Keep, threshold, scores0, ctx0, signs);
        static float Lin(float x, float x0) => Binarize.Sign(x0) - Math.Clamp(x0, -1f, 1f) + Math.Clamp(x, -1f, 1f);
        double Loss()
        {
            double total = 0;
            for (int h = 0; h < Heads; h++)
                for (int i = 0; i < T; i++)
                    for (int j = 0; j < T; j++)
                    {
                        if (!Keep[j]) continue;
                        double s = 0;
                        for (int d = 0; d < D; d++)
                        {
                            int a = i * Hidden + h * D + d, b = j * Hidden + h * D + d;
                            s += Lin(q[a], q0[a]) * Lin(k[b], k0[b]);
                        }
                        float u0 = scores0[(h * T + i) * T + j], u = (float)((s - threshold) / Math.Sqrt(D));
                        float weight = (u0 >= 0 ? 1f : 0f) - Math.Clamp(u0, -1f, 1f) + Math.Clamp(u, -1f, 1f);
                        for (int d = 0; d < D; d++)
                        {
                            int a = i * Hidden + h * D + d, b = j * Hidden + h * D + d;
                            total += r[a] * weight * Lin(v[b], v0[b]);
                        }
                    }
            return total;
        }
        Xunit.Assert.Equal(Dot(ctx0, r), Loss(), 4);
        var dq = new float[T * Hidden]; var dk = new float[T * Hidden]; var dv = new float[T * Hidden];
        BiAttention.Backward(r, q0, k0, v0, T, Hidden, Heads, scores0, dq, dk, dv, signs);
        Assert("bi-attention dq", q, dq, Enumerable.Range(0, q.Length), Loss);
        Assert("bi-attention dk", k, dk, Enumerable.Range(0, 4 * Hidden), Loss);
        Assert("bi-attention dv", v, dv, Enumerable.Range(0, 4 * Hidden), Loss);
        for (int i = 4 * Hidden; i < T * Hidden; i++) { Xunit.Assert.Equal(0f, dk[i]); Xunit.Assert.Equal(0f, dv[i]); } // padding key
        Xunit.Assert.Contains(scores0, u => float.IsFinite(u) && Math.Abs(u) > 1); // a score outside the window was exercised
    }
}
