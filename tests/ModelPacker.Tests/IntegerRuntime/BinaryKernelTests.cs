using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>
/// The 1-bit kernels: the C# reference (BinaryKernels) against an element-by-element ±1 product written here, and
/// the C kernels of the host library (ni_b1_*: the dispatch, which takes POPCNT where the CPU has it, and the
/// portable SWAR kernel the microcontrollers run) against the C# reference on the same random and edge inputs.
/// </summary>
public class BinaryKernelTests
{
    private const int GuardAcc = 0x7EADBEEF;

    private static uint[] RandomBits(int words, Random r, string pattern = "random") => Enumerable.Range(0, words).Select(_ => pattern switch
    {
        "zeros" => 0u,
        "ones" => uint.MaxValue,
        "sparse" => (uint)r.NextInt64() & (uint)r.NextInt64() & (uint)r.NextInt64(),
        _ => (uint)r.NextInt64(),
    }).ToArray();

    private static int Pm1(uint[] bits, int offset, int c) => BinaryKernels.Bit(bits.AsSpan(offset), c) ? 1 : -1;

    private static int NaiveDot(uint[] a, int aOffset, uint[] b, int bOffset, int from, int to)
    {
        int s = 0;
        for (int c = from; c < to; c++) s += Pm1(a, aOffset, c) * Pm1(b, bOffset, c);
        return s;
    }

    // ---- packing ----

    [Theory]
    [InlineData(32)]
    [InlineData(96)]
    [InlineData(128)]
    [InlineData(384)]
    [InlineData(1024)]
    public void PackS8SetsTheBitsOfValuesAtOrAboveTheThreshold(int cols)
    {
        var r = new Random(7000 + cols);
        int[] thresholds = [-129, -128, -127, -1, 0, 1, 42, -42, 126, 127, 128];
        var patterns = new Func<int, sbyte>[] { _ => (sbyte)r.Next(-128, 128), _ => -128, _ => 127, c => c % 3 == 0 ? (sbyte)127 : (sbyte)-128 };
        foreach (var pattern in patterns)
        {
            // one spare byte in front so the C kernel also reads from an address that is not word-aligned
            var buffer = new sbyte[cols + 1];
            for (int c = 0; c < cols; c++) buffer[1 + c] = pattern(c);
            var x = buffer.AsSpan(1);
            foreach (int threshold in thresholds)
            {
                var bits = new uint[cols / 32];
                BinaryKernels.PackS8(x, threshold, bits);
                for (int c = 0; c < cols; c++)
                    Assert.True(BinaryKernels.Bit(bits, c) == x[c] >= threshold, $"cols {cols} threshold {threshold} element {c}");
                Assert.Equal(bits, NativeBinaryKernels.PackS8(buffer, 1, cols, threshold));
                Assert.Equal(bits, NativeBinaryKernels.PackS8(x.ToArray(), 0, cols, threshold));
            }
        }
        var extremes = Enumerable.Range(0, 64).Select(c => c % 2 == 1 ? (sbyte)127 : (sbyte)-128).ToArray();
        var all = new uint[2];
        BinaryKernels.PackS8(extremes, -128, all);
        Assert.Equal([uint.MaxValue, uint.MaxValue], all);
        BinaryKernels.PackS8(extremes, 127, all);
        Assert.Equal([0xAAAAAAAAu, 0xAAAAAAAAu], all);
    }

    [Fact]
    public void PackS8RejectsAPartialWord() =>
        Assert.Throws<ArgumentException>(() => BinaryKernels.PackS8(new sbyte[33], 0, new uint[2]));

    // ---- GEMM ----

    public static TheoryData<int, int, int, int, int, string> GemmCases()
    {
        var data = new TheoryData<int, int, int, int, int, string>();
        foreach (string pattern in new[] { "random", "zeros", "ones", "sparse" })
        {
            data.Add(128, 4, 16, 0, 128, pattern);   // SNIPS: H x H (Q, K, V, attention output)
            data.Add(384, 4, 32, 0, 384, pattern);   // H -> I
            data.Add(128, 12, 32, 0, 128, pattern);  // I -> H
            data.Add(128, 3, 33, 0, 128, pattern);   // E -> H
        }
        data.Add(7, 1, 1, 0, 7, "random");
        data.Add(7, 5, 31, 2, 5, "random");          // a partial row tile
        data.Add(9, 32, 3, 8, 9, "random");          // 1024 columns, the last row alone
        data.Add(6, 4, 512, 1, 5, "random");         // 512 tokens
        data.Add(5, 2, 64, 0, 5, "sparse");
        data.Add(5, 6, 40, 1, 4, "random");
        return data;
    }

    [Theory]
    [MemberData(nameof(GemmCases))]
    public void GemmIsTheSumOfPlusMinusOneProductsAndMatchesC(int rows, int words, int n, int r0, int r1, string pattern)
    {
        var r = new Random(rows * 1_000_003 + words * 7919 + n * 31 + r0 + pattern.Length);
        int xs = words + (n % 3);          // token stride wider than the data for some cases
        int accStride = r1 - r0 + (n % 2); // accumulator stride wider than the tile for some cases
        var w = RandomBits(rows * words, r, pattern);
        var x = RandomBits(n * xs, r, pattern);
        var acc = Enumerable.Repeat(GuardAcc, n * accStride).ToArray();
        BinaryKernels.Gemm(w, words, x, xs, n, r0, r1, acc, accStride);
        for (int t = 0; t < n; t++)
            for (int j = 0; j < accStride; j++)
            {
                int want = j < r1 - r0 ? NaiveDot(w, (r0 + j) * words, x, t * xs, 0, 32 * words) : GuardAcc;
                Assert.True(want == acc[t * accStride + j], $"token {t} row {r0 + j}: C# {acc[t * accStride + j]}, ±1 product {want}");
            }
        foreach (string fn in new[] { "ni_b1_gemm", "ni_b1_gemm_swar" })
            Assert.Equal(acc, NativeBinaryKernels.Gemm(fn, w, words, x, xs, n, r0, r1, accStride, GuardAcc));
    }

    [Fact]
    public void GemmOfARowWithItselfAndItsComplementIsPlusAndMinusTheColumns()
    {
        var r = new Random(11);
        const int rows = 4, words = 12;
        var w = RandomBits(rows * words, r);
        var x = w.Concat(w.Select(v => ~v)).ToArray(); // tokens 0..3 = the rows, 4..7 = their complements
        var acc = new int[8 * rows];
        BinaryKernels.Gemm(w, words, x, words, 8, 0, rows, acc, rows);
        for (int t = 0; t < rows; t++)
        {
            Assert.Equal(384, acc[t * rows + t]);
            Assert.Equal(-384, acc[(t + rows) * rows + t]);
        }
        Assert.Equal(acc, NativeBinaryKernels.Gemm("ni_b1_gemm", w, words, x, words, 8, 0, rows, rows, 0));
    }

    // ---- attention ----

    public static TheoryData<int, int, int, string, string> AttentionCases()
    {
        var data = new TheoryData<int, int, int, string, string>
        {
            { 1, 32, 1, "random", "random" },
            { 16, 128, 4, "random", "random" },   // SNIPS: H 128, 4 heads of 32
            { 32, 128, 4, "random", "random" },
            { 33, 128, 4, "random", "random" },   // a second word per bit plane
            { 33, 128, 2, "sparse", "random" },   // heads of 64
            { 32, 128, 4, "ones", "random" },     // every score dh
            { 32, 128, 4, "random", "ones" },     // v = +1: the number of attended keys
            { 32, 128, 4, "random", "zeros" },    // v = −1
            { 200, 64, 2, "random", "random" },
            { 512, 32, 1, "random", "ones" },     // 512 positions: context saturates at 127
            { 512, 32, 1, "random", "zeros" },    // and at −128
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(AttentionCases))]
    public void AttentionFollowsTheDefinitionAndMatchesC(int n, int hidden, int heads, string qk, string v)
    {
        var r = new Random(n * 65_537 + hidden * 257 + heads + qk.Length * 3 + v.Length);
        int words = hidden / 32, dh = hidden / heads;
        var q = RandomBits(n * words, r, qk);
        var k = RandomBits(n * words, r, qk);
        var vb = RandomBits(n * words, r, v);
        foreach (int threshold in new[] { -dh - 1, -dh, -2, 0, 1, 4, dh - 2, dh, dh + 1 })
        {
            var ctx = new sbyte[n * hidden];
            BinaryKernels.Attention(q, k, vb, n, hidden, heads, threshold, ctx);
            for (int h = 0; h < heads; h++)
                for (int i = 0; i < n; i++)
                {
                    var attend = Enumerable.Range(0, n)
                        .Select(j => NaiveDot(q, i * words, k, j * words, h * dh, (h + 1) * dh) >= threshold).ToArray();
                    for (int d = h * dh; d < (h + 1) * dh; d++)
                    {
                        int c = Enumerable.Range(0, n).Where(j => attend[j]).Sum(j => Pm1(vb, j * words, d));
                        Assert.True(Math.Clamp(c, -128, 127) == ctx[i * hidden + d], $"threshold {threshold} query {i} dim {d}");
                    }
                }
            Assert.Equal(ctx, NativeBinaryKernels.Attention(q, k, vb, n, hidden, heads, threshold));
        }
        if (v == "ones" && n == 512)
        {
            var all = new sbyte[n * hidden];
            BinaryKernels.Attention(q, k, vb, n, hidden, heads, -dh - 1, all);
            Assert.All(all, c => Assert.Equal(127, c));
        }
    }

    [Theory]
    [InlineData(1, 32, 1)]
    [InlineData(32, 128, 4)]
    [InlineData(33, 128, 2)]
    [InlineData(512, 128, 4)]
    [InlineData(32, 128, 3)]
    [InlineData(32, 96, 2)]
    [InlineData(32, 128, 0)]
    public void AttentionScratchBytesMatchC(int n, int hidden, int heads) =>
        Assert.Equal(NativeBinaryKernels.AttentionScratchBytes(n, hidden, heads), BinaryKernels.AttentionScratchBytes(n, hidden, heads));

    [Fact]
    public void AttentionRejectsAHeadSizeThatIsNotWholeWords() =>
        Assert.Throws<ArgumentException>(() => BinaryKernels.Attention(new uint[6], new uint[6], new uint[6], 2, 96, 2, 0, new sbyte[192]));
}

/// <summary>The C 1-bit kernels of the host library (NativeKernels), with guard values after every output.</summary>
internal static unsafe class NativeBinaryKernels
{
    private const uint GuardWord = 0x5A5A5A5A;

    public static uint[] PackS8(sbyte[] buffer, int offset, int cols, int threshold)
    {
        var bits = Enumerable.Repeat(GuardWord, cols / 32 + 1).ToArray();
        fixed (sbyte* px = buffer) fixed (uint* pb = bits)
            ((delegate* unmanaged<sbyte*, uint, int, uint*, void>)NativeKernels.Fn("ni_b1_pack_s8"))(px + offset, (uint)cols, threshold, pb);
        Assert.Equal(GuardWord, bits[^1]);
        return bits[..^1];
    }

    public static int[] Gemm(string fn, uint[] w, int words, uint[] x, int xs, int n, int r0, int r1, int accStride, int guard)
    {
        var acc = Enumerable.Repeat(guard, n * accStride + 1).ToArray();
        fixed (uint* pw = w, px = x) fixed (int* pa = acc)
            ((delegate* unmanaged<uint*, uint, uint*, uint, uint, uint, uint, int*, uint, void>)NativeKernels.Fn(fn))(
                pw, (uint)words, px, (uint)xs, (uint)n, (uint)r0, (uint)r1, pa, (uint)accStride);
        Assert.Equal(guard, acc[^1]);
        return acc[..^1];
    }

    public static int AttentionScratchBytes(int n, int hidden, int heads) =>
        (int)((delegate* unmanaged<uint, uint, uint, uint>)NativeKernels.Fn("ni_b1_attention_scratch_bytes"))((uint)n, (uint)hidden, (uint)heads);

    public static sbyte[] Attention(uint[] q, uint[] k, uint[] v, int n, int hidden, int heads, int threshold)
    {
        int scratchWords = AttentionScratchBytes(n, hidden, heads) / 4;
        var scratch = Enumerable.Repeat(GuardWord, scratchWords + 1).ToArray();
        var ctx = Enumerable.Repeat((sbyte)0x5A, n * hidden + 1).ToArray();
        fixed (uint* pq = q, pk = k, pv = v, ps = scratch) fixed (sbyte* pc = ctx)
            ((delegate* unmanaged<uint*, uint*, uint*, uint, uint, uint, int, uint*, sbyte*, void>)NativeKernels.Fn("ni_b1_attention"))(
                pq, pk, pv, (uint)n, (uint)hidden, (uint)heads, threshold, ps, pc);
        Assert.Equal(GuardWord, scratch[^1]);
        Assert.Equal((sbyte)0x5A, ctx[^1]);
        return ctx[..^1];
    }
}
