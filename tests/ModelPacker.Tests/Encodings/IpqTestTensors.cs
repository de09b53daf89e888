using ModelPacker.Encodings;

namespace ModelPacker.Tests.Encodings;

/// <summary>Random iPQ tensors in the encoding's range (any K, any d dividing the columns) for codec and kernel tests.</summary>
internal static class IpqTestTensors
{
    /// <summary>K of 1..256 codewords of d weights (a random d of 1, 2, 4, 8, 16 that divides cols, or the one given),
    /// random int8 codewords and indices, int8_row params.</summary>
    public static IpqTensor Random(int rows, int cols, Random r, int? codes = null, int? block = null)
    {
        var blocks = new[] { 1, 2, 4, 8, 16 }.Where(d => cols % d == 0).ToArray();
        int d = block ?? blocks[r.Next(blocks.Length)], k = codes ?? r.Next(1, IpqEncoding.MaxCodes + 1);
        var book = new sbyte[k * d];
        for (int i = 0; i < book.Length; i++) book[i] = (sbyte)r.Next(-128, 128);
        var idx = new byte[rows * (cols / d)];
        for (int i = 0; i < idx.Length; i++) idx[i] = (byte)r.Next(k);
        var prm = Enumerable.Range(0, rows).Select(_ => new RowParams(r.Next(-(1 << 30), 1 << 30), r.Next(0, int.MaxValue), r.Next(1, 63))).ToArray();
        return new IpqTensor(rows, cols, k, d, book, idx, prm);
    }

    public static EncodedTensor RandomEncoded(int rows, int cols, Random r) => IpqEncoding.Pack(Random(rows, cols, r), "t");
}
