namespace ModelPacker.Tests.Numerics;

/// <summary>Central finite differences against an analytic gradient.</summary>
internal static class GradientCheck
{
    /// <summary>Perturbs x[i] for each index, evaluates <paramref name="loss"/> at ±eps, and compares with analytic[i].</summary>
    public static void Assert(string what, float[] x, ReadOnlySpan<float> analytic, IEnumerable<int> indices, Func<double> loss,
        float eps = 3e-3f, double absTol = 1e-3, double relTol = 2e-2, bool expectZero = false)
    {
        double maxAnalytic = 0;
        foreach (int i in indices)
        {
            float keep = x[i];
            x[i] = keep + eps; double up = loss();
            x[i] = keep - eps; double down = loss();
            x[i] = keep;
            double numeric = (up - down) / ((double)(keep + eps) - (double)(keep - eps));
            double a = analytic[i];
            maxAnalytic = Math.Max(maxAnalytic, Math.Abs(a));
            Xunit.Assert.True(Math.Abs(numeric - a) <= absTol + relTol * Math.Max(Math.Abs(a), Math.Abs(numeric)),
                $"{what}[{i}]: analytic {a:G6} vs numeric {numeric:G6}");
        }
        if (expectZero) { Xunit.Assert.True(maxAnalytic < absTol, $"{what}: expected a zero gradient, got {maxAnalytic:G3}"); return; }
        Xunit.Assert.True(maxAnalytic > 10 * absTol, $"{what}: gradient is (almost) zero everywhere checked ({maxAnalytic:G3}); the check would be vacuous");
    }

    public static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1) * scale;
        return a;
    }

    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (double)a[i] * b[i];
        return s;
    }

    public static IEnumerable<int> Sample(int length, int count, int seed)
    {
        if (length <= count) return Enumerable.Range(0, length);
        var r = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => r.Next(length)).Distinct();
    }
}
