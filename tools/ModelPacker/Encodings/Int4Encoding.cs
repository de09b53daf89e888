using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_INT4 (docs/numerics.md section 3j): 4-bit two's-complement weights in [−8, 7], two per byte, column 2k in
/// the low nibble and column 2k + 1 in the high nibble of byte k of its row; rows of cols/2 bytes, no padding (cols a
/// multiple of 4 up to 1024). <see cref="QuantizedTensor.Weights"/> holds the unpacked values. Params are int8_row's:
/// one {i32 bias, i32 multiplier, i32 shift} per row, so the row's scale folds into its multiplier. Every nibble is a
/// valid weight. Never an embedding table. C: native-kernels/src/kernels/encodings/ni_enc_int4.c.
/// </summary>
public sealed class Int4Encoding : ITensorEncoding
{
    public static readonly Int4Encoding Instance = new();
    public const int MaxCols = 1024, MinValue = -8, MaxValue = 7;

    public TensorEncoding Id => TensorEncoding.Int4;
    public string Name => "int4";

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0 || cols % 2 != 0) return null;
        long data = (long)rows * (cols / 2), prm = (long)rows * Encodings.RowParams.Bytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (p.Length != rows * Encodings.RowParams.Bytes) return $"params are {p.Length} bytes, {rows} rows need {rows * Encodings.RowParams.Bytes}";
        if (cols == 0 || cols % 4 != 0 || cols > MaxCols) return $"{cols} columns: int4 needs a multiple of 4 up to {MaxCols}";
        return Int8RowEncoding.RowParamsProblem(p, rows); // every nibble is a valid weight
    }

    public RowParams RowParams(EncodedTensor t, int row) => Int8RowEncoding.ReadRowParams(t.Params, row);

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.InputThreshold != null) throw new InvalidDataException($"{what}: int4 multiplies its input as it is; it has no input threshold");
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % 4 != 0 || q.Cols > MaxCols)
            throw new InvalidDataException($"{what}: {q.Cols} columns; int4 needs a multiple of 4 up to {MaxCols}");
        var data = new byte[q.Weights.Length / 2];
        for (int i = 0; i < q.Weights.Length; i++)
        {
            int v = q.Weights[i];
            if (v is < MinValue or > MaxValue) throw new InvalidDataException($"{what}: weight {v} at row {i / q.Cols}, column {i % q.Cols} is outside int4 [-8, 7]");
            data[i / 2] |= (byte)((v & 15) << (i % 2 * 4));
        }
        return new EncodedTensor(Id, q.Rows, q.Cols, data, Int8RowEncoding.RowParamsBytes(q.RowParams, what));
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++) p[r] = RowParams(t, r);
        var w = new sbyte[t.Rows * t.Cols];
        for (int i = 0; i < w.Length; i++) w[i] = (sbyte)Int4Kernels.Value(t.Data, i);
        return new QuantizedTensor(t.Rows, t.Cols, w, p);
    }

    public bool HasGemm => true;
    public bool HasEmbed => false;
    public int InputBytes(int cols) => cols;
    public bool PacksInput => false;

    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(x[..count]).CopyTo(input[c0..]);

    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        Int4Kernels.Gemm(t.Data, t.Cols, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(input), inStride, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output) =>
        throw new InvalidOperationException("int4 is a GEMM operand; scheme int4 keeps embedding tables in int8_row");
}
