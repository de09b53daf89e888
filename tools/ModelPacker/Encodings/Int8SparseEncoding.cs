using System.Buffers.Binary;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_INT8_SPARSE (docs/numerics.md section 3l): pruned int8 GEMM rows that store only their kept blocks of b
/// int8 weights (b = 1 unstructured, b = 4 four adjacent columns). Data: u32 b, u32 row_start[rows + 1] (row r's
/// blocks are [row_start[r], row_start[r + 1]), from 0, non-decreasing), u16 block_col[nb] (a block's first column / b,
/// strictly ascending within a row, &lt; cols / b), zero bytes to a multiple of 4, int8 values[nb·b]; data is exactly
/// that long (variable length: <see cref="Sizes"/> gives the lengths with no block). Params: int8_row's, one {bias,
/// multiplier, shift} per row. <see cref="Encode"/> keeps every block with a non-zero weight and picks the b with fewer
/// bytes (ties: 4, which the Cortex-M DSP kernel multiplies with SMLAD), so a decoded tensor is the int8 tensor it came
/// from. Never an embedding table. C: native-kernels/src/kernels/encodings/ni_enc_int8_sparse.c.
/// </summary>
public sealed class Int8SparseEncoding : ITensorEncoding
{
    public static readonly Int8SparseEncoding Instance = new();
    public const int MaxCols = 65536, HeaderBytes = 4;

    public TensorEncoding Id => TensorEncoding.Int8Sparse;
    public string Name => "int8_sparse";
    public bool VariableLength => true;

    public static int ColsOffset(int rows) => 8 + 4 * rows;
    public static long ValuesOffset(int rows, long blocks) => (ColsOffset(rows) + 2 * blocks + 3) & ~3L;
    public static int Block(EncodedTensor t) => (int)BinaryPrimitives.ReadUInt32LittleEndian(t.Data);
    public static int RowStart(EncodedTensor t, int r) => (int)BinaryPrimitives.ReadUInt32LittleEndian(t.Data.AsSpan(4 + 4 * r));
    /// <summary>The first column of kept block k.</summary>
    public static int BlockCol(EncodedTensor t, int k) => BinaryPrimitives.ReadUInt16LittleEndian(t.Data.AsSpan(ColsOffset(t.Rows) + 2 * k)) * Block(t);
    /// <summary>Kept blocks of a validated tensor.</summary>
    public static int KeptBlocks(EncodedTensor t) => RowStart(t, t.Rows);

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = 8L + 4L * rows, prm = (long)rows * Encodings.RowParams.Bytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (cols == 0 || cols % 4 != 0 || cols > MaxCols) return $"{cols} columns: int8_sparse needs a multiple of 4 up to {MaxCols}";
        return Int8RowEncoding.RowParamsProblem(p, rows);
    }

    public (NiStatus Status, string Message)? ValidateData(EncodedTensor t)
    {
        uint b = BinaryPrimitives.ReadUInt32LittleEndian(t.Data);
        if (b is not (1 or 4)) return (NiStatus.TensorParams, $"block size {b}, int8_sparse has blocks of 1 or 4");
        uint perRow = (uint)t.Cols / b;
        uint Start(int r) => BinaryPrimitives.ReadUInt32LittleEndian(t.Data.AsSpan(4 + 4 * r));
        if (Start(0) != 0) return (NiStatus.TensorSize, $"row 0 starts at block {Start(0)}, not 0");
        for (int r = 0; r < t.Rows; r++)
        {
            uint k0 = Start(r), k1 = Start(r + 1);
            if (k1 < k0) return (NiStatus.TensorSize, $"row {r + 1} starts at block {k1}, before row {r} ({k0})");
            if (k1 - k0 > perRow) return (NiStatus.TensorSize, $"row {r} has {k1 - k0} blocks, more than {perRow} (cols / b)");
        }
        long nb = Start(t.Rows), colsEnd = ColsOffset(t.Rows) + 2 * nb, values = ValuesOffset(t.Rows, nb);
        if (values + nb * b != t.Data.Length) return (NiStatus.TensorSize, $"data {t.Data.Length} bytes, {nb} blocks of {b} end at {values + nb * b}");
        for (long i = colsEnd; i < values; i++)
            if (t.Data[i] != 0) return (NiStatus.TensorParams, $"padding byte {i} is {t.Data[i]}, not 0");
        for (int r = 0; r < t.Rows; r++)
        {
            int next = 0;
            for (long k = Start(r); k < Start(r + 1); k++)
            {
                int c = BinaryPrimitives.ReadUInt16LittleEndian(t.Data.AsSpan((int)(ColsOffset(t.Rows) + 2 * k)));
                if (c < next || c >= perRow) return (NiStatus.TensorParams, $"row {r} block {k - Start(r)}: column {c} (block units) not ascending or past {perRow - 1}");
                next = c + 1;
            }
        }
        return null;
    }

    public RowParams RowParams(EncodedTensor t, int row) => Int8RowEncoding.ReadRowParams(t.Params, row);

    /// <summary>Bytes of the data for <paramref name="blocks"/> kept blocks of <paramref name="b"/>.</summary>
    public static long DataBytes(int rows, long blocks, int b) => ValuesOffset(rows, blocks) + blocks * b;

    /// <summary>Blocks of <paramref name="b"/> with a non-zero weight.</summary>
    public static long CountBlocks(QuantizedTensor q, int b)
    {
        long n = 0;
        for (int r = 0; r < q.Rows; r++)
            for (int c = 0; c < q.Cols; c += b)
                if (q.Row(r).Slice(c, b).ContainsAnyExcept((sbyte)0)) n++;
        return n;
    }

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.InputThreshold != null) throw new InvalidDataException($"{what}: int8_sparse multiplies its input as it is; it has no input threshold");
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % 4 != 0 || q.Cols > MaxCols) throw new InvalidDataException($"{what}: {q.Cols} columns; int8_sparse needs a multiple of 4 up to {MaxCols}");
        long n1 = CountBlocks(q, 1), n4 = CountBlocks(q, 4);
        return Encode(q, what, DataBytes(q.Rows, n4, 4) <= DataBytes(q.Rows, n1, 1) ? 4 : 1);
    }

    /// <summary>Encodes with blocks of <paramref name="b"/> (1 or 4): every block with a non-zero weight is kept.</summary>
    public EncodedTensor Encode(QuantizedTensor q, string what, int b)
    {
        if (b is not (1 or 4)) throw new ArgumentOutOfRangeException(nameof(b), b, "int8_sparse blocks are 1 or 4 weights");
        long nb = CountBlocks(q, b), length = DataBytes(q.Rows, nb, b);
        if (length > int.MaxValue) throw new InvalidDataException($"{what}: {length} bytes of sparse rows do not fit 32 bits");
        var data = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(data, (uint)b);
        int k = 0, v = (int)ValuesOffset(q.Rows, nb);
        for (int r = 0; r < q.Rows; r++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4 + 4 * r), (uint)k);
            var row = q.Row(r);
            for (int c = 0; c < q.Cols; c += b)
            {
                if (!row.Slice(c, b).ContainsAnyExcept((sbyte)0)) continue;
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(ColsOffset(q.Rows) + 2 * k++), (ushort)(c / b));
                for (int j = 0; j < b; j++) data[v++] = (byte)row[c + j];
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4 + 4 * q.Rows), (uint)k);
        return new EncodedTensor(Id, q.Rows, q.Cols, data, Int8RowEncoding.RowParamsBytes(q.RowParams, what));
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var w = new sbyte[t.Rows * t.Cols];
        var p = new RowParams[t.Rows];
        int b = Block(t), values = (int)ValuesOffset(t.Rows, KeptBlocks(t));
        for (int r = 0; r < t.Rows; r++)
        {
            for (int k = RowStart(t, r); k < RowStart(t, r + 1); k++)
                for (int j = 0; j < b; j++) w[r * t.Cols + BlockCol(t, k) + j] = (sbyte)t.Data[values + k * b + j];
            p[r] = RowParams(t, r);
        }
        return new QuantizedTensor(t.Rows, t.Cols, w, p);
    }

    public bool HasGemm => true;
    public bool HasEmbed => false;
    public int InputBytes(int cols) => cols;
    public bool PacksInput => false;

    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) =>
        System.Runtime.InteropServices.MemoryMarshal.AsBytes(x[..count]).CopyTo(input[c0..]);

    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        Int8SparseKernels.Gemm(t, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(input), inStride, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output) =>
        throw new InvalidOperationException("int8_sparse is a GEMM operand; scheme int8-sparse keeps embedding tables in int8_row");
}
