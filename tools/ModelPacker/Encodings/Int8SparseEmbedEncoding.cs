using System.Buffers.Binary;
using System.Numerics;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_INT8_SPARSE_EMBED (docs/numerics.md section 3i): a magnitude-pruned int8 embedding table the lookup reads in
/// place. Data: <c>rows</c> little-endian u32 row offsets (from the start of data), then per row a bitmap of
/// ceil(cols/8) bytes (bit c%8 of byte c/8 set: column c kept; bits past cols 0) and the kept int8 values in column
/// order. Offsets are exact (the first is 4·rows, each next one the end of the row before) and data ends with the last
/// row: a variable-length encoding (<see cref="Sizes"/> gives the lengths with every row empty). Params: one
/// <see cref="Int8RowEncoding"/> row params per row. Encode keeps exactly the non-zero values, so a decoded table is the
/// int8 table it came from. Embedding tables only. C: native-kernels/src/kernels/encodings/ni_enc_int8_sparse_embed.c.
/// </summary>
public sealed class Int8SparseEmbedEncoding : ITensorEncoding
{
    public static readonly Int8SparseEmbedEncoding Instance = new();
    public const int OffsetBytes = 4;

    public TensorEncoding Id => TensorEncoding.Int8SparseEmbed;
    public string Name => "int8_sparse_embed";
    public bool HasGemm => false;
    public bool HasEmbed => true;
    public bool VariableLength => true;

    public static int BitmapBytes(int cols) => (cols + 7) / 8;

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = (long)rows * (OffsetBytes + BitmapBytes(cols)), prm = (long)rows * Encodings.RowParams.Bytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (cols == 0 || cols > Int8RowEncoding.MaxCols) return $"{cols} columns: int8_sparse_embed needs 1 to {Int8RowEncoding.MaxCols}";
        return Int8RowEncoding.RowParamsProblem(p, rows);
    }

    private static int Offset(EncodedTensor t, int row) => (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(t.Data.AsSpan(row * OffsetBytes)));

    public (NiStatus Status, string Message)? ValidateData(EncodedTensor t)
    {
        int bb = BitmapBytes(t.Cols), pad = bb * 8 - t.Cols;
        long next = (long)t.Rows * OffsetBytes;
        if (next > t.Data.Length) return (NiStatus.TensorSize, $"data {t.Data.Length} bytes, shorter than its {t.Rows} row offsets");
        for (int r = 0; r < t.Rows; r++)
        {
            uint offset = BinaryPrimitives.ReadUInt32LittleEndian(t.Data.AsSpan(r * OffsetBytes));
            if (offset != next) return (NiStatus.TensorSize, $"row {r} offset {offset}, the rows before it end at {next}");
            if (next + bb > t.Data.Length) return (NiStatus.TensorSize, $"row {r} bitmap ends past data ({t.Data.Length} bytes)");
            var bitmap = t.Data.AsSpan((int)next, bb);
            int kept = 0;
            foreach (byte b in bitmap) kept += BitOperations.PopCount(b);
            if (pad != 0 && bitmap[bb - 1] >> (8 - pad) != 0) return (NiStatus.TensorParams, $"row {r} bitmap keeps a column past {t.Cols}");
            next += bb + kept;
            if (next > t.Data.Length) return (NiStatus.TensorSize, $"row {r} keeps {kept} values, past the end of data ({t.Data.Length} bytes)");
        }
        return next == t.Data.Length ? null : (NiStatus.TensorSize, $"data {t.Data.Length} bytes, its rows end at {next}");
    }

    public RowParams RowParams(EncodedTensor t, int row) => Int8RowEncoding.ReadRowParams(t.Params, row);

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.InputThreshold != null) throw new InvalidDataException($"{what}: an embedding table has no input threshold");
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols > Int8RowEncoding.MaxCols) throw new InvalidDataException($"{what}: {q.Cols} columns; int8_sparse_embed needs 1 to {Int8RowEncoding.MaxCols}");
        int bb = BitmapBytes(q.Cols);
        long kept = q.Weights.Count(w => w != 0);
        long length = (long)q.Rows * (OffsetBytes + bb) + kept;
        if (length > int.MaxValue) throw new InvalidDataException($"{what}: {length} bytes of sparse rows do not fit 32 bits");
        var data = new byte[length];
        int at = q.Rows * OffsetBytes;
        for (int r = 0; r < q.Rows; r++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(r * OffsetBytes), (uint)at);
            int bitmap = at;
            at += bb;
            var row = q.Row(r);
            for (int c = 0; c < row.Length; c++)
            {
                if (row[c] == 0) continue;
                data[bitmap + c / 8] |= (byte)(1 << (c % 8));
                data[at++] = (byte)row[c];
            }
        }
        return new EncodedTensor(Id, q.Rows, q.Cols, data, Int8RowEncoding.RowParamsBytes(q.RowParams, what));
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var w = new sbyte[t.Rows * t.Cols];
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++)
        {
            ForEachKept(t, r, (c, v) => w[r * t.Cols + c] = v);
            p[r] = RowParams(t, r);
        }
        return new QuantizedTensor(t.Rows, t.Cols, w, p);
    }

    /// <summary>Kept values of row <paramref name="row"/> of a validated tensor, in column order.</summary>
    private static void ForEachKept(EncodedTensor t, int row, Action<int, sbyte> visit)
    {
        int bb = BitmapBytes(t.Cols), at = Offset(t, row), v = at + bb;
        for (int i = 0; i < bb; i++)
            for (int bits = t.Data[at + i], c = i * 8; bits != 0; bits >>= 1, c++)
                if ((bits & 1) != 0) visit(c, (sbyte)t.Data[v++]);
    }

    /// <summary>Kept values (non-zero int8) of the table: what the pruning left.</summary>
    public static long KeptCount(EncodedTensor t)
    {
        long n = 0;
        for (int r = 0; r < t.Rows; r++)
        {
            var bitmap = t.Data.AsSpan(Offset(t, r), BitmapBytes(t.Cols));
            foreach (byte b in bitmap) n += BitOperations.PopCount(b);
        }
        return n;
    }

    public int InputBytes(int cols) => throw NoGemm();
    public bool PacksInput => throw NoGemm();
    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) => throw NoGemm();
    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) => throw NoGemm();

    private static InvalidOperationException NoGemm() =>
        new("int8_sparse_embed is an embedding table encoding: it has no GEMM (the model rules keep it off GEMM operands)");

    /// <summary>Adds each kept value at its column, as INT8_ROW's lookup adds every value (a pruned column adds 0).</summary>
    public void EmbedAdd(EncodedTensor t, int row, Span<long> output)
    {
        var p = RowParams(t, row);
        int bb = BitmapBytes(t.Cols), at = Offset(t, row), v = at + bb;
        for (int i = 0; i < bb; i++)
            for (int bits = t.Data[at + i], c = i * 8; bits != 0; bits >>= 1, c++)
                if ((bits & 1) != 0) output[c] += FixedPoint.RoundShift((long)(sbyte)t.Data[v++] * p.Multiplier, p.Shift);
    }
}
