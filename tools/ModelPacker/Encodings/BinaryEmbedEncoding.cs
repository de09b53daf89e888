using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelPacker.FlashImage;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_BINARY_EMBED (docs/numerics.md): a 1-bit embedding table. Data: the sign rows of <see cref="BinaryEncoding"/>
/// (bit c%32 of little-endian word c/32 set for +1); params an 8-byte header {i32 shift 0..7, i32 0} then one u8
/// magnitude m_r per row; element c of row r is ±(m_r &lt;&lt; shift). Only looked up (<see cref="EmbedAdd"/>), never a
/// GEMM operand (<see cref="HasGemm"/> false). Row params state the same value through the INT8_ROW formula:
/// {0, m_r &lt;&lt; (shift + 1), 1}. C: native-kernels/src/kernels/encodings/ni_enc_binary_embed.c.
/// </summary>
public sealed class BinaryEmbedEncoding : ITensorEncoding
{
    public static readonly BinaryEmbedEncoding Instance = new();
    public const int HeaderBytes = 8, MaxShift = 7, MaxMagnitude = 255, WordBits = BinaryEncoding.WordBits, MaxCols = BinaryEncoding.MaxCols;

    public TensorEncoding Id => TensorEncoding.BinaryEmbed;
    public string Name => "binary_embed";
    public bool HasGemm => false;
    public bool HasEmbed => true;

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = (long)rows * (((long)cols + WordBits - 1) / WordBits) * 4, prm = HeaderBytes + (long)rows;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    private static int Shift(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadInt32LittleEndian(p);

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (p.Length != HeaderBytes + rows) return $"params are {p.Length} bytes, {rows} rows need {HeaderBytes + rows}";
        if (cols == 0 || cols % WordBits != 0 || cols > MaxCols) return $"{cols} columns: binary_embed needs a multiple of {WordBits} up to {MaxCols}";
        int shift = Shift(p);
        if (shift is < 0 or > MaxShift) return $"shift {shift} outside 0..{MaxShift}";
        if (BinaryPrimitives.ReadInt32LittleEndian(p[4..]) != 0) return "reserved header field not zero";
        return null; // every magnitude byte is valid: |element| <= 255 << 7 < 2^15
    }

    private static int Magnitude(EncodedTensor t, int row) => t.Params[HeaderBytes + row];

    /// <summary>The element magnitude of row <paramref name="row"/>: m_r · 2^shift.</summary>
    public static long Value(EncodedTensor t, int row) => (long)Magnitude(t, row) << Shift(t.Params);

    public RowParams RowParams(EncodedTensor t, int row) => new(0, Magnitude(t, row) << (Shift(t.Params) + 1), 1);

    /// <summary>
    /// The row params must be the ones <see cref="RowParams(EncodedTensor, int)"/> gives: bias 0, shift 1 and multiplier
    /// m_r · 2^(k+1) with one k for the tensor; k is the smallest that brings every m_r within a byte (the packer's
    /// rule: the largest m_r in [128, 256) when k &gt; 0).
    /// </summary>
    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % WordBits != 0 || q.Cols > MaxCols)
            throw new InvalidDataException($"{what}: {q.Cols} columns; binary_embed needs a multiple of {WordBits} up to {MaxCols}");
        if (q.InputThreshold is { } t && t != 0) throw new InvalidDataException($"{what}: an embedding table has no input threshold");
        for (int r = 0; r < q.Rows; r++)
        {
            var p = q.RowParams[r];
            if (p.Bias != 0 || p.Shift != 1 || p.Multiplier < 0 || p.Multiplier % 2 != 0)
                throw new InvalidDataException($"{what}: row {r} params (bias {p.Bias}, multiplier {p.Multiplier}, shift {p.Shift}) are not a binary_embed magnitude {{0, m << (k + 1), 1}}");
        }
        long max = q.RowParams.Length == 0 ? 0 : q.RowParams.Max(p => (long)p.Multiplier / 2);
        int shift = 0;
        while (shift < MaxShift && max >> shift > MaxMagnitude) shift++;
        var prm = new byte[HeaderBytes + q.Rows];
        BinaryPrimitives.WriteInt32LittleEndian(prm, shift);
        for (int r = 0; r < q.Rows; r++)
        {
            long v = q.RowParams[r].Multiplier / 2;
            if (v >> shift > MaxMagnitude || (v >> shift) << shift != v)
                throw new InvalidDataException($"{what}: row {r} magnitude {v} is not m << {shift} with m <= {MaxMagnitude}");
            prm[HeaderBytes + r] = (byte)(v >> shift);
        }
        return new EncodedTensor(Id, q.Rows, q.Cols, BinaryEncoding.SignWords(q, what), prm);
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var w = BinaryEncoding.Signs(t);
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++) p[r] = RowParams(t, r);
        return new QuantizedTensor(t.Rows, t.Cols, w, p);
    }

    public int InputBytes(int cols) => throw NoGemm();
    public bool PacksInput => throw NoGemm();
    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) => throw NoGemm();
    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) => throw NoGemm();

    private static InvalidOperationException NoGemm() =>
        new("binary_embed is an embedding table encoding: it has no GEMM (the model rules keep it off GEMM operands)");

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output)
    {
        long v = Value(t, row);
        var w = MemoryMarshal.Cast<byte, uint>(t.Data).Slice(row * (t.Cols / WordBits));
        for (int c = 0; c < t.Cols; c++) output[c] += (w[c / WordBits] >> (c % WordBits) & 1) != 0 ? v : -v;
    }
}
