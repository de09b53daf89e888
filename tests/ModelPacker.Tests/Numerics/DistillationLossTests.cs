using ModelPacker.Numerics;
using static ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Numerics;

/// <summary>The distillation losses are smooth: their gradients are checked exactly against finite differences.</summary>
public class DistillationLossTests
{
    [Theory]
    [InlineData(1f)]
    [InlineData(2.5f)]
    public void SoftTargetLossGradient(float temperature)
    {
        var s = Random(7, 1, 3f); var t = Random(7, 2, 3f);
        double Loss() => SoftTargetLoss.Add(s, t, temperature, 0.7f, new float[7]);
        var ds = Enumerable.Repeat(0.5f, 7).ToArray();
        double loss = SoftTargetLoss.Add(s, t, temperature, 0.7f, ds);
        for (int i = 0; i < 7; i++) ds[i] -= 0.5f; // it accumulated onto 0.5
        Assert("KD dstudent", s, ds, Enumerable.Range(0, 7), Loss);
        // the value: 0.7·T²·KL(p_t ‖ p_s)
        double[] P(float[] z) { var e = z.Select(v => Math.Exp(v / temperature)).ToArray(); double sum = e.Sum(); return e.Select(v => v / sum).ToArray(); }
        var (ps, pt) = (P(s), P(t));
        double kl = Enumerable.Range(0, 7).Sum(j => pt[j] * Math.Log(pt[j] / ps[j]));
        Xunit.Assert.Equal(0.7 * temperature * temperature * kl, loss, 6);
        Xunit.Assert.Equal(0, SoftTargetLoss.Add(t, t, temperature, 1f, new float[7]), 9);
    }

    [Fact]
    public void DirectionMatchingGradient()
    {
        int t = 5, d = 4, stride = 10, offset = 3; // one head's columns 3..6 of a [5, 10] matrix
        var s = Random(t * stride, 3); var te = Random(t * stride, 4);
        var scratch = new float[DirectionMatching.ScratchLength(t)];
        double Loss() => DirectionMatching.Add(s.AsSpan(offset), te.AsSpan(offset), t, d, stride, 0.3f, new float[t * stride - offset], scratch);
        var ds = new float[t * stride];
        double loss = DirectionMatching.Add(s.AsSpan(offset), te.AsSpan(offset), t, d, stride, 0.3f, ds.AsSpan(offset), scratch);
        var head = Enumerable.Range(0, t).SelectMany(i => Enumerable.Range(i * stride + offset, d)).ToArray();
        Assert("DMD dstudent", s, ds, head, Loss);
        Xunit.Assert.All(Enumerable.Range(0, t * stride).Except(head), i => Xunit.Assert.Equal(0f, ds[i])); // other columns untouched
        Xunit.Assert.True(loss > 0);
    }

    [Fact]
    public void DirectionMatchingIgnoresScaleAndIsZeroForTheTeacherItself()
    {
        int t = 4, d = 3;
        var te = Random(t * d, 5);
        var scaled = te.Select(v => 2.5f * v).ToArray();
        var ds = new float[t * d];
        var scratch = new float[DirectionMatching.ScratchLength(t)];
        Xunit.Assert.Equal(0, DirectionMatching.Add(scaled, te, t, d, d, 1f, ds, scratch), 9);
        Xunit.Assert.All(ds, g => Xunit.Assert.True(Math.Abs(g) < 1e-5f));
    }

    [Fact]
    public void CosineLossGradientAndValue()
    {
        var z = Random(9, 6, 2f); var e = Random(9, 7);
        double Loss() => CosineLoss.Add(z, e, 0.6f, new float[9]);
        var dz = Enumerable.Repeat(0.25f, 9).ToArray();
        double loss = CosineLoss.Add(z, e, 0.6f, dz);
        for (int i = 0; i < 9; i++) dz[i] -= 0.25f; // it accumulated onto 0.25
        Assert("cosine dz", z, dz, Enumerable.Range(0, 9), Loss, absTol: 1e-4);
        double cos = Dot(z, e) / Math.Sqrt(Dot(z, z) * Dot(e, e));
        Xunit.Assert.Equal(0.6 * (1 - cos), loss, 6);
        // direction only: a scaled copy of e costs nothing and gets no gradient; the opposite direction costs 2
        var same = new float[9];
        Xunit.Assert.Equal(0, CosineLoss.Add(e.Select(v => 3f * v).ToArray(), e, 1f, same), 6);
        Xunit.Assert.All(same, g => Xunit.Assert.True(Math.Abs(g) < 1e-6f));
        Xunit.Assert.Equal(2, CosineLoss.Add(e.Select(v => -v).ToArray(), e, 1f, new float[9]), 6);
    }
}
