using System.Buffers.Binary;

namespace ModelPacker.FlashImage;

/// <summary>
/// The per-encoding rules the format delegates to docs/numerics.md, in C# (the C side is ni_encoding.h):
/// byte sizes of a tensor, validity of its params, and validity of the QUANT_PARAMS section.
/// </summary>
public interface IEncodingRules
{
    /// <summary>(data bytes, params bytes) of a rows x cols tensor; null for an encoding the runtime does not know.</summary>
    (int Data, int Params)? Sizes(TensorEncoding encoding, int rows, int cols);
    /// <summary>Null when valid, else what is wrong (one line).</summary>
    string? ValidateParams(TensorEncoding encoding, ReadOnlySpan<byte> parameters, int rows, int cols);
    string? ValidateQuantParams(ReadOnlySpan<byte> section, ModelDims dims);
}

/// <summary>
/// The int8 scheme's rules, equal to ni_encoding_validate / ni_qparams_validate (src/kernels/ni_encoding.c):
/// INT8_ROW data rows*cols int8; params per row {i32 bias (|bias| &lt;= 2^30), i32 multiplier &gt;= 0, i32 shift 1..62};
/// cols a multiple of 4 up to 65536. QUANT_PARAMS as <see cref="IntegerRuntime.QuantParams.FromBytes"/> checks it.
/// </summary>
public sealed class Int8RowEncodingRules : IEncodingRules
{
    public const int ParamsBytesPerRow = 12;
    public const int MaxAbsBias = 1 << 30;
    public static readonly Int8RowEncodingRules Instance = new();

    public (int Data, int Params)? Sizes(TensorEncoding encoding, int rows, int cols)
    {
        if (encoding != TensorEncoding.Int8Row || rows < 0 || cols < 0) return null;
        long data = (long)rows * cols, prm = (long)rows * ParamsBytesPerRow;
        return data > int.MaxValue || prm > int.MaxValue ? null : ((int)data, (int)prm);
    }

    public string? ValidateParams(TensorEncoding encoding, ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (encoding != TensorEncoding.Int8Row || p.Length != rows * ParamsBytesPerRow) return "params length";
        if (cols == 0 || cols % 4 != 0 || cols > 65536) return $"{cols} columns: the int8 GEMV needs a multiple of 4 up to 65536";
        for (int r = 0; r < rows; r++)
        {
            int bias = BinaryPrimitives.ReadInt32LittleEndian(p.Slice(r * 12));
            int mult = BinaryPrimitives.ReadInt32LittleEndian(p.Slice(r * 12 + 4));
            int shift = BinaryPrimitives.ReadInt32LittleEndian(p.Slice(r * 12 + 8));
            if (bias > MaxAbsBias || bias < -MaxAbsBias) return $"row {r}: bias {bias} outside +-2^30";
            if (mult < 0) return $"row {r}: multiplier {mult} < 0";
            if (shift < 1 || shift > 62) return $"row {r}: shift {shift} outside 1..62";
        }
        return null;
    }

    public string? ValidateQuantParams(ReadOnlySpan<byte> section, ModelDims d)
    {
        var dims = new IntegerRuntime.ModelDims(d.VocabSize, d.EmbeddingSize, d.HiddenSize, d.NumHeads, d.IntermediateSize,
            d.NumLayers, d.MaxPositions, d.NumLabels, (int)d.Activation, (int)d.Scheme);
        const string Tag = "\u0001";
        try
        {
            IntegerRuntime.QuantParams.FromBytes(section, dims, Tag);
            return null;
        }
        catch (InvalidDataException e)
        {
            return e.Message.StartsWith(Tag + ": ") ? e.Message[(Tag.Length + 2)..] : e.Message;
        }
    }
}

/// <summary>
/// Sizes as <see cref="Int8RowEncodingRules"/>, but any params and QUANT_PARAMS bytes pass: for tests that must
/// write an image whose values (not layout) the loader rejects. Never use it to write a real image.
/// </summary>
public sealed class SizesOnlyEncodingRules : IEncodingRules
{
    public static readonly SizesOnlyEncodingRules Instance = new();
    public (int Data, int Params)? Sizes(TensorEncoding encoding, int rows, int cols) => Int8RowEncodingRules.Instance.Sizes(encoding, rows, cols);
    public string? ValidateParams(TensorEncoding encoding, ReadOnlySpan<byte> parameters, int rows, int cols) => null;
    public string? ValidateQuantParams(ReadOnlySpan<byte> section, ModelDims dims) => null;
}
