using System.Buffers.Binary;
using ModelPacker.FlashImage;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_BINARY_SIGN (docs/numerics.md): a 1-bit linear layer of which only the sign of acc + bias is read (scheme
/// W1A1's Q, K and V). Data: the sign rows of <see cref="BinaryEncoding"/>; params an 8-byte header {i32
/// act_threshold −128..127, i32 0} then one i16 bias per row, no multiplier. Its input binarization and GEMM are
/// BINARY's; row params {bias, 1, 1}: rq(acc + bias; 1, 1) ≥ 0 exactly when acc + bias ≥ 0, the bit the attention
/// block keeps. Never an embedding table (<see cref="HasEmbed"/> false).
/// C: native-kernels/src/kernels/encodings/ni_enc_binary_sign.c.
/// </summary>
public sealed class BinarySignEncoding : ITensorEncoding
{
    public static readonly BinarySignEncoding Instance = new();
    public const int HeaderBytes = 8, RowBytes = 2, WordBits = BinaryEncoding.WordBits, MaxCols = BinaryEncoding.MaxCols;

    public TensorEncoding Id => TensorEncoding.BinarySign;
    public string Name => "binary_sign";
    public bool HasGemm => true;
    public bool HasEmbed => false;

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = (long)rows * (((long)cols + WordBits - 1) / WordBits) * 4, prm = HeaderBytes + (long)rows * RowBytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    private static int ActThreshold(ReadOnlySpan<byte> p) => BinaryPrimitives.ReadInt32LittleEndian(p);

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (p.Length != HeaderBytes + rows * RowBytes) return $"params are {p.Length} bytes, {rows} rows need {HeaderBytes + rows * RowBytes}";
        if (cols == 0 || cols % WordBits != 0 || cols > MaxCols) return $"{cols} columns: binary_sign needs a multiple of {WordBits} up to {MaxCols}";
        int thr = ActThreshold(p);
        if (thr is < BinaryEncoding.MinThreshold or > BinaryEncoding.MaxThreshold)
            return $"act_threshold {thr} outside {BinaryEncoding.MinThreshold}..{BinaryEncoding.MaxThreshold}";
        if (BinaryPrimitives.ReadInt32LittleEndian(p[4..]) != 0) return "reserved header field not zero";
        return null; // every int16 bias is valid: |acc + bias| <= 1024 + 2^15
    }

    public RowParams RowParams(EncodedTensor t, int row) =>
        new(BinaryPrimitives.ReadInt16LittleEndian(t.Params.AsSpan(HeaderBytes + row * RowBytes)), 1, 1);

    /// <summary>Row params must be {bias (int16), 1, 1}: the encoding stores no multiplier.</summary>
    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % WordBits != 0 || q.Cols > MaxCols)
            throw new InvalidDataException($"{what}: {q.Cols} columns; binary_sign needs a multiple of {WordBits} up to {MaxCols}");
        int thr = q.InputThreshold ?? throw new InvalidDataException($"{what}: binary_sign needs an input threshold (the value at and above which an input is +1)");
        if (thr is < BinaryEncoding.MinThreshold or > BinaryEncoding.MaxThreshold)
            throw new InvalidDataException($"{what}: input threshold {thr} outside {BinaryEncoding.MinThreshold}..{BinaryEncoding.MaxThreshold}");
        var prm = new byte[HeaderBytes + q.Rows * RowBytes];
        BinaryPrimitives.WriteInt32LittleEndian(prm, thr);
        for (int r = 0; r < q.Rows; r++)
        {
            var p = q.RowParams[r];
            if (p.Multiplier != 1 || p.Shift != 1)
                throw new InvalidDataException($"{what}: row {r} has multiplier {p.Multiplier}, shift {p.Shift}; binary_sign keeps only the sign of acc + bias ({{bias, 1, 1}})");
            if (p.Bias is < short.MinValue or > short.MaxValue) throw new InvalidDataException($"{what}: row {r} bias {p.Bias} does not fit int16");
            BinaryPrimitives.WriteInt16LittleEndian(prm.AsSpan(HeaderBytes + r * RowBytes), (short)p.Bias);
        }
        return new EncodedTensor(Id, q.Rows, q.Cols, BinaryEncoding.SignWords(q, what), prm);
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++) p[r] = RowParams(t, r);
        return new QuantizedTensor(t.Rows, t.Cols, BinaryEncoding.Signs(t), p, ActThreshold(t.Params));
    }

    // The input bits and the GEMM are BINARY's (both params start with act_threshold).
    public int InputBytes(int cols) => BinaryEncoding.Instance.InputBytes(cols);
    public bool PacksInput => true;
    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) =>
        BinaryEncoding.Instance.PackInput(t, x, c0, count, input);
    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        BinaryEncoding.Instance.Gemm(t, input, inStride, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output) =>
        throw new InvalidOperationException("binary_sign is a GEMM operand whose sign alone is read; it is never an embedding table");
}
