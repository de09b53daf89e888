using System.Buffers.Binary;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Tests.Encodings;

/// <summary>
/// The gobo3 row of the encoding table against its definition (docs/numerics.md section 3h): the bit layout of the
/// indices and the outlier list, the codec round trip, the lengths, params and data validation with the failure each
/// names, and the bin-sum GEMM against a plain sum over the weights (outlier value, else centroid).
/// </summary>
public class Gobo3EncodingTests
{
    [Fact]
    public void IndicesAre3BitsLittleEndianEightToThreeBytesThenTheOutliersThenTheHeaderAndBiases()
    {
        // row 0: indices 0..7; row 1: 7 6 5 4 then 4 padding indices (cols 12: a half group); outlier (1, 2) = -300
        var idx = new byte[] { 0, 1, 2, 3, 4, 5, 6, 7, 1, 1, 1, 1, /* row 1 */ 7, 6, 5, 4, 3, 2, 1, 0, 2, 0, 2, 0 };
        var g = new Gobo3Tensor(2, 12, idx, [-8, -4, -2, 0, 2, 4, 8, 4095], [new Gobo3Outlier(1, 2, -300)], [-7, 1 << 30], 513, 9);
        var t = Gobo3Encoding.Pack(g, "t");
        Assert.Equal(2 * 6 + 6, t.Data.Length);
        // 0..7 in 3 bits each: 0b111_110_101_100_011_010_001_000 = 0xFAC688
        Assert.Equal([0x88, 0xC6, 0xFA, 0x49, 0x02, 0x00], t.Data[..6].Select(b => (int)b));
        // row 1: 7 6 [0: the outlier's slot] 4 3 2 1 0 = 0b000_001_010_011_100_000_110_111 = 0x053837, then 2 0 2 0 and 4 padding 0s
        Assert.Equal([0x37, 0x38, 0x05, 0x82, 0x00, 0x00], t.Data[6..12].Select(b => (int)b));
        Assert.Equal([1, 0, 2, 0, 0xD4, 0xFE], t.Data[12..].Select(b => (int)b));
        Assert.Equal(28 + 2 * 4, t.Params.Length);
        Assert.Equal([513, 9, 1], Enumerable.Range(0, 3).Select(k => BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4 * k))));
        Assert.Equal([-8, -4, -2, 0, 2, 4, 8, 4095], Enumerable.Range(0, 8).Select(k => (int)BinaryPrimitives.ReadInt16LittleEndian(t.Params.AsSpan(12 + 2 * k))));
        Assert.Equal(new RowParams(1 << 30, 513, 9), t.RowParams(1));
        Assert.Null(t.Problem());
        var back = Gobo3Encoding.Unpack(t);
        Assert.Equal(idx.Select((v, k) => k == 12 + 2 ? (byte)0 : v), back.Indices);   // the outlier's slot reads 0
        Assert.Equal(g.CentroidValues, back.CentroidValues);
        Assert.Equal(g.Outliers, back.Outliers);
        Assert.Equal(g.Biases, back.Biases);
        Assert.Equal((-300, 4095, 8), (back.Weight(1, 2), back.Weight(0, 7), back.Weight(1, 1)));
    }

    [Fact]
    public void RandomTensorsRoundTripAndHaveTheLengthsTheirOutliersDeclare()
    {
        var r = new Random(31);
        foreach (var (rows, cols) in new[] { (1, 4), (7, 64), (33, 100), (5, 1024) })
        {
            var g = Gobo3TestTensors.Random(rows, cols, r, outlierRate: 0.1);
            var t = Gobo3Encoding.Pack(g, "t");
            var least = Gobo3Encoding.Instance.Sizes(rows, cols)!.Value;
            Assert.Equal((least.Data + 6 * g.Outliers.Length, least.Params), (t.Data.Length, t.Params.Length));
            Assert.Equal(rows * 3 * ((cols + 7) / 8), least.Data);
            Assert.Null(t.Problem());
            var back = Gobo3Encoding.Unpack(t);
            Assert.Equal(g.Outliers, back.Outliers);
            for (int k = 0; k < g.Indices.Length; k++)
                Assert.Equal(g.Outliers.Any(o => o.Row * cols + o.Col == k) ? 0 : g.Indices[k], back.Indices[k]);
            Assert.Equal((g.Multiplier, g.Shift), (back.Multiplier, back.Shift));
        }
    }

    [Fact]
    public void TheGemmIsTheSumOfEachWeightTimesItsInputForEveryTileAndStride()
    {
        var r = new Random(32);
        foreach (var (rows, cols, n, rate) in new[] { (5, 32, 1, 0.05), (40, 64, 3, 0.0), (33, 132, 12, 0.02), (3, 1024, 2, 1.0), (9, 36, 4, 0.3) })
        {
            var g = Gobo3TestTensors.Random(rows, cols, r, rate);
            var t = Gobo3Encoding.Pack(g, "t");
            int xStride = cols + 4 * r.Next(0, 3);
            var x = new sbyte[n * xStride];
            for (int k = 0; k < x.Length; k++) x[k] = (sbyte)r.Next(-128, 128);
            var input = x.Select(v => (byte)v).ToArray();
            int r0 = r.Next(0, rows), r1 = r.Next(r0 + 1, rows + 1), accStride = r1 - r0 + r.Next(0, 3);
            var acc = Enumerable.Repeat(int.MinValue, n * accStride).ToArray();
            Gobo3Encoding.Instance.Gemm(t, input, xStride, n, r0, r1, acc, accStride);
            for (int tok = 0; tok < n; tok++)
            {
                for (int row = r0; row < r1; row++)
                {
                    long want = 0;
                    for (int c = 0; c < cols; c++) want += (long)g.Weight(row, c) * x[tok * xStride + c];
                    Assert.Equal(want, acc[tok * accStride + row - r0]);
                }
                for (int k = r1 - r0; k < accStride; k++) Assert.Equal(int.MinValue, acc[tok * accStride + k]);   // outside the tile
            }
        }
    }

    [Fact]
    public void TheLargestMagnitudesStayWithinTheBound()
    {
        // every weight -4095 (centroid or outlier) against -128 over 1024 columns: 4095 · 128 · 1024 < 2^29
        var idx = new byte[1024];
        var outliers = Enumerable.Range(0, 1024).Where(c => c % 3 == 0).Select(c => new Gobo3Outlier(0, c, -4095)).ToArray();
        var g = new Gobo3Tensor(1, 1024, idx, Enumerable.Repeat((short)-4095, 8).ToArray(), outliers, [0], 1, 1);
        var acc = new int[1];
        Gobo3Kernels.Gemm(g, Enumerable.Repeat((sbyte)-128, 1024).ToArray(), 1024, 1, 0, 1, acc, 1);
        Assert.Equal(4095 * 128 * 1024, acc[0]);
        Assert.True(acc[0] < 1 << 29);
    }

    [Fact]
    public void ParamsValidationNamesTheField()
    {
        var t = Gobo3TestTensors.RandomEncoded(4, 64, new Random(33));
        string? Check(Action<byte[]> change, int cols = 64)
        {
            var p = (byte[])t.Params.Clone();
            change(p);
            return Gobo3Encoding.Instance.ValidateParams(p, 4, cols);
        }
        Assert.Null(Check(_ => { }));
        Assert.Equal("multiplier -1 < 0", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p, -1)));
        Assert.Equal("shift 0 outside 1..62", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(4), 0)));
        Assert.Equal("centroid 3 = 4096 outside +-4095", Check(p => BinaryPrimitives.WriteInt16LittleEndian(p.AsSpan(12 + 6), 4096)));
        Assert.Null(Check(p => BinaryPrimitives.WriteInt16LittleEndian(p.AsSpan(12 + 6), -4095)));
        Assert.Equal("row 2: bias 1073741825 outside +-2^30", Check(p => BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(28 + 8), (1 << 30) + 1)));
        Assert.Equal("66 columns: gobo3 needs a multiple of 4 up to 1024", Check(_ => { }, cols: 66));
        Assert.Equal("1028 columns: gobo3 needs a multiple of 4 up to 1024", Check(_ => { }, cols: 1028));
        Assert.Equal("params are 43 bytes, 4 rows need 44", Gobo3Encoding.Instance.ValidateParams(t.Params.AsSpan(0, 43), 4, 64));
    }

    [Fact]
    public void DataValidationRejectsLengthsTheCountDoesNotDeclareAndEveryBadOutlierNamingIt()
    {
        // [3, 16]: 6 index bytes a row; outliers (0, 5) and (2, 9)
        var g = new Gobo3Tensor(3, 16, new byte[48], [1, 2, 3, 4, 5, 6, 7, 8], [new(0, 5, 100), new(2, 9, -100)], [0, 0, 0], 1, 1);
        var good = Gobo3Encoding.Pack(g, "t");
        (NiStatus, string)? Check(Action<byte[], byte[]> change)
        {
            var d = (byte[])good.Data.Clone();
            var p = (byte[])good.Params.Clone();
            change(d, p);
            return Gobo3Encoding.Instance.ValidateData(good with { Data = d, Params = p });
        }
        Assert.Null(Check((_, _) => { }));
        Assert.Equal((NiStatus.TensorSize, "data are 30 bytes; 18 of indices and 1 outliers need 24"), Check((_, p) => p[8] = 1));
        Assert.Equal((NiStatus.TensorSize, "data are 30 bytes; 18 of indices and 4294967295 outliers need 25769803788"),
            Check((_, p) => BinaryPrimitives.WriteUInt32LittleEndian(p.AsSpan(8), uint.MaxValue)));
        Assert.Equal((NiStatus.TensorSize, "data are 29 bytes; 18 of indices and 2 outliers need 30"),
            Gobo3Encoding.Instance.ValidateData(good with { Data = good.Data[..^1] }));
        Assert.Equal((NiStatus.TensorSize, "params are 44 bytes, 3 rows need exactly 40"),
            Gobo3Encoding.Instance.ValidateData(good with { Params = [.. good.Params, 0, 0, 0, 0] }));
        Assert.Equal((NiStatus.TensorParams, "outlier 1 at (3, 9) is outside [3, 16]"), Check((d, _) => d[18 + 6] = 3));
        Assert.Equal((NiStatus.TensorParams, "outlier 0 at (0, 16) is outside [3, 16]"), Check((d, _) => d[18 + 2] = 16));
        Assert.Equal((NiStatus.TensorParams, "outlier 1 at (0, 5) is not after the one before it (sorted by row, col, no two equal)"),
            Check((d, _) => { d[24] = 0; d[26] = 5; }));
        Assert.Equal((NiStatus.TensorParams, "outlier 1 at (0, 4) is not after the one before it (sorted by row, col, no two equal)"),
            Check((d, _) => { d[24] = 0; d[26] = 4; }));
        Assert.Equal((NiStatus.TensorParams, "outlier 0 value 4096 outside +-4095"), Check((d, _) => { d[22] = 0x00; d[23] = 0x10; }));
        Assert.Equal((NiStatus.TensorParams, "outlier 1 at (2, 9): its index slot is not 0"), Check((d, _) => d[12 + 3] = 0x08));   // row 2, col 9: bit 27
    }

    [Fact]
    public void PackRefusesWhatTheFormatCannotHoldNamingTheTensor()
    {
        var g = Gobo3TestTensors.Random(2, 8, new Random(34), 0);
        Assert.Contains("ffn: outliers are not sorted", Assert.Throws<InvalidDataException>(() =>
            Gobo3Encoding.Pack(g with { Outliers = [new(1, 0, 5), new(0, 3, 5)] }, "ffn")).Message);
        Assert.Contains("ffn: outlier (0, 8) = 5 is outside", Assert.Throws<InvalidDataException>(() =>
            Gobo3Encoding.Pack(g with { Outliers = [new(0, 8, 5)] }, "ffn")).Message);
        Assert.Contains("ffn: centroid 0 = 4096", Assert.Throws<InvalidDataException>(() =>
            Gobo3Encoding.Pack(g with { CentroidValues = [4096, 0, 0, 0, 0, 0, 0, 0] }, "ffn")).Message);
        Assert.Contains("ffn: 6 columns", Assert.Throws<InvalidDataException>(() =>
            Gobo3Encoding.Pack(g with { Cols = 6, Indices = new byte[12] }, "ffn")).Message);
        Assert.Contains("Gobo3Encoding.Pack", Assert.Throws<InvalidDataException>(() =>
            Gobo3Encoding.Instance.Encode(new QuantizedTensor(1, 4, new sbyte[4], [new(0, 1, 1)]), "ffn")).Message);
        Assert.False(Gobo3Encoding.Instance.HasEmbed);
        Assert.True(Gobo3Encoding.Instance.VariableLength);
    }
}
