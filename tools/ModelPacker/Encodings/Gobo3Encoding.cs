using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_GOBO3 (docs/numerics.md section 3h): data rows × 3·⌈cols/8⌉ bytes of 3-bit centroid indices (8 a group of 3
/// bytes, index j in bits 3j..3j+2 of the little-endian 24-bit group; a row whose cols is not a multiple of 8 ends with
/// 4 padding indices, written 0, ignored), then the outliers, 6 bytes each {u16 row, u16 col, i16 value}, sorted by
/// (row, col), unique, their index slot 0. Params: a 28-byte header {i32 multiplier ≥ 0, i32 shift 1..62, u32
/// outlier count, i16 centroid[8]}, then an i32 bias per row (|bias| ≤ 2^30). |centroid|, |value| ≤ 4095, cols a
/// multiple of 4 up to 1024. Variable length: <see cref="Sizes"/> is the length without outliers.
/// The tensor is built from a <see cref="Gobo3Tensor"/> (<see cref="Pack"/>), not from int8 weights.
/// C: native-kernels/src/kernels/encodings/ni_enc_gobo3.c.
/// </summary>
public sealed class Gobo3Encoding : ITensorEncoding
{
    public static readonly Gobo3Encoding Instance = new();
    public const int HeaderBytes = 28, RowBytes = 4, OutlierBytes = 6, MaxCols = 1024;
    private const int OffCount = 8, OffCentroids = 12;

    public TensorEncoding Id => TensorEncoding.Gobo3;
    public string Name => "gobo3";
    public bool VariableLength => true;

    /// <summary>Bytes of one row of indices.</summary>
    public static int IndexRowBytes(int cols) => 3 * ((cols + 7) / 8);

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0) return null;
        long data = (long)rows * (3 * ((cols + 7L) / 8)), prm = HeaderBytes + (long)rows * RowBytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (p.Length < HeaderBytes + (long)rows * RowBytes) return $"params are {p.Length} bytes, {rows} rows need {HeaderBytes + rows * RowBytes}";
        if (cols == 0 || cols % 4 != 0 || cols > MaxCols) return $"{cols} columns: gobo3 needs a multiple of 4 up to {MaxCols}";
        int mult = BinaryPrimitives.ReadInt32LittleEndian(p), shift = BinaryPrimitives.ReadInt32LittleEndian(p[4..]);
        if (mult < 0) return $"multiplier {mult} < 0";
        if (shift is < 1 or > 62) return $"shift {shift} outside 1..62";
        for (int k = 0; k < Gobo3Tensor.Centroids; k++)
        {
            int c = BinaryPrimitives.ReadInt16LittleEndian(p[(OffCentroids + 2 * k)..]);
            if (Math.Abs(c) > Gobo3Tensor.MaxValue) return $"centroid {k} = {c} outside +-{Gobo3Tensor.MaxValue}";
        }
        for (int r = 0; r < rows; r++)
        {
            int bias = BinaryPrimitives.ReadInt32LittleEndian(p[(HeaderBytes + r * RowBytes)..]);
            if (Math.Abs((long)bias) > Encodings.RowParams.MaxAbsBias) return $"row {r}: bias {bias} outside +-2^30";
        }
        return null; // the outlier count is checked against the data by ValidateData
    }

    public (NiStatus Status, string Message)? ValidateData(EncodedTensor t)
    {
        long prm = HeaderBytes + (long)t.Rows * RowBytes, indices = (long)t.Rows * IndexRowBytes(t.Cols);
        if (t.Params.Length != prm) return (NiStatus.TensorSize, $"params are {t.Params.Length} bytes, {t.Rows} rows need exactly {prm}");
        uint count = BinaryPrimitives.ReadUInt32LittleEndian(t.Params.AsSpan(OffCount));
        if (t.Data.Length != indices + (long)count * OutlierBytes)
            return (NiStatus.TensorSize, $"data are {t.Data.Length} bytes; {indices} of indices and {count} outliers need {indices + (long)count * OutlierBytes}");
        long prev = -1;
        for (int i = 0; i < count; i++)
        {
            var o = t.Data.AsSpan((int)indices + i * OutlierBytes, OutlierBytes);
            int r = BinaryPrimitives.ReadUInt16LittleEndian(o), c = BinaryPrimitives.ReadUInt16LittleEndian(o[2..]);
            int v = BinaryPrimitives.ReadInt16LittleEndian(o[4..]);
            if (r >= t.Rows || c >= t.Cols) return (NiStatus.TensorParams, $"outlier {i} at ({r}, {c}) is outside [{t.Rows}, {t.Cols}]");
            long key = (long)r << 16 | (uint)c;
            if (key <= prev) return (NiStatus.TensorParams, $"outlier {i} at ({r}, {c}) is not after the one before it (sorted by row, col, no two equal)");
            if (Math.Abs(v) > Gobo3Tensor.MaxValue) return (NiStatus.TensorParams, $"outlier {i} value {v} outside +-{Gobo3Tensor.MaxValue}");
            if (Index(t.Data, IndexRowBytes(t.Cols), r, c) != 0) return (NiStatus.TensorParams, $"outlier {i} at ({r}, {c}): its index slot is not 0");
            prev = key;
        }
        return null;
    }

    private static int Index(ReadOnlySpan<byte> data, int rowBytes, int r, int c)
    {
        int g = r * rowBytes + 3 * (c / 8);
        int v = data[g] | data[g + 1] << 8 | data[g + 2] << 16;
        return v >> (3 * (c % 8)) & 7;
    }

    public RowParams RowParams(EncodedTensor t, int row)
    {
        var p = t.Params.AsSpan();
        return new RowParams(BinaryPrimitives.ReadInt32LittleEndian(p[(HeaderBytes + row * RowBytes)..]),
            BinaryPrimitives.ReadInt32LittleEndian(p), BinaryPrimitives.ReadInt32LittleEndian(p[4..]));
    }

    /// <summary>The bytes of <paramref name="g"/>; throws <see cref="InvalidDataException"/> naming <paramref name="what"/>
    /// when a value cannot be stored.</summary>
    public static EncodedTensor Pack(Gobo3Tensor g, string what)
    {
        int rows = g.Rows, cols = g.Cols, rb = IndexRowBytes(cols);
        if (cols == 0 || cols % 4 != 0 || cols > MaxCols) throw new InvalidDataException($"{what}: {cols} columns; gobo3 needs a multiple of 4 up to {MaxCols}");
        if (g.Indices.Length != rows * cols || g.Biases.Length != rows || g.CentroidValues.Length != Gobo3Tensor.Centroids)
            throw new InvalidDataException($"{what}: [{rows}, {cols}] needs {rows * cols} indices, {rows} biases and 8 centroids");
        if (!new Requant(g.Multiplier, g.Shift).IsValid) throw new InvalidDataException($"{what}: requantization ({g.Multiplier}, {g.Shift}) is out of range");
        var data = new byte[rows * rb + g.Outliers.Length * OutlierBytes];
        var outlier = new bool[rows * cols];
        for (int i = 0; i < g.Outliers.Length; i++)
        {
            var o = g.Outliers[i];
            if (o.Row < 0 || o.Row >= rows || o.Col < 0 || o.Col >= cols || Math.Abs((int)o.Value) > Gobo3Tensor.MaxValue)
                throw new InvalidDataException($"{what}: outlier ({o.Row}, {o.Col}) = {o.Value} is outside the tensor or +-{Gobo3Tensor.MaxValue}");
            if (i > 0 && Gobo3Tensor.OutlierOrder.Instance.Compare(g.Outliers[i - 1], o) >= 0)
                throw new InvalidDataException($"{what}: outliers are not sorted by (row, col) without repeats at {i}");
            outlier[o.Row * cols + o.Col] = true;
            var d = data.AsSpan(rows * rb + i * OutlierBytes);
            BinaryPrimitives.WriteUInt16LittleEndian(d, (ushort)o.Row);
            BinaryPrimitives.WriteUInt16LittleEndian(d[2..], (ushort)o.Col);
            BinaryPrimitives.WriteInt16LittleEndian(d[4..], o.Value);
        }
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++)
            {
                int k = outlier[r * cols + c] ? 0 : g.Indices[r * cols + c];
                if (k > 7) throw new InvalidDataException($"{what}: row {r} column {c} index {k} is not 0..7");
                int bit = 3 * c;   // within the row: group c / 8 starts at bit 24 (c / 8) = 3 (c - c % 8)
                data[r * rb + bit / 8] |= (byte)(k << (bit % 8));
                if (bit % 8 > 5) data[r * rb + bit / 8 + 1] |= (byte)(k >> (8 - bit % 8));
            }
        var prm = new byte[HeaderBytes + rows * RowBytes];
        BinaryPrimitives.WriteInt32LittleEndian(prm, g.Multiplier);
        BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(4), g.Shift);
        BinaryPrimitives.WriteUInt32LittleEndian(prm.AsSpan(OffCount), (uint)g.Outliers.Length);
        for (int k = 0; k < Gobo3Tensor.Centroids; k++)
        {
            if (Math.Abs((int)g.CentroidValues[k]) > Gobo3Tensor.MaxValue) throw new InvalidDataException($"{what}: centroid {k} = {g.CentroidValues[k]} outside +-{Gobo3Tensor.MaxValue}");
            BinaryPrimitives.WriteInt16LittleEndian(prm.AsSpan(OffCentroids + 2 * k), g.CentroidValues[k]);
        }
        for (int r = 0; r < rows; r++)
        {
            if (Math.Abs((long)g.Biases[r]) > Encodings.RowParams.MaxAbsBias) throw new InvalidDataException($"{what}: row {r} bias {g.Biases[r]} outside +-2^30");
            BinaryPrimitives.WriteInt32LittleEndian(prm.AsSpan(HeaderBytes + r * RowBytes), g.Biases[r]);
        }
        return new EncodedTensor(TensorEncoding.Gobo3, rows, cols, data, prm);
    }

    /// <summary>The integers of a validated tensor.</summary>
    public static Gobo3Tensor Unpack(EncodedTensor t)
    {
        int rows = t.Rows, cols = t.Cols, rb = IndexRowBytes(cols);
        var p = t.Params;
        var idx = new byte[rows * cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) idx[r * cols + c] = (byte)Index(t.Data, rb, r, c);
        var cent = Enumerable.Range(0, Gobo3Tensor.Centroids).Select(k => BinaryPrimitives.ReadInt16LittleEndian(p.AsSpan(OffCentroids + 2 * k))).ToArray();
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(OffCount));
        var outliers = new Gobo3Outlier[count];
        for (int i = 0; i < count; i++)
        {
            var o = t.Data.AsSpan(rows * rb + i * OutlierBytes);
            outliers[i] = new Gobo3Outlier(BinaryPrimitives.ReadUInt16LittleEndian(o), BinaryPrimitives.ReadUInt16LittleEndian(o[2..]), BinaryPrimitives.ReadInt16LittleEndian(o[4..]));
        }
        var biases = Enumerable.Range(0, rows).Select(r => BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(HeaderBytes + r * RowBytes))).ToArray();
        return new Gobo3Tensor(rows, cols, idx, cent, outliers, biases, BinaryPrimitives.ReadInt32LittleEndian(p), BinaryPrimitives.ReadInt32LittleEndian(p.AsSpan(4)));
    }

    public EncodedTensor Encode(QuantizedTensor q, string what) =>
        throw new InvalidDataException($"{what}: gobo3 weights are 3-bit indices into int16 centroids plus outliers, not int8 weights; build the tensor with Gobo3Encoding.Pack");

    public QuantizedTensor Decode(EncodedTensor t) =>
        throw new InvalidOperationException("gobo3 weights are int16 centroids and outliers, not int8; read them with Gobo3Encoding.Unpack");

    public bool HasGemm => true;
    public bool HasEmbed => false;
    public int InputBytes(int cols) => cols;
    public bool PacksInput => false;

    public void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input) =>
        MemoryMarshal.AsBytes(x[..count]).CopyTo(input[c0..]);

    /// <summary>Unpacked tensors, one per encoded tensor while it lives (the reference runs every utterance through them).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<EncodedTensor, Gobo3Tensor> Unpacked = new();

    public void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride) =>
        Gobo3Kernels.Gemm(Unpacked.GetValue(t, Unpack), MemoryMarshal.Cast<byte, sbyte>(input), inStride, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output) =>
        throw new InvalidOperationException("gobo3 is a GEMM operand; the scheme keeps embedding tables in int8_row");
}
