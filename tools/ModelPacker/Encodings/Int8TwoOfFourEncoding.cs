using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.Encodings;

/// <summary>
/// NI_ENC_INT8_2OF4 (docs/numerics.md section 3m): 2:4 sparse int8 rows. Of every group of 4 input columns only 2
/// weights are stored: a row is cols/2 int8 kept values (group g's two at bytes 2g, 2g + 1, the lower column first),
/// then ceil(cols/8) position bytes, group g's nibble p0 | p1 &lt;&lt; 2 (0 ≤ p0 &lt; p1 ≤ 3; the low nibble of byte g/2 for
/// even g) and an unused last nibble 0. Fixed lengths, checked with every nibble by <see cref="ValidateData"/>
/// (C's validate_data). <see cref="QuantizedTensor.Weights"/> holds the dense rows (pruned columns 0): Encode keeps each
/// group's non-zero columns, completed to two with its lowest zero columns, and rejects a group of 3 or 4 non-zeros.
/// Params are int8_row's. Never an embedding table. C: native-kernels/src/kernels/encodings/ni_enc_int8_2of4.c.
/// </summary>
public sealed class Int8TwoOfFourEncoding : ITensorEncoding
{
    public static readonly Int8TwoOfFourEncoding Instance = new();
    public const int MaxCols = 1024;

    public TensorEncoding Id => TensorEncoding.Int8_2of4;
    public string Name => "int8_2of4";

    public (int Data, int Params)? Sizes(int rows, int cols)
    {
        if (rows < 0 || cols < 0 || cols % 4 != 0) return null;
        long data = (long)rows * TwoOfFourKernels.RowBytes(cols), prm = (long)rows * Encodings.RowParams.Bytes;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    /// <summary>The lengths are the shape's, but the position nibbles need checking before a kernel reads with them:
    /// the variable-length hook (as C's validate_data) checks the lengths exactly and every nibble.</summary>
    public bool VariableLength => true;

    public string? ValidateParams(ReadOnlySpan<byte> p, int rows, int cols)
    {
        // a longer params is ValidateData's TensorSize, as in C
        if (p.Length < rows * Encodings.RowParams.Bytes) return $"params are {p.Length} bytes, {rows} rows need {rows * Encodings.RowParams.Bytes}";
        if (cols == 0 || cols % 4 != 0 || cols > MaxCols) return $"{cols} columns: int8_2of4 needs a multiple of 4 up to {MaxCols}";
        return Int8RowEncoding.RowParamsProblem(p[..(rows * Encodings.RowParams.Bytes)], rows);
    }

    public (NiStatus Status, string Message)? ValidateData(EncodedTensor t)
    {
        if (Sizes(t.Rows, t.Cols) is not { } sizes || t.Data.Length != sizes.Data || t.Params.Length != sizes.Params)
            return (NiStatus.TensorSize, $"data/params {t.Data.Length}/{t.Params.Length} bytes, int8_2of4 [{t.Rows}, {t.Cols}] is exactly {Sizes(t.Rows, t.Cols)?.Data}/{Sizes(t.Rows, t.Cols)?.Params}");
        int groups = t.Cols / 4, rowBytes = TwoOfFourKernels.RowBytes(t.Cols);
        for (int r = 0; r < t.Rows; r++)
        {
            var pos = t.Data.AsSpan(r * rowBytes + t.Cols / 2);
            for (int g = 0; g < groups; g++)
                if (!TwoOfFourKernels.NibbleOk(TwoOfFourKernels.Nibble(pos, g)))
                    return (NiStatus.TensorParams, $"row {r} group {g}: position nibble {TwoOfFourKernels.Nibble(pos, g)} is not two distinct ascending columns");
            if (groups % 2 != 0 && TwoOfFourKernels.Nibble(pos, groups) != 0)
                return (NiStatus.TensorParams, $"row {r}: the unused last position nibble is {TwoOfFourKernels.Nibble(pos, groups)}, not 0");
        }
        return null;
    }

    public RowParams RowParams(EncodedTensor t, int row) => Int8RowEncoding.ReadRowParams(t.Params, row);

    public EncodedTensor Encode(QuantizedTensor q, string what)
    {
        if (q.InputThreshold != null) throw new InvalidDataException($"{what}: int8_2of4 multiplies its input as it is; it has no input threshold");
        if (q.Weights.Length != q.Rows * q.Cols || q.RowParams.Length != q.Rows)
            throw new InvalidDataException($"{what}: [{q.Rows}, {q.Cols}] needs {q.Rows * q.Cols} weights and {q.Rows} row params, has {q.Weights.Length} and {q.RowParams.Length}");
        if (q.Cols == 0 || q.Cols % 4 != 0 || q.Cols > MaxCols)
            throw new InvalidDataException($"{what}: {q.Cols} columns; int8_2of4 needs a multiple of 4 up to {MaxCols}");
        int rowBytes = TwoOfFourKernels.RowBytes(q.Cols);
        var data = new byte[q.Rows * rowBytes];
        for (int r = 0; r < q.Rows; r++)
            for (int g = 0; g < q.Cols / 4; g++)
            {
                var group = q.Weights.AsSpan(r * q.Cols + 4 * g, 4);
                var (p0, p1) = KeptPositions(group) ?? throw new InvalidDataException(
                    $"{what}: row {r}, columns {4 * g}..{4 * g + 3} hold {Count(group)} non-zero weights; int8_2of4 keeps 2 of every 4");
                data[r * rowBytes + 2 * g] = (byte)group[p0];
                data[r * rowBytes + 2 * g + 1] = (byte)group[p1];
                data[r * rowBytes + q.Cols / 2 + g / 2] |= (byte)((p0 | p1 << 2) << (g % 2 * 4));
            }
        return new EncodedTensor(Id, q.Rows, q.Cols, data, Int8RowEncoding.RowParamsBytes(q.RowParams, what));
    }

    /// <summary>The two kept columns of a group (ascending): its non-zeros, completed with its lowest zero columns;
    /// null when it has more than two non-zeros.</summary>
    public static (int P0, int P1)? KeptPositions(ReadOnlySpan<sbyte> group)
    {
        if (Count(group) > 2) return null;
        Span<bool> keep = stackalloc bool[4];
        int kept = 0;
        for (int c = 0; c < 4; c++) if (group[c] != 0) { keep[c] = true; kept++; }
        for (int c = 0; c < 4 && kept < 2; c++) if (!keep[c]) { keep[c] = true; kept++; }
        int p0 = keep.IndexOf(true);
        return (p0, p0 + 1 + keep[(p0 + 1)..].IndexOf(true));
    }

    private static int Count(ReadOnlySpan<sbyte> group)
    {
        int n = 0;
        foreach (var v in group) if (v != 0) n++;
        return n;
    }

    public QuantizedTensor Decode(EncodedTensor t)
    {
        var p = new RowParams[t.Rows];
        for (int r = 0; r < t.Rows; r++) p[r] = RowParams(t, r);
        var w = new sbyte[t.Rows * t.Cols];
        int rowBytes = TwoOfFourKernels.RowBytes(t.Cols);
        for (int r = 0; r < t.Rows; r++)
        {
            var row = t.Data.AsSpan(r * rowBytes, rowBytes);
            for (int k = 0; k < t.Cols / 2; k++) w[r * t.Cols + TwoOfFourKernels.Column(row, t.Cols, k)] = (sbyte)row[k];
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
        TwoOfFourKernels.Gemm(t.Data, t.Cols, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, sbyte>(input), inStride, n, r0, r1, acc, accStride);

    public void EmbedAdd(EncodedTensor t, int row, Span<long> output) =>
        throw new InvalidOperationException("int8_2of4 is a GEMM operand; scheme int8-2of4 keeps embedding tables in int8_row");
}
