namespace ModelPacker.IntegerRuntime;

/// <summary>One row's params of the NI_ENC_INT8_ROW encoding (ni_int8_row_params: 3 little-endian int32).</summary>
public readonly record struct RowParams(int Bias, int Multiplier, int Shift)
{
    public const int Bytes = 12;
    public const int MaxAbsBias = 1 << 30;
    public Requant Requant => new(Multiplier, Shift);
    public bool IsValid => Math.Abs((long)Bias) <= MaxAbsBias && Requant.IsValid;
}

/// <summary>An int8 matrix [Rows, Cols], row-major, with one requantization per row (NI_ENC_INT8_ROW).</summary>
public sealed class Int8RowTensor
{
    public Int8RowTensor(int rows, int cols, sbyte[] data, RowParams[] rowParams)
    {
        if (data.Length != rows * cols) throw new ArgumentException($"int8 tensor data has {data.Length} values, [{rows}, {cols}] needs {rows * cols}");
        if (rowParams.Length != rows) throw new ArgumentException($"int8 tensor has {rowParams.Length} row params for {rows} rows");
        Rows = rows;
        Cols = cols;
        Data = data;
        Params = rowParams;
    }

    public int Rows { get; }
    public int Cols { get; }
    public sbyte[] Data { get; }
    public RowParams[] Params { get; }

    public ReadOnlySpan<sbyte> Row(int r) => Data.AsSpan(r * Cols, Cols);

    /// <summary>The data bytes as stored in the image (int8 two's complement).</summary>
    public byte[] DataBytes() => System.Runtime.InteropServices.MemoryMarshal.AsBytes(Data.AsSpan()).ToArray();

    /// <summary>The params bytes as stored in the image: per row bias, multiplier, shift (little-endian int32).</summary>
    public byte[] ParamsBytes()
    {
        var b = new byte[Rows * RowParams.Bytes];
        for (int r = 0; r < Rows; r++)
        {
            var s = b.AsSpan(r * RowParams.Bytes);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(s, Params[r].Bias);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(s[4..], Params[r].Multiplier);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(s[8..], Params[r].Shift);
        }
        return b;
    }

    /// <summary>Reads a tensor back from its image bytes; throws naming <paramref name="what"/> when sizes or params are invalid.</summary>
    public static Int8RowTensor FromBytes(string what, int rows, int cols, ReadOnlySpan<byte> data, ReadOnlySpan<byte> rowParams)
    {
        if (data.Length != rows * cols || rowParams.Length != rows * RowParams.Bytes)
            throw new InvalidDataException($"{what}: int8 tensor [{rows}, {cols}] needs {rows * cols} data and {rows * RowParams.Bytes} params bytes, has {data.Length} and {rowParams.Length}");
        var d = new sbyte[rows * cols];
        data.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(d.AsSpan()));
        var p = new RowParams[rows];
        for (int r = 0; r < rows; r++)
        {
            var s = rowParams[(r * RowParams.Bytes)..];
            p[r] = new RowParams(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(s),
                System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(s[4..]),
                System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(s[8..]));
            if (!p[r].IsValid) throw new InvalidDataException($"{what}: row {r} params (bias {p[r].Bias}, multiplier {p[r].Multiplier}, shift {p[r].Shift}) are out of range");
        }
        return new Int8RowTensor(rows, cols, d, p);
    }
}
