using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_IPQ (docs/numerics.md section 3k): data = the codebook, K × d int8 (codeword k at k·d), then rows × cols/d
/// uint8 indices (sub-vector j of row r at K·d + r·(cols/d) + j), every index &lt; K. Params: an 8-byte header {i32 K
/// 1..256, i32 d 1..16, cols % d = 0}, then int8_row's {i32 bias, i32 multiplier, i32 shift} per row (the codebook's
/// scale folds into the multipliers): exactly 8 + 12·rows. cols a multiple of 4 up to 1024. Variable length:
/// <see cref="Sizes"/> gives data 0 (the least) and <see cref="ValidateData"/> the exact K·d + rows·cols/d.
/// The tensor is built from an <see cref="IpqTensor"/> (<see cref="Pack"/>), not from int8 weights.
/// C: native-kernels/src/kernels/encodings/ni_enc_ipq.c.
/// </summary>
public sealed class IpqEncoding : ITensorEncoding
{
    public static readonly IpqEncoding Instance = new();
    public const int HeaderBytes = 8, MaxCodes = 256, MaxBlock = 16, MaxCols = 1024;

    public TensorEncoding Id => TensorEncoding.Ipq;
    public string Name => "ipq";
    public bool VariableLength => true;

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long prm = HeaderBytes + (long)rows * Encodings.RowParams.Bytes;
        return prm > int.MaxValue ? null : (0, (int)prm);
    }

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        long want = HeaderBytes + (long)rows * Encodings.RowParams.Bytes;
        if (p.Length != want) return $"params are {p.Length} bytes, {rows} rows need {want}";
        if (cols == 0 || cols % 4 != 0 || cols > MaxCols) return $"{cols} columns: ipq needs a multiple of 4 up to {MaxCols}";
        int k = BinaryPrimitives.ReadInt32LittleEndian(p), d = BinaryPrimitives.ReadInt32LittleEndian(p[4..]);
        if (k is < 1 or > MaxCodes) return $"{k} codewords: ipq needs 1..{MaxCodes}";
        if (d is < 1 or > MaxBlock || cols % d != 0) return $"block {d}: ipq needs 1..{MaxBlock} dividing the {cols} columns";
        return Int8RowEncoding.RowParamsProblem(p[HeaderBytes..], rows);
    }

    public (NiStatus Status, string Message)? ValidateData(EncodedTensor t)
    {
        var (k, d) = Header(t.Params);
        long book = (long)k * d, indices = (long)t.Rows * (t.Cols / d);
        if (t.Data.Length != book + indices)
            return (NiStatus.TensorSize, $"data are {t.Data.Length} bytes; {k} codewords of {d} and {indices} indices need {book + indices}");
        for (long i = 0; i < indices; i++)
            if (t.Data[book + i] >= k) return (NiStatus.TensorParams, $"index {t.Data[book + i]} of row {i / (t.Cols / d)} is not below the {k} codewords");
        return null;
    }

    private static (int Codes, int Block) Header(ReadOnlySpan<byte> p) =>
        (BinaryPrimitives.ReadInt32LittleEndian(p), BinaryPrimitives.ReadInt32LittleEndian(p[4..]));

    public RowParams RowParams(EncodedTensor t, int row) => Int8RowEncoding.ReadRowParams(t.Params.AsSpan(HeaderBytes), row);

    /// <summary>The bytes of <paramref name="q"/>; throws <see cref="InvalidDataException"/> naming <paramref name="what"/>
    /// when it cannot be stored.</summary>
    public static EncodedTensor Pack(IpqTensor q, string what)
    {
        if (q.Cols == 0 || q.Cols % 4 != 0 || q.Cols > MaxCols) throw new InvalidDataException($"{what}: {q.Cols} columns; ipq needs a multiple of 4 up to {MaxCols}");
        if (q.Codes is < 1 or > MaxCodes || q.Block is < 1 or > MaxBlock || q.Cols % q.Block != 0)
            throw new InvalidDataException($"{what}: {q.Codes} codewords of {q.Block}: ipq needs 1..{MaxCodes} codewords of 1..{MaxBlock} weights dividing {q.Cols} columns");
        if (q.Codebook.Length != q.Codes * q.Block || q.Indices.Length != q.Rows * q.SubVectors || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Codes * q.Block} codebook values, {q.Rows * q.SubVectors} indices and {q.Rows} row params");
        for (int i = 0; i < q.Indices.Length; i++)
            if (q.Indices[i] >= q.Codes) throw new InvalidDataException($"{what}: index {q.Indices[i]} of row {i / q.SubVectors} is not below the {q.Codes} codewords");
        var data = new byte[q.Codebook.Length + q.Indices.Length];
        MemoryMarshal.AsBytes(q.Codebook.AsSpan()).CopyTo(data);
        q.Indices.CopyTo(data, q.Codebook.Length);
        var rows = Int8RowEncoding.RowParamsBytes(q.RowParams, what);
        var prm = new byte[HeaderBytes + rows.Length];
        BinaryPrimitives.WriteInt32LittleEndian(prm, q.Codes);
        BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(4), q.Block);
        rows.CopyTo(prm, HeaderBytes);
        return new EncodedTensor(TensorEncoding.Ipq, q.Rows, q.Cols, data, prm);
    }

    /// <summary>The integers of a validated tensor.</summary>
    public static IpqTensor Unpack(EncodedTensor t)
    {
        var (k, d) = Header(t.Params);
        var book = MemoryMarshal.Cast<byte, sbyte>(t.Data.AsSpan(0, k * d)).ToArray();
        var idx = t.Data.AsSpan(k * d).ToArray();
        var rows = Enumerable.Range(0, t.Rows).Select(r => Instance.RowParams(t, r)).ToArray();
        return new IpqTensor(t.Rows, t.Cols, k, d, book, idx, rows);
    }

    public EncodedTensor Encode(QuantizedTensor q, string what) =>
        throw new InvalidDataException($"{what}: ipq weights are indices into a codebook, not int8 weights; build the tensor with IpqEncoding.Pack");

    /// <summary>The decoded weights (each its codeword's value) and the row params.</summary>
    public QuantizedTensor Decode(EncodedTensor t)
    {
        var u = Unpacked.GetValue(t, Unpack);
        var w = new sbyte[t.Rows * t.Cols];
        for (int i = 0; i < w.Length; i++) w[i] = (sbyte)u.Weight(i / t.Cols, i % t.Cols);
        return new QuantizedTensor(t.Rows, t.Cols, w, u.RowParams);
    }

    public bool HasGemm => true;
    public bool HasEmbed => false;
    public int InputBytes(int cols) => cols;
    public bool PacksInput => false;

    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) =>
        MemoryMarshal.AsBytes(x[..count]).CopyTo(input[c0..]);

    /// <summary>Unpacked tensors, one per encoded tensor while it lives (the reference runs every utterance through them).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<EncodedTensor, IpqTensor> Unpacked = new();

    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        IpqKernels.Gemm(Unpacked.GetValue(t, Unpack), MemoryMarshal.Cast<byte, sbyte>(input), inStride, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output) =>
        throw new InvalidOperationException("ipq is a GEMM operand; scheme ipq keeps embedding tables in int8_row");
}
