using System.Buffers.Binary;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Encodings;

/// <summary>int8_sparse (docs/numerics.md section 3l): the byte layout, the block size the encoder picks, the
/// validation messages, and the C kernels (portable and dispatch) against the C# reference and a dense int8 sum.</summary>
public unsafe class Int8SparseEncodingTests
{
    private static readonly RowParams P = new(-7, 1 << 30, 40);

    /// <summary>ValidateData's message for a copy of <paramref name="t"/>'s data changed by <paramref name="change"/>.</summary>
    private static string? MessageAfter(EncodedTensor t, Action<byte[]> change)
    {
        var d = (byte[])t.Data.Clone();
        change(d);
        return Int8SparseEncoding.Instance.ValidateData(t with { Data = d })?.Message;
    }

    [Fact]
    public void UnstructuredRowsAreRowStartsColumnsPaddingThenValues()
    {
        // row 0: columns 1 and 6 kept; row 1: none; fewer bytes with blocks of 1 (3 weights: 3·3 < 3·6)
        sbyte[] w = [0, 5, 0, 0, 0, 0, -128, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var t = Int8SparseEncoding.Instance.Encode(new QuantizedTensor(2, 8, w, [P, P]), "t");
        byte[] want = [1, 0, 0, 0, /* row starts */ 0, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, /* columns */ 1, 0, 6, 0, /* values */ 5, 0x80];
        Assert.Equal(want, t.Data);
        Assert.Null(t.Problem());
        Assert.Equal(w, Int8SparseEncoding.Instance.Decode(t).Weights);
    }

    [Fact]
    public void BlockRowsKeepEveryBlockWithANonZeroWeightAndPadTheColumnsToAWord()
    {
        // block 1 (columns 4..7) kept: 20 bytes with blocks of 4, 24 with single weights
        sbyte[] w = [0, 0, 0, 0, 9, 1, -3, 2];
        var t = Int8SparseEncoding.Instance.Encode(new QuantizedTensor(1, 8, w, [P]), "t");
        byte[] want = [4, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* column 1 */ 1, 0, /* padding */ 0, 0, 9, 1, 0xFD, 2];
        Assert.Equal(want, t.Data);
        Assert.Equal(4, Int8SparseEncoding.Block(t));
        Assert.Equal(w, Int8SparseEncoding.Instance.Decode(t).Weights);
        Assert.Equal(P, t.RowParams(0));
        Assert.Equal((8, 12), Int8SparseEncoding.Instance.Sizes(1, 8));   // the least: 4x4 blocks' none (rows / 4 = 0 groups)
        Assert.Equal((8 + 4 * 2, 8 * 12), Int8SparseEncoding.Instance.Sizes(8, 8));
        w[5] = 0; w[7] = 0;   // two weights: 18 bytes with single weights, 20 with the block
        Assert.Equal(1, Int8SparseEncoding.Block(Int8SparseEncoding.Instance.Encode(new QuantizedTensor(1, 8, w, [P]), "t")));
        var four = Int8SparseEncoding.Instance.Encode(new QuantizedTensor(1, 8, w, [P]), "t", 4);   // a kept block may hold zeros
        Assert.Equal([9, 0, 0xFD, 0], four.Data[^4..].Select(v => (int)v));
        Assert.Equal(w, Int8SparseEncoding.Instance.Decode(four).Weights);
    }

    [Fact]
    public void ValidationNamesTheProblem()
    {
        sbyte[] w = [1, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0];
        var t = Int8SparseEncoding.Instance.Encode(new QuantizedTensor(2, 8, w, [P, P]), "ffn", 1);
        string? Check(Action<byte[]> change) => MessageAfter(t, change);
        Assert.Null(Check(_ => { }));
        Assert.Equal("block size 2, int8_sparse has blocks of 1, 4 or 16 (4x4)", Check(d => d[0] = 2));
        Assert.Equal("2 rows: 4x4 blocks need a multiple of 4", Check(d => d[0] = 16));
        Assert.Equal("row 0 starts at block 1, not 0", Check(d => d[4] = 1));
        Assert.Equal("row 2 starts at block 1, before row 1 (2)", Check(d => d[12] = 1));
        Assert.Equal("row 0 block 1: column 0 (block units) not ascending or past 7", Check(d => d[18] = 0));
        Assert.Equal("row 1 block 0: column 8 (block units) not ascending or past 7", Check(d => d[20] = 8));
        Assert.Equal("padding byte 22 is 1, not 0", Check(d => d[22] = 1));
        Assert.Equal("data 26 bytes, 3 blocks of 1 end at 27", Int8SparseEncoding.Instance.ValidateData(t with { Data = t.Data[..^1] })?.Message);
        Assert.Null(Int8SparseEncoding.Instance.ValidateParams(t.Params, 2, 12));
        Assert.Equal("6 columns: int8_sparse needs a multiple of 4 up to 65536", Int8SparseEncoding.Instance.ValidateParams(t.Params, 2, 6));
        Assert.Contains("ffn: 6 columns", Assert.Throws<InvalidDataException>(() => Int8SparseEncoding.Instance.Encode(
            new QuantizedTensor(1, 6, new sbyte[6], [P]), "ffn")).Message);
    }

    [Fact]
    public void FourByFourBlocksAreGroupStartsColumnsThenSixteenValuesRowByRow()
    {
        // 8 rows, 8 columns: group 0 (rows 0..3) keeps its block at columns 4..7, group 1 none: 36 bytes with 4x4
        // blocks, fewer than with blocks of 4 (3 kept: 60) or single weights (12 kept: 76)
        var w = new sbyte[64];
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) w[i * 8 + 4 + j] = (sbyte)(i == 2 ? 0 : 10 * i + j + 1);   // row 2 of the block all 0
        var t = Int8SparseEncoding.Instance.Encode(new QuantizedTensor(8, 8, w, Enumerable.Repeat(P, 8).ToArray()), "t");
        byte[] want = [16, 0, 0, 0, /* group starts */ 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, /* column 1 */ 1, 0, /* padding */ 0, 0,
            1, 2, 3, 4, 11, 12, 13, 14, 0, 0, 0, 0, 31, 32, 33, 34];
        Assert.Equal(want, t.Data);
        Assert.Equal(Int8SparseEncoding.Block4x4, Int8SparseEncoding.Block(t));
        Assert.Equal((2, 1, 4), (Int8SparseEncoding.Units(t), Int8SparseEncoding.KeptBlocks(t), Int8SparseEncoding.BlockCol(t, 0)));
        Assert.Null(t.Problem());
        Assert.Equal(w, Int8SparseEncoding.Instance.Decode(t).Weights);
        // rows not a multiple of 4: the encoder takes blocks of 4 or 1, and refuses 4x4 asked for by name
        var six = new QuantizedTensor(6, 8, w[..48], Enumerable.Repeat(P, 6).ToArray());
        Assert.NotEqual(Int8SparseEncoding.Block4x4, Int8SparseEncoding.Block(Int8SparseEncoding.Instance.Encode(six, "t")));
        Assert.Contains("ffn: 6 rows", Assert.Throws<InvalidDataException>(() => Int8SparseEncoding.Instance.Encode(six, "ffn", 16)).Message);
    }

    [Fact]
    public void FourByFourValidationNamesTheProblem()
    {
        var w = new sbyte[8 * 16];
        for (int k = 0; k < w.Length; k++) w[k] = (sbyte)(k % 16 < 8 ? k % 7 + 1 : 0);   // each group: blocks 0 and 1 kept
        var t = Int8SparseEncoding.Instance.Encode(new QuantizedTensor(8, 16, w, Enumerable.Repeat(P, 8).ToArray()), "qkv", 16);
        string? Check(Action<byte[]> change) => MessageAfter(t, change);
        Assert.Null(Check(_ => { }));
        Assert.Equal("row group 2 starts at block 1, before row group 1 (2)", Check(d => d[12] = 1));
        Assert.Equal("row group 0 has 5 blocks, more than 4 (cols / block width)", Check(d => d[8] = 5));
        Assert.Equal("row group 0 block 1: column 0 (block units) not ascending or past 3", Check(d => d[18] = 0));
        Assert.Equal("row group 1 block 1: column 4 (block units) not ascending or past 3", Check(d => d[22] = 4));
        Assert.Equal("data 87 bytes, 4 blocks of 16 end at 88", Int8SparseEncoding.Instance.ValidateData(t with { Data = t.Data[..^1] })?.Message);
        Assert.Equal("data 11 bytes, the 2 row starts end at 16", Int8SparseEncoding.Instance.ValidateData(t with { Data = t.Data[..11] })?.Message);
    }

    [Fact]
    public void TheTinyTamperImageStoresItsAttentionOutputInFourByFourBlocks()
    {
        // the 4x4 tamper cases (ImageTamper) change this tensor
        var m = IntegerImage.FromContent(ModelPacker.Tests.FlashImage.TinyImages.Random(SchemeId.Int8Sparse), "tiny").Model;
        Assert.Equal(Int8SparseEncoding.Block4x4, Int8SparseEncoding.Block(m.AttentionDense));
        Assert.Equal((8, 8, 2), (m.AttentionDense.Rows, m.AttentionDense.Cols, Int8SparseEncoding.KeptBlocks(m.AttentionDense)));
        Assert.Equal(4, Int8SparseEncoding.Block(m.Ffn));
    }

    [Theory]
    [InlineData(12, 64, 11)]
    [InlineData(1, 4, 1)]
    [InlineData(7, 36, 3)]
    [InlineData(33, 128, 12)]
    [InlineData(3, 1024, 2)]
    [InlineData(40, 384, 32)]
    public void TheCKernelsEqualTheReferenceAndTheDenseSumForEveryTile(int rows, int cols, int n)
    {
        var r = new Random(20261214 + rows * 4099 + cols);
        foreach (int b in new[] { 1, 4, Int8SparseEncoding.Block4x4 })
        {
            if (!Int8SparseEncoding.Fits(b, rows)) continue;
            var w = new sbyte[rows * cols];
            for (int k = 0; k < w.Length; k++) w[k] = (sbyte)r.Next(-128, 128);
            Int8SparseTestTensors.Prune(w, cols, r);
            if (rows > 2) Array.Fill(w, (sbyte)-128, 2 * cols, cols);   // the extreme row: -128 x -128 everywhere
            var t = Int8SparseEncoding.Instance.Encode(new QuantizedTensor(rows, cols, w, Enumerable.Repeat(P, rows).ToArray()), "t", b);
            int xStride = cols + 4 * r.Next(0, 3);
            var x = new sbyte[n * xStride];
            for (int k = 0; k < x.Length; k++) x[k] = rows > 2 && k % xStride < cols && r.Next(4) == 0 ? (sbyte)-128 : (sbyte)r.Next(-128, 128);
            for (int r0 = 0; r0 < rows; r0 += 5)
            {
                int r1 = Math.Min(rows, r0 + r.Next(1, 9)), stride = r1 - r0 + r.Next(0, 2);
                var dense = new int[n * stride];
                var reference = new int[n * stride];
                NativeKernels.Gemm(w, cols, x, xStride, n, r0, r1, dense, stride, "ni_gemm_s8_ref");
                Int8SparseKernels.Gemm(t, x, xStride, n, r0, r1, reference, stride);
                Assert.Equal(dense, reference);
                foreach (var fn in new[] { "ni_sparse_gemm", "ni_sparse_gemm_ref" })
                {
                    var c = new int[n * stride];
                    fixed (byte* pw = t.Data) fixed (sbyte* px = x) fixed (int* pa = c)
                        ((delegate* unmanaged<byte*, uint, sbyte*, uint, uint, uint, uint, int*, uint, void>)NativeKernels.Fn(fn))(
                            pw, (uint)rows, px, (uint)xStride, (uint)n, (uint)r0, (uint)r1, pa, (uint)stride);
                    Assert.Equal(reference, c);
                }
            }
        }
    }
}
