using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_ADAPTIVFLOAT (docs/numerics.md section 3g): AdaptivFloat 8-bit weights, sign | 3-bit exponent | 4-bit
/// mantissa. Data rows·cols code bytes, row-major (<see cref="QuantizedTensor.Weights"/> holds the codes); params an
/// 8-byte header {i32 multiplier ≥ 0, i32 shift 1..62} shared by every row (the tensor has one exponent bias, so one
/// power-of-two unit), then an i32 bias per row (|bias| ≤ 2^30); cols a multiple of 4 up to 1024. The GEMM decodes the
/// codes through <see cref="AdaptivFloatKernels.Values"/>. Never an embedding table.
/// C: native-kernels/src/kernels/encodings/ni_enc_adaptivfloat.c.
/// </summary>
public sealed class AdaptivFloatEncoding : ITensorEncoding
{
    public static readonly AdaptivFloatEncoding Instance = new();
    public const int HeaderBytes = 8, RowBytes = 4, MaxCols = 1024;

    public TensorEncoding Id => TensorEncoding.AdaptivFloat;
    public string Name => "adaptivfloat";

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = (long)rows * cols, prm = HeaderBytes + (long)rows * RowBytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (p.Length != HeaderBytes + rows * RowBytes) return $"params are {p.Length} bytes, {rows} rows need {HeaderBytes + rows * RowBytes}";
        if (cols == 0 || cols % 4 != 0 || cols > MaxCols) return $"{cols} columns: adaptivfloat needs a multiple of 4 up to {MaxCols}";
        int mult = BinaryPrimitives.ReadInt32LittleEndian(p), shift = BinaryPrimitives.ReadInt32LittleEndian(p[4..]);
        if (mult < 0) return $"multiplier {mult} < 0";
        if (shift is < 1 or > 62) return $"shift {shift} outside 1..62";
        for (int r = 0; r < rows; r++)
        {
            int bias = BinaryPrimitives.ReadInt32LittleEndian(p[(HeaderBytes + r * RowBytes)..]);
            if (Math.Abs((long)bias) > Encodings.RowParams.MaxAbsBias) return $"row {r}: bias {bias} outside +-2^30";
        }
        return null; // every code byte is valid (0x80 is zero, as 0x00)
    }

    public RowParams RowParams(EncodedTensor t, int row)
    {
        var p = t.Params.AsSpan();
        return new RowParams(BinaryPrimitives.ReadInt32LittleEndian(p[(HeaderBytes + row * RowBytes)..]),
            BinaryPrimitives.ReadInt32LittleEndian(p), BinaryPrimitives.ReadInt32LittleEndian(p[4..]));
    }

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.InputThreshold != null) throw new InvalidDataException($"{what}: adaptivfloat multiplies its input as it is; it has no input threshold");
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % 4 != 0 || q.Cols > MaxCols)
            throw new InvalidDataException($"{what}: {q.Cols} columns; adaptivfloat needs a multiple of 4 up to {MaxCols}");
        var first = q.Rows == 0 ? new RowParams(0, 0, 1) : q.RowParams[0];
        var prm = new byte[HeaderBytes + q.Rows * RowBytes];
        BinaryPrimitives.WriteInt32LittleEndian(prm, first.Multiplier);
        BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(4), first.Shift);
        for (int r = 0; r < q.Rows; r++)
        {
            var p = q.RowParams[r];
            if (!p.IsValid) throw new InvalidDataException($"{what}: row {r} params (bias {p.Bias}, multiplier {p.Multiplier}, shift {p.Shift}) are out of range");
            if (p.Multiplier != first.Multiplier || p.Shift != first.Shift)
                throw new InvalidDataException($"{what}: row {r} requantizes by ({p.Multiplier}, {p.Shift}), row 0 by ({first.Multiplier}, {first.Shift}); adaptivfloat has one for the tensor");
            BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(HeaderBytes + r * RowBytes), p.Bias);
        }
        return new EncodedTensor(Id, q.Rows, q.Cols, MemoryMarshal.AsBytes(q.Weights.AsSpan()).ToArray(), prm);
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++) p[r] = RowParams(t, r);
        return new QuantizedTensor(t.Rows, t.Cols, MemoryMarshal.Cast<byte, sbyte>(t.Data).ToArray(), p);
    }

    public bool HasGemm => true;
    public bool HasEmbed => false;
    public int InputBytes(int cols) => cols;
    public bool PacksInput => false;

    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) =>
        MemoryMarshal.AsBytes(x[..count]).CopyTo(input[c0..]);

    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        AdaptivFloatKernels.Gemm(t.Data, t.Cols, MemoryMarshal.Cast<byte, sbyte>(input), inStride, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output) =>
        throw new InvalidOperationException("adaptivfloat is a GEMM operand; the schemes keep embedding tables in int8_row");
}
