using ModelPacker.Encodings;
using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;
using ModelPacker.Quantization;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>Every kernel: the C reference (through the host shared library) and the C# reference give the same bits.</summary>
public class KernelBitExactnessTests
{
    private static sbyte[] RandS8(int n, Random r) { var a = new sbyte[n]; for (int i = 0; i < n; i++) a[i] = (sbyte)r.Next(-128, 128); return a; }

    [Fact]
    public void RoundShiftAndDivisionMatchOnEdgeCasesAndRandomValues()
    {
        long[] values = [0, 1, -1, 2, -2, 3, -3, 5, -5, 6, -6, 7, -7, long.MaxValue >> 1, -(long.MaxValue >> 1), (1L << 62) - 1, -(1L << 62) + 1];
        foreach (long v in values)
            for (int s = 1; s <= 62; s++)
                Assert.Equal(NativeKernels.RoundShift(v, s), FixedPoint.RoundShift(v, s));
        var r = new Random(1);
        for (int k = 0; k < 20000; k++)
        {
            long v = r.NextInt64(-(1L << 62) + 1, 1L << 62) >> r.Next(0, 60);
            int s = r.Next(1, 63);
            Assert.Equal(NativeKernels.RoundShift(v, s), FixedPoint.RoundShift(v, s));
            long d = r.NextInt64(1, 1L << r.Next(1, 40));
            Assert.Equal(NativeKernels.DivRound(v, d), FixedPoint.DivRound(v, d));
        }
        Assert.Equal(-3, FixedPoint.RoundShift(-5, 1));   // ties away from zero
        Assert.Equal(-4, FixedPoint.DivRound(-7, 2));
    }

    [Fact]
    public void IntegerSquareRootMatchesAndIsTheFloor()
    {
        var r = new Random(2);
        ulong[] edge = [0, 1, 2, 3, 4, 15, 16, 17, ulong.MaxValue, 1UL << 62, (1UL << 62) - 1];
        foreach (var v in edge.Concat(Enumerable.Range(0, 5000).Select(_ => (ulong)r.NextInt64() >> r.Next(0, 63))))
        {
            uint s = FixedPoint.Isqrt64(v);
            Assert.Equal(NativeKernels.Isqrt64(v), s);
            Assert.True((UInt128)s * s <= v && ((UInt128)s + 1) * ((UInt128)s + 1) > v, $"isqrt({v}) = {s}");
        }
    }

    [Fact]
    public void RequantS32SaturatesLikeC()
    {
        var r = new Random(3);
        for (int k = 0; k < 5000; k++)
        {
            int acc = r.Next(int.MinValue, int.MaxValue);
            var rq = new Requant(r.Next(0, int.MaxValue), r.Next(1, 63));
            Assert.Equal(NativeKernels.RequantS32(acc, rq), FixedPoint.RequantS32(acc, rq));
        }
        Assert.Equal(int.MaxValue, FixedPoint.RequantS32(int.MaxValue, new Requant(int.MaxValue, 1)));
    }

    [Theory]
    [InlineData(1, 4, 1)]
    [InlineData(7, 36, 3)]
    [InlineData(33, 128, 12)]
    [InlineData(3, 1024, 2)]
    [InlineData(40, 384, 32)]
    public void GemmMatchesForEveryTileIncludingExtremeValues(int rows, int cols, int n)
    {
        // A generator of its own per case: a shared static Random would make the inputs depend on test order.
        var r = new Random(20240601 + rows * 4099 + cols);
        var w = RandS8(rows * cols, r);
        int xStride = cols + 4 * r.Next(0, 3);
        var x = RandS8(n * xStride, r);
        foreach (var fn in new[] { "ni_gemm_s8", "ni_gemm_s8_ref" })
            for (int r0 = 0; r0 < rows; r0 += 5)
            {
                int r1 = Math.Min(rows, r0 + r.Next(1, 9)), stride = r1 - r0 + r.Next(0, 2);
                var yc = new int[n * stride];
                var ycs = new int[n * stride];
                NativeKernels.Gemm(w, cols, x, xStride, n, r0, r1, yc, stride, fn);
                GemmS8.Run(w, cols, x, xStride, n, r0, r1, ycs, stride);
                Assert.Equal(ycs, yc);
            }
        Array.Fill(w, (sbyte)-128); Array.Fill(x, (sbyte)-128);
        var a = new int[n * rows];
        var b = new int[n * rows];
        NativeKernels.Gemm(w, cols, x, xStride, n, 0, rows, a, rows);
        GemmS8.Run(w, cols, x, xStride, n, 0, rows, b, rows);
        Assert.Equal(b, a);
        Assert.Equal(16384 * cols, a[0]);
    }

    /// <summary>A byte-coded GEMM (C functions <paramref name="fns"/>, C# <paramref name="reference"/>) on random weight
    /// bytes and inputs for every tile, then with every byte <paramref name="extreme"/> against inputs of -128 in
    /// every column, whose last sum must be <paramref name="extremeSum"/>.</summary>
    private static void AssertByteGemmMatches(string[] fns, ByteGemm reference, int rows, int cols, int n, int seed, int bytesPerRow,
        byte extreme, int extremeSum)
    {
        var r = new Random(seed + rows * 4099 + cols);
        var w = RandS8(rows * bytesPerRow, r);   // every byte value
        int xStride = cols + 4 * r.Next(0, 3);
        var x = RandS8(n * xStride, r);
        foreach (var fn in fns)
            for (int r0 = 0; r0 < rows; r0 += 5)
            {
                int r1 = Math.Min(rows, r0 + r.Next(1, 9)), stride = r1 - r0 + r.Next(0, 2);
                var yc = new int[n * stride];
                var ycs = new int[n * stride];
                NativeKernels.Gemm(w, cols, x, xStride, n, r0, r1, yc, stride, fn);
                reference((byte[])(Array)w, cols, x, xStride, n, r0, r1, ycs, stride);
                Assert.Equal(ycs, yc);
            }
        Array.Fill(w, unchecked((sbyte)extreme)); Array.Fill(x, (sbyte)-128);
        var a = new int[n * rows];
        var b = new int[n * rows];
        NativeKernels.Gemm(w, cols, x, xStride, n, 0, rows, a, rows, fns[0]);
        reference((byte[])(Array)w, cols, x, xStride, n, 0, rows, b, rows);
        Assert.Equal(b, a);
        Assert.Equal(extremeSum, a[^1]);
    }

    private delegate void ByteGemm(ReadOnlySpan<byte> w, int cols, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride);

    [Theory]
    [InlineData(1, 4, 1)]
    [InlineData(7, 36, 3)]
    [InlineData(33, 128, 12)]
    [InlineData(3, 1024, 2)]
    [InlineData(40, 384, 32)]
    public void AdaptivFloatGemmMatchesForEveryTileIncludingTheLargestMagnitudes(int rows, int cols, int n) =>
        AssertByteGemmMatches(["ni_af8_gemm", "ni_af8_gemm_ref"], AdaptivFloatKernels.Gemm, rows, cols, n, 20250601, cols,
            0xFF, 3968 * 128 * cols);   // code 0xFF: -3968

    [Theory]
    [InlineData(1, 4, 1)]
    [InlineData(7, 36, 3)]
    [InlineData(33, 128, 12)]
    [InlineData(3, 1024, 2)]
    [InlineData(40, 384, 32)]
    public void Int4GemmMatchesForEveryTileIncludingTheExtremeWeights(int rows, int cols, int n) =>
        AssertByteGemmMatches(["ni_int4_gemm", "ni_int4_gemm_ref"], Int4Kernels.Gemm, rows, cols, n, 20261201, cols / 2,
            0x88, 8 * 128 * cols);      // nibbles 8: -8

    [Theory]
    [InlineData(1, 4, 1)]
    [InlineData(7, 36, 3)]
    [InlineData(33, 128, 12)]
    [InlineData(3, 1024, 2)]
    [InlineData(40, 384, 32)]
    public void TwoOfFourGemmMatchesForEveryTileIncludingTheExtremeWeights(int rows, int cols, int n) =>
        AssertByteGemmMatches(["ni_2of4_gemm"], TwoOfFourKernels.Gemm, rows, cols, n, 20261224, TwoOfFourKernels.RowBytes(cols),
            0x80, 128 * 128 * cols / 2);   // values -128, nibbles 0: any nibble indexes inside its group, as in C

    private static RowParams[] RandParams(int n, Random r) => Enumerable.Range(0, n)
        .Select(_ => new RowParams(r.Next(-(1 << 30), 1 << 30) >> r.Next(0, 30), r.Next(0, int.MaxValue), r.Next(20, 50))).ToArray();

    /// <summary>A tensor of each implemented encoding with random row params in its range (weights do not matter here).</summary>
    private static IEnumerable<EncodedTensor> RandomTensors(int rows, Random r)
    {
        yield return Int8RowEncoding.Instance.Encode(new QuantizedTensor(rows, 4, new sbyte[4 * rows], RandParams(rows, r)), "int8");
        int shift = r.Next(1, 63);
        var bp = Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(short.MinValue, short.MaxValue + 1), r.Next(0, ushort.MaxValue + 1), shift)).ToArray();
        yield return BinaryEncoding.Instance.Encode(new QuantizedTensor(rows, 32, Enumerable.Repeat((sbyte)1, 32 * rows).ToArray(), bp, 0), "binary");
        var one = RandParams(1, r)[0];
        yield return AdaptivFloatEncoding.Instance.Encode(new QuantizedTensor(rows, 4, new sbyte[4 * rows],
            RandParams(rows, r).Select(p => p with { Multiplier = one.Multiplier, Shift = one.Shift }).ToArray()), "adaptivfloat");
        yield return Int4Encoding.Instance.Encode(new QuantizedTensor(rows, 4, new sbyte[4 * rows], RandParams(rows, r)), "int4");
        yield return Int8TwoOfFourEncoding.Instance.Encode(new QuantizedTensor(rows, 4, new sbyte[4 * rows], RandParams(rows, r)), "int8_2of4");
    }

    [Fact]
    public void TileRequantizationMatchesForEveryEncodingWithSaturationAndNegativeRounding()
    {
        var r = new Random(4);
        for (int trial = 0; trial < 40; trial++)
        {
            int rows = r.Next(1, 300), n = r.Next(1, 5), r0 = r.Next(0, rows), r1 = r.Next(r0 + 1, rows + 1), w = r1 - r0;
            var acc = Enumerable.Range(0, n * w).Select(_ => r.Next(-(1 << 24), 1 << 24) >> r.Next(0, 24)).ToArray();
            var rq = new Requant(r.Next(0, int.MaxValue), r.Next(20, 40));
            foreach (var t in RandomTensors(rows, r))
            {
                var a8 = new sbyte[n * w]; var b8 = new sbyte[n * w];
                NativeKernels.RequantTileS8(t, r0, r1, acc, w, n, a8, w);
                IntegerKernels.RequantTileS8(t, r0, r1, acc, w, n, b8, w);
                Assert.Equal(b8, a8);
                var a16 = Enumerable.Range(0, n * rows).Select(_ => (short)r.Next(-128, 128)).ToArray();
                var b16 = (short[])a16.Clone();
                NativeKernels.RequantTileAddS16(t, r0, r1, acc, w, n, rq, a16, rows);
                IntegerKernels.RequantTileAddS16(t, r0, r1, acc, w, n, rq, b16, rows);
                Assert.Equal(b16, a16);
                var a32 = new int[rows]; var b32 = new int[rows];
                NativeKernels.RequantTileLogits(t, r0, r1, acc, a32);
                IntegerKernels.RequantTileLogits(t, r0, r1, acc, b32);
                Assert.Equal(b32, a32);
                int words = (rows + 31) / 32 + 1;
                var abits = Enumerable.Range(0, n * words).Select(_ => (uint)r.NextInt64(0, 1L << 32)).ToArray();
                var bbits = (uint[])abits.Clone();
                NativeKernels.SignTileBits(t, r0, r1, acc, w, n, abits, words);
                IntegerKernels.SignTileBits(t, r0, r1, acc, w, n, bbits, words);
                Assert.Equal(bbits, abits);
            }
        }
        // (-3 + 0) * 0.5 = -1.5 -> -2 (ties away from zero) in both.
        var half = Int8RowEncoding.Instance.Encode(new QuantizedTensor(1, 4, new sbyte[4], [new RowParams(0, 1 << 30, 31)]), "half");
        var o = new sbyte[1];
        NativeKernels.RequantTileS8(half, 0, 1, [-3], 1, 1, o, 1);
        Assert.Equal(-2, o[0]);
    }

    [Fact]
    public void LayerNormMatchesOnRandomAllEqualAndExtremeRows()
    {
        var r = new Random(5);
        var cases = new List<short[]>();
        for (int k = 0; k < 40; k++)
        {
            int n = 4 * r.Next(1, 256);
            int amp = 1 << r.Next(0, 16);
            cases.Add(Enumerable.Range(0, n).Select(_ => (short)Math.Clamp(r.Next(-amp, amp), -32768, 32767)).ToArray());
        }
        cases.Add(Enumerable.Repeat((short)-1234, 64).ToArray());             // all equal: sigma 0
        cases.Add(Enumerable.Repeat((short)0, 8).ToArray());
        cases.Add(Enumerable.Range(0, 128).Select(k => (short)(k % 2 == 0 ? 32767 : -32768)).ToArray());
        cases.Add(Enumerable.Range(0, 1024).Select(k => (short)(k == 0 ? 32767 : -32768)).ToArray()); // one outlier
        foreach (var x in cases)
        {
            var p = Enumerable.Range(0, x.Length).Select(_ => new LayerNormParam(r.Next(-(1 << 26), 1 << 26), r.Next(-(1 << 24), 1 << 24))).ToArray();
            if (x.Length == 128) p = Enumerable.Range(0, 128).Select(_ => new LayerNormParam(int.MaxValue, int.MinValue)).ToArray();
            var a = new sbyte[x.Length]; var b = new sbyte[x.Length];
            NativeKernels.LayerNorm(x, p, a);
            IntegerKernels.LayerNormS16(x, p, x.Length, b);
            Assert.Equal(b, a);
        }
        var eq = Enumerable.Repeat((short)77, 16).ToArray();
        var bp = Enumerable.Range(0, 16).Select(k => new LayerNormParam(5 << 16, (k - 8) << 16)).ToArray();
        var o = new sbyte[16];
        IntegerKernels.LayerNormS16(eq, bp, 16, o);
        Assert.Equal(Enumerable.Range(0, 16).Select(k => (sbyte)(k - 8)), o);   // all-equal row -> beta
    }

    [Fact]
    public void SoftmaxAndEntropyMatch()
    {
        var r = new Random(6);
        var exp = Tables.Exp();
        var exp2 = Tables.Exp2Frac();
        var log2 = Tables.Log2Frac();
        for (int k = 0; k < 300; k++)
        {
            int n = r.Next(1, 65);
            int amp = 1 << r.Next(0, 20);
            var s = Enumerable.Range(0, n).Select(_ => r.Next(-amp, amp)).ToArray();
            var rq = FixedPointMultiplier.FromReal(Math.Exp(r.NextDouble() * 10 - 12), "test");
            var a = (int[])s.Clone(); var b = (int[])s.Clone();
            NativeKernels.SoftmaxQ15(a, rq, exp);
            IntegerKernels.SoftmaxQ15(b, n, rq, exp);
            Assert.Equal(b, a);
            Assert.InRange(b.Sum(), 32768 - n, 32768 + n);

            int c = r.Next(2, 200);
            var logits = Enumerable.Range(0, c).Select(_ => r.Next(-IntegerKernels.LogitLimit, IntegerKernels.LogitLimit) >> r.Next(0, 16)).ToArray();
            int he = IntegerKernels.EntropyQ16(logits, c, exp2, log2);
            Assert.Equal(he, NativeKernels.Entropy(logits, exp2, log2));
            double exact = ExactEntropy(logits);
            Assert.InRange(he / 65536.0, exact - 0.01 - 0.005 * exact, exact + 0.01 + 0.005 * exact);
        }
        var uniform = Enumerable.Repeat(3 << 16, 151).ToArray();
        Assert.InRange(IntegerKernels.EntropyQ16(uniform, 151, exp2, log2) / 65536.0, Math.Log(151) - 0.002, Math.Log(151) + 0.002);
    }

    [Fact]
    public void ConfidenceMatchesAndIsTheSoftmaxOfTheArgmax()
    {
        var r = new Random(16);
        var exp2 = Tables.Exp2Frac();
        for (int k = 0; k < 500; k++)
        {
            int c = r.Next(2, 200);
            var logits = Enumerable.Range(0, c).Select(_ => r.Next(-IntegerKernels.LogitLimit, IntegerKernels.LogitLimit) >> r.Next(0, 16)).ToArray();
            if (k % 5 == 0) logits[r.Next(c)] = logits.Max(); // ties: the first maximum is the argmax in both
            int conf = IntegerKernels.ConfidenceQ16(logits, c, exp2, out int argmax);
            Assert.Equal(conf, NativeKernels.Confidence(logits, exp2, out int nativeArgmax));
            Assert.Equal(argmax, nativeArgmax);
            Assert.Equal(Array.IndexOf(logits, logits.Max()), argmax);
            double m = logits.Max() / 65536.0, exact = 1 / logits.Sum(z => Math.Exp(z / 65536.0 - m));
            Assert.InRange(conf / 65536.0, exact * 0.99 - 1e-4, exact * 1.01 + 1e-4);
        }
    }

    private static double ExactEntropy(int[] logitsQ16)
    {
        double m = logitsQ16.Max() / 65536.0;
        var e = logitsQ16.Select(z => Math.Exp(z / 65536.0 - m)).ToArray();
        double zsum = e.Sum();
        return -e.Sum(v => v / zsum * Math.Log(Math.Max(v / zsum, 1e-300)));
    }

    [Fact]
    public void AttentionHeadMatchesIncludingTheContextOverwritingTheQuery()
    {
        var m = TestModels.RandomQuantized(8);
        var qp = m.QuantParams;
        var bytes = qp.ToBytes()[QuantParams.FixedBytes..(QuantParams.FixedBytes + QuantParams.SoftmaxBytes)];   // ni_qparams_softmax
        var r = new Random(9);
        foreach (int n in new[] { 1, 2, 7, 12 })
            foreach (int dh in new[] { 4, 8, 32 })
            {
                int stride = dh * 3;
                var k = RandS8(n * stride, r);
                var v = RandS8(n * stride, r);
                var q = RandS8(dh, r);
                var ctxC = (sbyte[])q.Clone();                     // ctx aliases q, as the runtime calls it
                var ctxS = (sbyte[])q.Clone();
                var sc = new int[n];
                var ss = new int[n];
                NativeKernels.AttentionHead(ctxC, k, v, stride, n, dh, bytes, sc, ctxC);
                IntegerKernels.AttentionHead(ctxS, k, v, stride, n, dh, qp, ss, ctxS);
                Assert.Equal(ss, sc);
                Assert.Equal(ctxS, ctxC);
            }
    }

    [Fact]
    public void EmbeddingLookupMatchesForInt8AndBinaryTables()
    {
        foreach (var m in new[] { TestModels.RandomQuantized(7), W1A1TestModels.Random(7) })
        {
            var a = new short[m.Dims.EmbeddingSize]; var b = new short[m.Dims.EmbeddingSize];
            for (int token = 0; token < m.Dims.VocabSize; token++)
            {
                int pos = token % m.Dims.MaxPositions;
                NativeKernels.EmbedToken(m.WordEmbeddings, m.PositionEmbeddings, token, pos, a);
                IntegerKernels.EmbedTokenS16(m.WordEmbeddings, m.PositionEmbeddings, token, pos, new long[b.Length], b);
                Assert.Equal(b, a);
            }
        }
    }
}
