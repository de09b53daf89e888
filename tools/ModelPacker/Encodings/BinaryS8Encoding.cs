using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_BINARY_S8 (docs/numerics.md): 1-bit weights over int8 inputs, the exit poolers over the int8 h[CLS]. Data: the
/// sign rows of <see cref="BinaryEncoding"/>; params an 8-byte header {i32 shift 1..62, i32 0} then {i16 bias, u16
/// multiplier} per row; cols a multiple of 32 up to 1024. The GEMM multiplies the int8 input as it is: acc = Σc ±x[c],
/// through per-token tables of 4-column groups (<see cref="BinaryS8Kernels"/>), which <see cref="PackInput"/> builds.
/// Never an embedding table. C: native-kernels/src/kernels/encodings/ni_enc_binary_s8.c.
/// </summary>
public sealed class BinaryS8Encoding : ITensorEncoding
{
    public static readonly BinaryS8Encoding Instance = new();
    public const int HeaderBytes = 8, RowBytes = BinaryEncoding.RowBytes, WordBits = BinaryEncoding.WordBits, MaxCols = BinaryEncoding.MaxCols;
    /// <summary>Input bytes per column: a 16-entry int16 table per 4 columns.</summary>
    public const int TableBytesPerCol = BinaryS8Kernels.TableEntries * 2 / BinaryS8Kernels.GroupCols;

    public TensorEncoding Id => TensorEncoding.BinaryS8;
    public string Name => "binary_s8";

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = (long)rows * (((long)cols + WordBits - 1) / WordBits) * 4, prm = HeaderBytes + (long)rows * RowBytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    private static int Shift(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadInt32LittleEndian(p);

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (p.Length != HeaderBytes + rows * RowBytes) return $"params are {p.Length} bytes, {rows} rows need {HeaderBytes + rows * RowBytes}";
        if (cols == 0 || cols % WordBits != 0 || cols > MaxCols) return $"{cols} columns: binary_s8 needs a multiple of {WordBits} up to {MaxCols}";
        int shift = Shift(p);
        if (shift is < 1 or > 62) return $"shift {shift} outside 1..62";
        if (BinaryPrimitives.ReadInt32LittleEndian(p[4..]) != 0) return "reserved header field not zero";
        return null; // every int16 bias and uint16 multiplier is valid: |acc + bias| <= 128·1024 + 2^15
    }

    public RowParams RowParams(EncodedTensor t, int row) => BinaryEncoding.ReadRowParams(t.Params.AsSpan(HeaderBytes), row, Shift(t.Params));

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % WordBits != 0 || q.Cols > MaxCols)
            throw new InvalidDataException($"{what}: {q.Cols} columns; binary_s8 needs a multiple of {WordBits} up to {MaxCols}");
        if (q.InputThreshold != null) throw new InvalidDataException($"{what}: binary_s8 multiplies its int8 input as it is; it has no input threshold");
        int shift = q.Rows == 0 ? 1 : q.RowParams[0].Shift;
        if (shift is < 1 or > 62) throw new InvalidDataException($"{what}: shift {shift} outside 1..62");
        var prm = new byte[HeaderBytes + q.Rows * RowBytes];
        BinaryPrimitives.WriteInt32LittleEndian(prm, shift);
        BinaryEncoding.WriteRowParams(q, prm.AsSpan(HeaderBytes), shift, what, Name);
        return new EncodedTensor(Id, q.Rows, q.Cols, BinaryEncoding.SignWords(q, what), prm);
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++) p[r] = RowParams(t, r);
        return new QuantizedTensor(t.Rows, t.Cols, BinaryEncoding.Signs(t), p);
    }

    public bool HasGemm => true;
    public bool HasEmbed => false;
    public int InputBytes(int cols) => cols * TableBytesPerCol;
    public bool PacksInput => true;

    /// <summary>The tables of the groups in columns [c0, c0 + count): whole groups only (c0 and count multiples of 4).</summary>
    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input)
    {
        if (c0 % BinaryS8Kernels.GroupCols != 0 || count % BinaryS8Kernels.GroupCols != 0)
            throw new ArgumentException($"binary_s8 packs whole groups of {BinaryS8Kernels.GroupCols} columns, not [{c0}, {c0 + count})");
        BinaryS8Kernels.Tables(x[..count], MemoryMarshal.Cast<byte, short>(input[(c0 * TableBytesPerCol)..((c0 + count) * TableBytesPerCol)]));
    }

    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        BinaryS8Kernels.Gemm(MemoryMarshal.Cast<byte, uint>(t.Data), t.Cols / WordBits, MemoryMarshal.Cast<byte, short>(input), inStride / 2,
            n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output) =>
        throw new InvalidOperationException("binary_s8 is a pooler's GEMM operand; it is never an embedding table");
}
