using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_INT8_ROW (docs/numerics.md): data rows·cols int8 row-major; params one {i32 bias, i32 multiplier,
/// i32 shift} per row; cols a multiple of 4 up to 65536; |bias| ≤ 2^30, multiplier ≥ 0, shift 1..62.
/// C: native-kernels/src/kernels/encodings/ni_enc_int8_row.c.
/// </summary>
public sealed class Int8RowEncoding : ITensorEncoding
{
    public static readonly Int8RowEncoding Instance = new();
    public const int MaxCols = 65536;

    public TensorEncoding Id => TensorEncoding.Int8Row;
    public string Name => "int8_row";

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = (long)rows * cols, prm = (long)rows * Encodings.RowParams.Bytes;
        return data > uint.MaxValue || prm > uint.MaxValue || data > int.MaxValue ? null : ((int)data, (int)prm);
    }

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (p.Length != rows * Encodings.RowParams.Bytes) return $"params are {p.Length} bytes, {rows} rows need {rows * Encodings.RowParams.Bytes}";
        if (cols == 0 || cols % 4 != 0 || cols > MaxCols) return $"{cols} columns: int8_row needs a multiple of 4 up to {MaxCols}";
        return RowsProblem(p, rows);
    }

    /// <summary>The check of rows·12 bytes of {bias, multiplier, shift} (int8_row's params, int4's too); null when valid.</summary>
    internal static string? RowsProblem(ReadOnlySpan<byte> p, int rows)
    {
        for (int r = 0; r < rows; r++)
        {
            var rp = Read(p, r);
            if (Math.Abs((long)rp.Bias) > Encodings.RowParams.MaxAbsBias) return $"row {r}: bias {rp.Bias} outside +-2^30";
            if (rp.Multiplier < 0) return $"row {r}: multiplier {rp.Multiplier} < 0";
            if (rp.Shift is < 1 or > 62) return $"row {r}: shift {rp.Shift} outside 1..62";
        }
        return null;
    }

    internal static RowParams Read(ReadOnlySpan<byte> p, int r)
    {
        var s = p[(r * Encodings.RowParams.Bytes)..];
        return new RowParams(BinaryPrimitives.ReadInt32LittleEndian(s), BinaryPrimitives.ReadInt32LittleEndian(s[4..]),
            BinaryPrimitives.ReadInt32LittleEndian(s[8..]));
    }

    public RowParams RowParams(EncodedTensor t, int row) => Read(t.Params, row);

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.InputThreshold != null) throw new InvalidDataException($"{what}: int8_row multiplies its input as it is; it has no input threshold");
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        return new EncodedTensor(Id, q.Rows, q.Cols, MemoryMarshal.AsBytes(q.Weights.AsSpan()).ToArray(), WriteRows(q.RowParams, what));
    }

    /// <summary>rows·12 bytes of {bias, multiplier, shift} (int8_row's params, int4's too); throws on a row out of range.</summary>
    internal static byte[] WriteRows(RowParams[] rows, string what)
    {
        var prm = new byte[rows.Length * Encodings.RowParams.Bytes];
        for (int r = 0; r < rows.Length; r++)
        {
            var p = rows[r];
            if (!p.IsValid) throw new InvalidDataException($"{what}: row {r} params (bias {p.Bias}, multiplier {p.Multiplier}, shift {p.Shift}) are out of range");
            var s = prm.AsSpan(r * Encodings.RowParams.Bytes);
            BinaryPrimitives.WriteInt32LittleEndian(s, p.Bias);
            BinaryPrimitives.WriteInt32LittleEndian(s[4..], p.Multiplier);
            BinaryPrimitives.WriteInt32LittleEndian(s[8..], p.Shift);
        }
        return prm;
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++) p[r] = Read(t.Params, r);
        return new QuantizedTensor(t.Rows, t.Cols, MemoryMarshal.Cast<byte, sbyte>(t.Data).ToArray(), p);
    }

    public bool HasGemm => true;
    public bool HasEmbed => true;
    public int InputBytes(int cols) => cols;
    public bool PacksInput => false;

    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) =>
        MemoryMarshal.AsBytes(x[..count]).CopyTo(input[c0..]);

    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        GemmS8.Run(MemoryMarshal.Cast<byte, sbyte>(t.Data), t.Cols, MemoryMarshal.Cast<byte, sbyte>(input), inStride, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output)
    {
        var p = Read(t.Params, row);
        var w = MemoryMarshal.Cast<byte, sbyte>(t.Data.AsSpan(row * t.Cols, t.Cols));
        for (int c = 0; c < w.Length; c++) output[c] += FixedPoint.RoundShift((long)w[c] * p.Multiplier, p.Shift);
    }
}
