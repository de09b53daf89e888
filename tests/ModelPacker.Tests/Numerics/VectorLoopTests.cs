using System.Numerics.Tensors;
using ModelPacker.Distilling;
using ModelPacker.Numerics;

namespace ModelPacker.Tests.Numerics;

/// <summary>
/// The training step's vector loops must give the floats of the scalar or library code they replace, bit for bit
/// (signed zeros included): a seed then trains the same weights on every CPU, and a faster build changes no result.
/// </summary>
public class VectorLoopTests
{
    private static float[] Random(int n, int seed, float scale = 1f)
    {
        var r = new Random(seed);
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1) * scale;
        return a;
    }

    private static int[] Bits(ReadOnlySpan<float> x)
    {
        var b = new int[x.Length];
        for (int i = 0; i < x.Length; i++) b[i] = BitConverter.SingleToInt32Bits(x[i]);
        return b;
    }

    private static readonly int[] Lengths = [1, 7, 8, 9, 31, 128, 389];

    [Fact]
    public void TransposeBlocksGiveTheElementwiseTranspose()
    {
        foreach (var (rows, cols) in new[] { (0, 5), (1, 1), (7, 9), (8, 8), (16, 24), (13, 37), (100, 384), (128, 151) })
        {
            var src = Random(rows * cols, rows * 1000 + cols);
            var fast = new float[rows * cols + 7]; var scalar = new float[rows * cols + 7];
            fast.AsSpan(rows * cols).Fill(42f); scalar.AsSpan(rows * cols).Fill(42f); // a scratch buffer longer than the matrix
            Gemm.Transpose(src, fast, rows, cols);
            Gemm.TransposeScalar(src, scalar, rows, cols);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    Assert.Equal(src[i * cols + j], fast[j * rows + i]);
            Assert.Equal(Bits(scalar), Bits(fast));
            Assert.All(fast[(rows * cols)..], v => Assert.Equal(42f, v));
        }
    }

    [Fact]
    public void TransposeRefusesBuffersShorterThanTheMatrix()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.Transpose(new float[11], new float[12], 3, 4));
        Assert.Contains("3×4", ex.Message);
        Assert.Throws<ArgumentException>(() => Gemm.Transpose(new float[12], new float[11], 3, 4));
    }

    [Fact]
    public void GeluAndTanhBackwardGiveTheirScalarLoopsFloats()
    {
        // Called on one element the methods take their scalar loop; on a whole span, the vector loop and its tail.
        foreach (int n in Lengths)
        {
            var x = Random(n, n, 6f); var dy = Random(n, n + 1); var t = new float[n]; var y = new float[n];
            Activations.GeluNewForward(x, y, t);
            var tanh = x.Select(MathF.Tanh).ToArray();
            dy[0] = -0f; // a signed zero must come out as the scalar loop makes it
            var gelu = new float[n]; var tanhD = new float[n];
            Activations.GeluNewBackward(dy, x, t, gelu);
            Activations.TanhBackward(dy, tanh, tanhD);
            for (int i = 0; i < n; i++)
            {
                var one = new float[1];
                Activations.GeluNewBackward(dy.AsSpan(i, 1), x.AsSpan(i, 1), t.AsSpan(i, 1), one);
                Assert.Equal(BitConverter.SingleToInt32Bits(one[0]), BitConverter.SingleToInt32Bits(gelu[i]));
                Activations.TanhBackward(dy.AsSpan(i, 1), tanh.AsSpan(i, 1), one);
                Assert.Equal(BitConverter.SingleToInt32Bits(one[0]), BitConverter.SingleToInt32Bits(tanhD[i]));
            }
            // In place, as the layer's backward calls it.
            var inPlace = (float[])dy.Clone();
            Activations.GeluNewBackward(inPlace, x, t, inPlace);
            Assert.Equal(Bits(gelu), Bits(inPlace));
            inPlace = (float[])dy.Clone();
            Activations.TanhBackward(inPlace, tanh, inPlace);
            Assert.Equal(Bits(tanhD), Bits(inPlace));
        }
    }

    [Fact]
    public void AddScaledRowsGivesTheLibrarysRowByRowUnfusedFloats()
    {
        foreach (int n in Lengths)
        foreach (int rows in new[] { 1, 6 })
        {
            int lda = n + 3, stride = 2;
            var a = Random(rows * lda, 2 * n + rows);
            var coef = Random(rows * stride, 3 * n + rows, 0.5f);
            if (rows > 1) coef[stride] = 0f; // a skipped row
            var y = Random(n, 4 * n, 1e-3f);
            y[0] = -0f;
            var expected = (float[])y.Clone();
            for (int k = 0; k < rows; k++)
                if (coef[k * stride] != 0)
                    TensorPrimitives.MultiplyAdd(a.AsSpan(k * lda, n), coef[k * stride], expected, expected);
            VectorMath.AddScaledRows(a, lda, coef, stride, rows, y);
            Assert.Equal(Bits(expected), Bits(y));
        }
    }

    [Fact]
    public void AddScaledRowsSkipsRowsWhoseCoefficientIsZero()
    {
        // Skipped, not added: 0·NaN and 0·∞ would be NaN, and −0 + 0·x would turn a −0 into +0.
        foreach (int n in Lengths)
        {
            var a = new float[3 * n];
            a.AsSpan(0, n).Fill(float.NaN);
            a.AsSpan(n, n).Fill(float.PositiveInfinity);
            a.AsSpan(2 * n, n).Fill(2f);
            var y = Random(n, 5 * n);
            y[0] = -0f;
            var before = Bits(y);
            VectorMath.AddScaledRows(a, n, [0f, -0f, 0f], 1, 3, y);
            Assert.Equal(before, Bits(y));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => VectorMath.AddScaledRows(new float[8], -1, [1f, 1f], 1, 2, new float[4]));
    }

    [Fact]
    public void ProjectionBackwardOverManyRowsGivesTheRowByRowFloats()
    {
        const int inputs = 45, outputs = 13, rows = 5; // 45 = a block of 32, a vector of 8 and 5 single floats
        foreach (bool shared in new[] { false, true })
        {
            var batched = new SentenceProjection(2, shared, inputs, outputs, shards: 1, seed: 3);
            var single = new SentenceProjection(2, shared, inputs, outputs, shards: 1, seed: 3); // one row a call
            var reference = new SentenceProjection(2, shared, inputs, outputs, shards: 1, seed: 3);
            batched.BeginShard(0); single.BeginShard(0); reference.BeginShard(0);
            var dxBatched = new float[rows * inputs]; var dxSingle = new float[rows * inputs]; var dxReference = new float[rows * inputs];
            for (int exit = 0; exit < 2; exit++)
            {
                var x = Random(rows * inputs, 10 + exit);
                var dz = Random(rows * outputs, 20 + exit);
                dz.AsSpan(2 * outputs, outputs).Clear(); // a sequence without a target
                dz[4] = 0f;                               // and one zero output
                dz[outputs + 4] = -0f;
                batched.Backward(0, exit, x, dz, dxBatched, rows);
                for (int r = 0; r < rows; r++)
                    single.Backward(0, exit, x.AsSpan(r * inputs, inputs), dz.AsSpan(r * outputs, outputs), dxSingle.AsSpan(r * inputs, inputs));
                // The per-row code the batched loop replaces, through the library's multiply-add.
                int m = shared ? 0 : exit;
                var w = reference.Tensors[2 * m].Data;
                var dw = reference.Gradients(0)[2 * m]; var db = reference.Gradients(0)[2 * m + 1];
                for (int r = 0; r < rows; r++)
                    for (int o = 0; o < outputs; o++)
                    {
                        float g = dz[r * outputs + o];
                        if (g == 0) continue;
                        db[o] += g;
                        var row = dw.AsSpan(o * inputs, inputs);
                        TensorPrimitives.MultiplyAdd(x.AsSpan(r * inputs, inputs), g, row, row);
                        var dx = dxReference.AsSpan(r * inputs, inputs);
                        TensorPrimitives.MultiplyAdd(w.AsSpan(o * inputs, inputs), g, dx, dx);
                    }
            }
            Assert.Equal(Bits(dxReference), Bits(dxBatched));
            Assert.Equal(Bits(dxReference), Bits(dxSingle));
            for (int k = 0; k < batched.Tensors.Count; k++)
            {
                Assert.Equal(Bits(reference.Gradients(0)[k]), Bits(batched.Gradients(0)[k]));
                Assert.Equal(Bits(reference.Gradients(0)[k]), Bits(single.Gradients(0)[k]));
            }
        }
    }
}
