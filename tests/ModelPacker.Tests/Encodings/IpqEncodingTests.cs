using System.Buffers.Binary;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;

namespace ModelPacker.Tests.Encodings;

/// <summary>The ipq codec (docs/numerics.md section 3k): the byte layout written out by hand, pack / unpack round trips,
/// the exact lengths, params and index validation, and the GEMM against the sum over decoded weights.</summary>
public class IpqEncodingTests
{
    [Fact]
    public void TheBytesAreTheCodebookThenTheIndicesAndTheParamsTheHeaderThenTheRows()
    {
        // 2 rows x 8 columns, 3 codewords of 4: row 0 = codewords 2, 0; row 1 = codewords 1, 2
        var q = new IpqTensor(2, 8, 3, 4, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12], [2, 0, 1, 2], [new RowParams(-7, 5, 40), new RowParams(1 << 30, 3, 1)]);
        var t = IpqEncoding.Pack(q, "t");
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0xF4, 2, 0, 1, 2 }, t.Data);
        Assert.Equal(8 + 2 * 12, t.Params.Length);
        Assert.Equal(3, BinaryPrimitives.ReadInt32LittleEndian(t.Params));
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(4)));
        Assert.Equal(-7, BinaryPrimitives.ReadInt32LittleEndian(t.Params.AsSpan(8)));
        Assert.Equal(new RowParams(1 << 30, 3, 1), t.RowParams(1));
        Assert.Null(t.Problem());
        Assert.Equal(new sbyte[] { 9, 10, 11, -12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, -12 }, IpqEncoding.Instance.Decode(t).Weights);
        var acc = new int[2];
        IpqEncoding.Instance.Gemm(t, [1, 0, 0, 0, 0, 0, 0, 2], 8, 1, 0, 2, acc, 2);
        Assert.Equal(new[] { 9 + 2 * 4, 5 + 2 * -12 }, acc);
    }

    [Fact]
    public void PackUnpackRoundTripsAndTheLengthsAreExact()
    {
        var r = new Random(31);
        foreach (var (rows, cols) in new[] { (1, 4), (7, 64), (33, 96), (5, 1024), (128, 384) })
        {
            var q = IpqTestTensors.Random(rows, cols, r);
            var t = IpqEncoding.Pack(q, "t");
            Assert.Equal(q.Codes * q.Block + rows * cols / q.Block, t.Data.Length);
            Assert.Equal((0, 8 + 12 * rows), IpqEncoding.Instance.Sizes(rows, cols));
            Assert.Null(t.Problem());
            var back = IpqEncoding.Unpack(t);
            Assert.Equal((q.Codes, q.Block), (back.Codes, back.Block));
            Assert.Equal(q.Codebook, back.Codebook);
            Assert.Equal(q.Indices, back.Indices);
            Assert.Equal(q.RowParams, back.RowParams);
        }
    }

    [Fact]
    public void ValidationNamesWrongLengthsHeadersAndIndices()
    {
        var r = new Random(32);
        var t = IpqEncoding.Pack(IpqTestTensors.Random(4, 16, r, codes: 5, block: 4), "t");
        var enc = IpqEncoding.Instance;
        Assert.Null(enc.ValidateData(t));
        Assert.Equal(NiStatus.TensorSize, enc.ValidateData(t with { Data = t.Data[..^1] })!.Value.Status);
        Assert.Equal(NiStatus.TensorSize, enc.ValidateData(t with { Data = [.. t.Data, 0] })!.Value.Status);
        var bad = (byte[])t.Data.Clone();
        bad[^1] = 5;
        Assert.Contains("not below the 5 codewords", enc.ValidateData(t with { Data = bad })!.Value.Message);
        bad[^1] = 4;
        Assert.Null(enc.ValidateData(t with { Data = bad }));
        void Header(int k, int d, int cols, string? want)
        {
            var p = (byte[])t.Params.Clone();
            BinaryPrimitives.WriteInt32LittleEndian(p, k);
            BinaryPrimitives.WriteInt32LittleEndian(p.AsSpan(4), d);
            var problem = enc.ValidateParams(p, 4, cols);
            if (want is null) Assert.Null(problem); else Assert.Contains(want, problem);
        }
        Header(0, 4, 16, "0 codewords");
        Header(257, 4, 16, "257 codewords");
        Header(256, 4, 16, null);
        Header(5, 0, 16, "block 0");
        Header(5, 3, 16, "block 3");
        Header(5, 3, 12, null);
        Header(5, 17, 68, "block 17");
        Header(5, 16, 32, null);
        Assert.Contains("columns", enc.ValidateParams(t.Params, 4, 6));
        Assert.Contains("columns", enc.ValidateParams(t.Params, 4, 1028));
        Assert.Contains("bytes", enc.ValidateParams(t.Params[..^4], 4, 16));
        Assert.Throws<InvalidDataException>(() => IpqEncoding.Pack(new IpqTensor(1, 8, 2, 4, new sbyte[8], [0, 2], [new RowParams(0, 1, 1)]), "w"));
        Assert.Throws<InvalidDataException>(() => IpqEncoding.Pack(new IpqTensor(1, 8, 2, 3, new sbyte[6], [0, 1], [new RowParams(0, 1, 1)]), "w"));
        Assert.Throws<InvalidDataException>(() => enc.Encode(new QuantizedTensor(1, 8, new sbyte[8], [new RowParams(0, 1, 1)]), "w"));
    }

    [Fact]
    public void TheGemmIsTheSumOverDecodedWeightsForEveryTileAndStride()
    {
        var r = new Random(33);
        foreach (var (rows, cols, n) in new[] { (5, 32, 1), (40, 64, 3), (33, 128, 12), (3, 1024, 2) })
        {
            var q = IpqTestTensors.Random(rows, cols, r);
            var t = IpqEncoding.Pack(q, "t");
            int stride = cols + 4 * r.Next(0, 3);
            var x = new sbyte[n * stride];
            for (int k = 0; k < x.Length; k++) x[k] = (sbyte)r.Next(-128, 128);
            int r0 = r.Next(0, rows), r1 = r.Next(r0 + 1, rows + 1);
            var acc = new int[n * (r1 - r0)];
            IpqEncoding.Instance.Gemm(t, System.Runtime.InteropServices.MemoryMarshal.AsBytes(x.AsSpan()), stride, n, r0, r1, acc, r1 - r0);
            for (int tok = 0; tok < n; tok++)
                for (int row = r0; row < r1; row++)
                {
                    long want = 0;
                    for (int c = 0; c < cols; c++) want += (long)q.Weight(row, c) * x[tok * stride + c];
                    Assert.Equal(want, acc[tok * (r1 - r0) + row - r0]);
                }
        }
    }
}
