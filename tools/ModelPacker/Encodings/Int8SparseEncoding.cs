using System.Buffers.Binary;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_INT8_SPARSE (docs/numerics.md section 3l): pruned int8 GEMM rows that store only their kept blocks of b
/// int8 weights (b = 1 unstructured, b = 4 four adjacent columns of a row, b = 16 four rows × four columns). Data: u32 b,
/// u32 row_start[units + 1] (a unit is a row, or a group of 4 rows for b = 16; unit u's blocks are [row_start[u],
/// row_start[u + 1]), from 0, non-decreasing), u16 block_col[nb] (a block's first column / its width, strictly ascending
/// within a unit, &lt; cols / width), zero bytes to a multiple of 4, int8 values[nb·b] (a 4×4 block row by row); data is
/// exactly that long (variable length: <see cref="Sizes"/> gives the least length, no block and units = rows / 4).
/// Params: int8_row's, one {bias, multiplier, shift} per row. <see cref="Encode"/> keeps every block with a non-zero
/// weight and picks the b with fewer bytes (ties: the larger block, which the Cortex-M DSP kernels multiply with SMLAD),
/// so a decoded tensor is the int8 tensor it came from. Never an embedding table.
/// C: native-kernels/src/kernels/encodings/ni_enc_int8_sparse.c.
/// </summary>
public sealed class Int8SparseEncoding : ITensorEncoding
{
    public static readonly Int8SparseEncoding Instance = new();
    public const int MaxCols = 65536, HeaderBytes = 4;

    public TensorEncoding Id => TensorEncoding.Int8Sparse;
    public string Name => "int8_sparse";
    public bool VariableLength => true;

    /// <summary>The block sizes: 1 and 4 weights of a row, 16 = 4 rows × 4 columns.</summary>
    public const int Block4x4 = 16;

    /// <summary>Rows of a block of <paramref name="b"/> weights (4 for 4×4, else 1).</summary>
    public static int Height(int b) => b == Block4x4 ? 4 : 1;
    /// <summary>Columns of a block of <paramref name="b"/> weights.</summary>
    public static int Width(int b) => b / Height(b);
    /// <summary>The units row_start counts: rows, or groups of 4 rows for 4×4 blocks.</summary>
    public static int Units(int b, int rows) => rows / Height(b);
    public static int ColsOffset(int units) => 8 + 4 * units;
    public static long ValuesOffset(int units, long blocks) => (ColsOffset(units) + 2 * blocks + 3) & ~3L;
    public static int Block(EncodedTensor t) => (int)BinaryPrimitives.ReadUInt32LittleEndian(t.Data);
    public static int Units(EncodedTensor t) => Units(Block(t), t.Rows);
    /// <summary>The index of unit u's first kept block (a row's, or for 4×4 blocks the group of rows 4u..4u+3's).</summary>
    public static int RowStart(EncodedTensor t, int u) => (int)BinaryPrimitives.ReadUInt32LittleEndian(t.Data.AsSpan(4 + 4 * u));
    /// <summary>The first column of kept block k.</summary>
    public static int BlockCol(EncodedTensor t, int k) => BinaryPrimitives.ReadUInt16LittleEndian(t.Data.AsSpan(ColsOffset(Units(t)) + 2 * k)) * Width(Block(t));
    /// <summary>Kept blocks of a validated tensor.</summary>
    public static int KeptBlocks(EncodedTensor t) => RowStart(t, Units(t));

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = 8L + 4L * (rows / 4), prm = (long)rows * Encodings.RowParams.Bytes;
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
        if (b is not (1 or 4 or Block4x4)) return (NiStatus.TensorParams, $"block size {b}, int8_sparse has blocks of 1, 4 or 16 (4x4)");
        if (b == Block4x4 && t.Rows % 4 != 0) return (NiStatus.TensorParams, $"{t.Rows} rows: 4x4 blocks need a multiple of 4");
        int units = Units((int)b, t.Rows);
        if (t.Data.Length < ColsOffset(units)) return (NiStatus.TensorSize, $"data {t.Data.Length} bytes, the {units} row starts end at {ColsOffset(units)}");
        uint perRow = (uint)(t.Cols / Width((int)b));
        string unit = b == Block4x4 ? "row group" : "row";
        uint Start(int u) => BinaryPrimitives.ReadUInt32LittleEndian(t.Data.AsSpan(4 + 4 * u));
        if (Start(0) != 0) return (NiStatus.TensorSize, $"{unit} 0 starts at block {Start(0)}, not 0");
        for (int u = 0; u < units; u++)
        {
            uint k0 = Start(u), k1 = Start(u + 1);
            if (k1 < k0) return (NiStatus.TensorSize, $"{unit} {u + 1} starts at block {k1}, before {unit} {u} ({k0})");
            if (k1 - k0 > perRow) return (NiStatus.TensorSize, $"{unit} {u} has {k1 - k0} blocks, more than {perRow} (cols / block width)");
        }
        long nb = Start(units), colsEnd = ColsOffset(units) + 2 * nb, values = ValuesOffset(units, nb);
        if (values + nb * b != t.Data.Length) return (NiStatus.TensorSize, $"data {t.Data.Length} bytes, {nb} blocks of {b} end at {values + nb * b}");
        for (long i = colsEnd; i < values; i++)
            if (t.Data[i] != 0) return (NiStatus.TensorParams, $"padding byte {i} is {t.Data[i]}, not 0");
        for (int u = 0; u < units; u++)
        {
            int next = 0;
            for (long k = Start(u); k < Start(u + 1); k++)
            {
                int c = BinaryPrimitives.ReadUInt16LittleEndian(t.Data.AsSpan((int)(ColsOffset(units) + 2 * k)));
                if (c < next || c >= perRow) return (NiStatus.TensorParams, $"{unit} {u} block {k - Start(u)}: column {c} (block units) not ascending or past {perRow - 1}");
                next = c + 1;
            }
        }
        return null;
    }

    public RowParams RowParams(EncodedTensor t, int row) => Int8RowEncoding.ReadRowParams(t.Params, row);

    /// <summary>Bytes of the data for <paramref name="blocks"/> kept blocks of <paramref name="b"/>.</summary>
    public static long DataBytes(int rows, long blocks, int b) => ValuesOffset(Units(b, rows), blocks) + blocks * b;

    /// <summary>Whether block size <paramref name="b"/> fits a [rows, ·] tensor (4×4 blocks need rows % 4 == 0).</summary>
    public static bool Fits(int b, int rows) => rows % Height(b) == 0;

    /// <summary>Whether the block of <paramref name="b"/> at row <paramref name="r"/>, column <paramref name="c"/> (its
    /// top left) holds a non-zero weight.</summary>
    private static bool AnyNonZero(QuantizedTensor q, int b, int r, int c)
    {
        for (int i = 0; i < Height(b); i++)
            if (q.Row(r + i).Slice(c, Width(b)).ContainsAnyExcept((sbyte)0)) return true;
        return false;
    }

    /// <summary>Blocks of <paramref name="b"/> with a non-zero weight.</summary>
    public static long CountBlocks(QuantizedTensor q, int b)
    {
        long n = 0;
        for (int r = 0; r < q.Rows; r += Height(b))
            for (int c = 0; c < q.Cols; c += Width(b))
                if (AnyNonZero(q, b, r, c)) n++;
        return n;
    }

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.InputThreshold != null) throw new InvalidDataException($"{what}: int8_sparse multiplies its input as it is; it has no input threshold");
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % 4 != 0 || q.Cols > MaxCols) throw new InvalidDataException($"{what}: {q.Cols} columns; int8_sparse needs a multiple of 4 up to {MaxCols}");
        // the fewest bytes; ties go to the larger block (the order below), which the DSP kernels run fastest
        int best = 0;
        long bestBytes = long.MaxValue;
        foreach (int b in new[] { Block4x4, 4, 1 })
        {
            if (!Fits(b, q.Rows)) continue;
            long bytes = DataBytes(q.Rows, CountBlocks(q, b), b);
            if (bytes < bestBytes) (best, bestBytes) = (b, bytes);
        }
        return Encode(q, what, best);
    }

    /// <summary>Encodes with blocks of <paramref name="b"/> (1, 4 or 16 = 4×4): every block with a non-zero weight is kept.</summary>
    public EncodedTensor Encode(QuantizedTensor q, string what, int b)
    {
        if (b is not (1 or 4 or Block4x4)) throw new ArgumentOutOfRangeException(nameof(b), b, "int8_sparse blocks are 1, 4 or 16 (4x4) weights");
        if (!Fits(b, q.Rows)) throw new InvalidDataException($"{what}: {q.Rows} rows; 4x4 blocks need a multiple of 4");
        int h = Height(b), wd = Width(b), units = Units(b, q.Rows);
        long nb = CountBlocks(q, b), length = DataBytes(q.Rows, nb, b);
        if (length > int.MaxValue) throw new InvalidDataException($"{what}: {length} bytes of sparse rows do not fit 32 bits");
        var data = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(data, (uint)b);
        int k = 0, v = (int)ValuesOffset(units, nb);
        for (int u = 0; u < units; u++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4 + 4 * u), (uint)k);
            for (int c = 0; c < q.Cols; c += wd)
            {
                if (!AnyNonZero(q, b, u * h, c)) continue;
                BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(ColsOffset(units) + 2 * k++), (ushort)(c / wd));
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < wd; j++) data[v++] = (byte)q.Row(u * h + i)[c + j];
            }
        }
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4 + 4 * units), (uint)k);
        return new EncodedTensor(Id, q.Rows, q.Cols, data, Int8RowEncoding.RowParamsBytes(q.RowParams, what));
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var w = new sbyte[t.Rows * t.Cols];
        var p = new RowParams[t.Rows];
        int b = Block(t), h = Height(b), wd = Width(b), units = Units(t), values = (int)ValuesOffset(units, KeptBlocks(t));
        for (int u = 0; u < units; u++)
            for (int k = RowStart(t, u); k < RowStart(t, u + 1); k++)
                for (int i = 0; i < h; i++)
                    for (int j = 0; j < wd; j++) w[(u * h + i) * t.Cols + BlockCol(t, k) + j] = (sbyte)t.Data[values + k * b + i * wd + j];
        for (int r = 0; r < t.Rows; r++) p[r] = RowParams(t, r);
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
