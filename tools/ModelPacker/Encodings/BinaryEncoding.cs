using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_BINARY (docs/numerics.md): 1-bit weights, bit c%32 of little-endian word c/32 of a row set for +1;
/// params a 16-byte header {i32 act_threshold -128..127, i32 shift 1..62, i32 0, i32 0} then {i16 bias,
/// u16 multiplier} per row; cols a multiple of 32 up to 1024. The GEMM sees its int8 input as +1 (x ≥ act_threshold)
/// or -1: acc = cols - 2·popcount(w XOR x). C: native-kernels/src/kernels/encodings/ni_enc_binary.c.
/// </summary>
public sealed class BinaryEncoding : ITensorEncoding
{
    public static readonly BinaryEncoding Instance = new();
    public const int HeaderBytes = 16, RowBytes = 4, MaxCols = 1024, WordBits = 32, MinThreshold = -128, MaxThreshold = 127;

    public TensorEncoding Id => TensorEncoding.Binary;
    public string Name => "binary";

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = (long)rows * (((long)cols + WordBits - 1) / WordBits) * 4, prm = HeaderBytes + (long)rows * RowBytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    private static int ActThreshold(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadInt32LittleEndian(p);
    private static int Shift(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadInt32LittleEndian(p[4..]);

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (p.Length != HeaderBytes + rows * RowBytes) return $"params are {p.Length} bytes, {rows} rows need {HeaderBytes + rows * RowBytes}";
        if (cols == 0 || cols % WordBits != 0 || cols > MaxCols) return $"{cols} columns: binary needs a multiple of {WordBits} up to {MaxCols}";
        int thr = ActThreshold(p), shift = Shift(p);
        if (thr is < MinThreshold or > MaxThreshold) return $"act_threshold {thr} outside {MinThreshold}..{MaxThreshold}";
        if (shift is < 1 or > 62) return $"shift {shift} outside 1..62";
        if (p.Slice(8, 8).IndexOfAnyExcept((byte)0) >= 0) return "reserved header fields not zero";
        return null;
    }

    public RowParams RowParams(EncodedTensor t, int row) => ReadRowParams(t.Params.AsSpan(HeaderBytes), row, Shift(t.Params));

    /// <summary>Writes {int16 bias, uint16 multiplier} per row after the header (BINARY's and BINARY_S8's row
    /// params), checking that every row has the tensor's one shift and that each field fits.</summary>
    internal static void WriteRowParams(QuantizedTensor q, Span<byte> rows, int shift, string what, string encoding)
    {
        for (int r = 0; r < q.Rows; r++)
        {
            var p = q.RowParams[r];
            if (p.Shift != shift) throw new InvalidDataException($"{what}: row {r} has shift {p.Shift}, {encoding} stores one shift per tensor ({shift})");
            if (p.Bias is < short.MinValue or > short.MaxValue) throw new InvalidDataException($"{what}: row {r} bias {p.Bias} does not fit int16");
            if (p.Multiplier is < 0 or > ushort.MaxValue) throw new InvalidDataException($"{what}: row {r} multiplier {p.Multiplier} does not fit uint16");
            BinaryPrimitives.WriteInt16LittleEndian(rows[(r * RowBytes)..], (short)p.Bias);
            BinaryPrimitives.WriteUInt16LittleEndian(rows[(r * RowBytes + 2)..], (ushort)p.Multiplier);
        }
    }

    /// <summary>Row <paramref name="row"/>'s {int16 bias, uint16 multiplier} of <see cref="WriteRowParams"/>.</summary>
    internal static RowParams ReadRowParams(ReadOnlySpan<byte> rows, int row, int shift)
    {
        var r = rows[(row * RowBytes)..];
        return new RowParams(BinaryPrimitives.ReadInt16LittleEndian(r), BinaryPrimitives.ReadUInt16LittleEndian(r[2..]), shift);
    }

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % WordBits != 0 || q.Cols > MaxCols)
            throw new InvalidDataException($"{what}: {q.Cols} columns; binary needs a multiple of {WordBits} up to {MaxCols}");
        int thr = q.InputThreshold ?? throw new InvalidDataException($"{what}: binary needs an input threshold (the value at and above which an input is +1)");
        if (thr is < MinThreshold or > MaxThreshold) throw new InvalidDataException($"{what}: input threshold {thr} outside {MinThreshold}..{MaxThreshold}");
        int shift = q.Rows == 0 ? 1 : q.RowParams[0].Shift;
        if (shift is < 1 or > 62) throw new InvalidDataException($"{what}: shift {shift} outside 1..62");
        var prm = new byte[HeaderBytes + q.Rows * RowBytes];
        BinaryPrimitives.WriteInt32LittleEndian(prm, thr);
        BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(4), shift);
        WriteRowParams(q, prm.AsSpan(HeaderBytes), shift, what, Name);
        return new EncodedTensor(Id, q.Rows, q.Cols, SignWords(q, what), prm);
    }

    /// <summary>The data bytes of ±1 weights: rows of little-endian words, bit set for +1 (also BINARY_EMBED's data).</summary>
    internal static byte[] SignWords(QuantizedTensor q, string what)
    {
        int words = q.Cols / WordBits;
        var data = new uint[q.Rows * words];
        for (int r = 0; r < q.Rows; r++)
        {
            var row = q.Row(r);
            for (int c = 0; c < q.Cols; c++)
            {
                if (row[c] is not (1 or -1)) throw new InvalidDataException($"{what}: row {r} column {c} is {row[c]}; binary weights are -1 or +1");
                if (row[c] > 0) data[r * words + c / WordBits] |= 1u << (c % WordBits);
            }
        }
        var bytes = new byte[data.Length * 4];
        for (int i = 0; i < data.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), data[i]);
        return bytes;
    }

    /// <summary>The ±1 weights of sign-word data (the inverse of <see cref="SignWords"/>).</summary>
    internal static sbyte[] Signs(EncodedTensor t)
    {
        var w = new sbyte[t.Rows * t.Cols];
        var words = Words(t);
        int perRow = t.Cols / WordBits;
        for (int r = 0; r < t.Rows; r++)
            for (int c = 0; c < t.Cols; c++)
                w[r * t.Cols + c] = (words[r * perRow + c / WordBits] >> (c % WordBits) & 1) != 0 ? (sbyte)1 : (sbyte)-1;
        return w;
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++) p[r] = RowParams(t, r);
        return new QuantizedTensor(t.Rows, t.Cols, Signs(t), p, ActThreshold(t.Params));
    }

    /// <summary>The data as 32-bit words (the image is little-endian, as every supported host).</summary>
    private static ReadOnlySpan<uint> Words(EncodedTensor t) => MemoryMarshal.Cast<byte, uint>(t.Data);

    public bool HasGemm => true;
    public bool HasEmbed => true;
    public int InputBytes(int cols) => cols / 8;
    public bool PacksInput => true;

    /// <summary>Bits x ≥ act_threshold; whole words through the bit-packing kernel, a tile covering part of a word bit by bit.</summary>
    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input)
    {
        int thr = ActThreshold(t.Params);
        var bits = MemoryMarshal.Cast<byte, uint>(input);
        if (c0 % WordBits == 0 && count % WordBits == 0)
        {
            BinaryKernels.PackS8(x[..count], thr, bits.Slice(c0 / WordBits, count / WordBits));
            return;
        }
        for (int i = 0; i < count; i++)
        {
            int c = c0 + i;
            uint m = 1u << (c % WordBits);
            bits[c / WordBits] = x[i] >= thr ? bits[c / WordBits] | m : bits[c / WordBits] & ~m;
        }
    }

    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        BinaryKernels.Gemm(Words(t), t.Cols / WordBits, MemoryMarshal.Cast<byte, uint>(input), inStride / 4, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output)
    {
        var p = RowParams(t, row);
        long v = FixedPoint.RoundShift(p.Multiplier, p.Shift);   // round_shift(±M, s) = ±round_shift(M, s)
        var w = Words(t).Slice(row * (t.Cols / WordBits));
        for (int c = 0; c < t.Cols; c++) output[c] += (w[c / WordBits] >> (c % WordBits) & 1) != 0 ? v : -v;
    }
}
