using ModelPacker.Numerics;

namespace ModelPacker.Tests.Numerics;

public class GemmTests
{
    private static float[] Random(int n, int seed)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    private static double[] Naive(float[] a, int lda, float[] b, int ldb, int m, int n, int k)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++) s += (double)a[i * lda + p] * b[p * ldb + j];
            c[i * n + j] = s;
        }
        return c;
    }

    private static readonly (int M, int N, int K)[] Shapes =
        [(1, 1, 1), (7, 5, 3), (6, 16, 16), (13, 37, 29), (33, 150, 128), (5, 512, 128), (64, 128, 512), (17, 7, 64), (2, 33, 1)];

    private delegate void Kernel(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        int m, int n, int k, bool accumulate);

    // Each case names its kernel and calls it directly: no test flips a process-wide switch that the training
    // bit-identity tests, running in parallel, would also read. The FMA kernel is only offered where the CPU has it.
    private static Kernel KernelNamed(string name) => name switch
    {
        "portable" => Gemm.MatMulPortable,
        "fma" => Gemm.MatMulFma,
        "fma256" => Gemm.MatMulFma256,
        "dispatch" => Gemm.MatMul,
        _ => throw new ArgumentException(name),
    };

    public static IEnumerable<object[]> KernelsAndShapes()
    {
        var kernels = Gemm.UsesFma ? new[] { "portable", "fma", "fma256", "dispatch" } : new[] { "portable", "dispatch" };
        foreach (var kernel in kernels)
        foreach (var (m, n, k) in Shapes)
            yield return [kernel, m, n, k];
    }

    [Theory]
    [MemberData(nameof(KernelsAndShapes))]
    public void MatMulMatchesNaiveTripleLoop(string kernel, int m, int n, int k)
    {
        var matMul = KernelNamed(kernel);
        foreach (bool acc in new[] { false, true })
        {
            int lda = k + 3, ldb = n + 2, ldc = n + 5; // strided views
            var a = Random(m * lda, 1); var b = Random(k * ldb, 2);
            var c = Random(m * ldc, 3);
            var before = (float[])c.Clone();
            matMul(a, lda, b, ldb, c, ldc, m, n, k, acc);
            var want = Naive(a, lda, b, ldb, m, n, k);
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    double expect = want[i * n + j] + (acc ? before[i * ldc + j] : 0);
                    Assert.True(Math.Abs(c[i * ldc + j] - expect) <= 1e-4 * (1 + Math.Sqrt(k)),
                        $"m={m} n={n} k={k} kernel={kernel} acc={acc} at ({i},{j}): {c[i * ldc + j]} vs {expect}");
                }
                for (int j = n; j < ldc; j++) Assert.Equal(before[i * ldc + j], c[i * ldc + j]); // padding untouched
            }
        }
    }

    [Fact]
    public void LinearFormsMatchDefinitions()
    {
        int m = 11, inF = 19, outF = 21;
        var x = Random(m * inF, 4); var w = Random(outF * inF, 5); var bias = Random(outF, 6); var dy = Random(m * outF, 7);
        var wT = new float[w.Length];
        Gemm.Transpose(w, wT, outF, inF);
        var y = new float[m * outF];
        Gemm.LinearForward(x, wT, bias, y, m, inF, outF);
        var dx = new float[m * inF];
        Gemm.LinearBackwardInput(dy, w, dx, m, inF, outF, accumulate: false);
        var dw = Random(outF * inF, 8); var dwBefore = (float[])dw.Clone();
        var db = new float[outF];
        Gemm.LinearBackwardWeight(dy, x, dw, db, m, inF, outF, new float[m * outF]);
        for (int i = 0; i < m; i++)
        for (int o = 0; o < outF; o++)
        {
            double s = bias[o];
            for (int p = 0; p < inF; p++) s += x[i * inF + p] * w[o * inF + p];
            Assert.Equal(s, y[i * outF + o], 4);
        }
        for (int i = 0; i < m; i++)
        for (int p = 0; p < inF; p++)
        {
            double s = 0;
            for (int o = 0; o < outF; o++) s += dy[i * outF + o] * w[o * inF + p];
            Assert.Equal(s, dx[i * inF + p], 4);
        }
        for (int o = 0; o < outF; o++)
        {
            double sb = 0;
            for (int i = 0; i < m; i++) sb += dy[i * outF + o];
            Assert.Equal(sb, db[o], 4);
            for (int p = 0; p < inF; p++)
            {
                double s = dwBefore[o * inF + p];
                for (int i = 0; i < m; i++) s += dy[i * outF + o] * x[i * inF + p];
                Assert.Equal(s, dw[o * inF + p], 4);
            }
        }
    }

    [Fact]
    public void RowsAreComputedIndependentlyOfTheirNeighbours()
    {
        // Batched inference relies on this: a row's result must not depend on how many rows share the call.
        int k = 64, n = 48;
        var a = Random(13 * k, 9); var b = Random(k * n, 10);
        var all = new float[13 * n];
        Gemm.MatMul(a, k, b, n, all, n, 13, n, k, false);
        for (int i = 0; i < 13; i++)
        {
            var one = new float[n];
            Gemm.MatMul(a.AsSpan(i * k, k), k, b, n, one, n, 1, n, k, false);
            Assert.Equal(one, all.AsSpan(i * n, n).ToArray());
        }
    }

    [Fact]
    public void Avx512PanelsGiveTheSameBitsAsTheVector256Kernel()
    {
        // Training results must not depend on whether the CPU has AVX-512: both tiles do one FMA per element of C in
        // the order of k. Shapes cover 32-column panels, a 16-column remainder and scalar edge columns.
        if (!Gemm.UsesAvx512) return; // nothing to compare on this CPU: MatMulFma is the Vector256 kernel
        foreach (var (m, n, k) in new[] { (13, 151, 128), (64, 384, 128), (7, 48, 33), (6, 32, 1), (25, 128, 384) })
            foreach (bool acc in new[] { false, true })
            {
                int lda = k + 1, ldb = n + 3, ldc = n + 2;
                var a = Random(m * lda, 21); var b = Random(k * ldb, 22);
                var c512 = Random(m * ldc, 23); var c256 = (float[])c512.Clone();
                Gemm.MatMulFma(a, lda, b, ldb, c512, ldc, m, n, k, acc);
                Gemm.MatMulFma256(a, lda, b, ldb, c256, ldc, m, n, k, acc);
                Assert.Equal(c256, c512);
            }
    }
}
