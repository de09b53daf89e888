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
/// INT8_ROW as docs/numerics.md defines it: data rows*cols int8; params per row {i32 bias, i32 multiplier >= 0,
/// i32 shift 1..62}, 12 bytes. QUANT_PARAMS: checked by <see cref="QuantParamsValidator"/> when set, else it
/// must be non-empty and a multiple of 4 bytes.
/// </summary>
public sealed class Int8RowEncodingRules : IEncodingRules
{
    public const int ParamsBytesPerRow = 12;
    public static readonly Int8RowEncodingRules Instance = new();

    /// <summary>The numerics validator of QUANT_PARAMS (null: only the length rule above).</summary>
    public static Func<byte[], ModelDims, string?>? QuantParamsValidator { get; set; }

    public (int Data, int Params)? Sizes(TensorEncoding encoding, int rows, int cols)
    {
        if (encoding != TensorEncoding.Int8Row || rows <= 0 || cols <= 0) return null;
        long data = (long)rows * cols, prm = (long)rows * ParamsBytesPerRow;
        return data > uint.MaxValue || prm > uint.MaxValue ? null : ((int)data, (int)prm);
    }

    public string? ValidateParams(TensorEncoding encoding, ReadOnlySpan<byte> p, int rows, int cols)
    {
        if (encoding != TensorEncoding.Int8Row || p.Length != rows * ParamsBytesPerRow) return "params length";
        for (int r = 0; r < rows; r++)
        {
            int mult = BinaryPrimitives.ReadInt32LittleEndian(p.Slice(r * 12 + 4));
            int shift = BinaryPrimitives.ReadInt32LittleEndian(p.Slice(r * 12 + 8));
            if (mult < 0) return $"row {r}: multiplier {mult} < 0";
            if (shift < 1 || shift > 62) return $"row {r}: shift {shift} outside 1..62";
        }
        return null;
    }

    public string? ValidateQuantParams(ReadOnlySpan<byte> section, ModelDims dims)
    {
        if (QuantParamsValidator != null) return QuantParamsValidator(section.ToArray(), dims);
        return section.Length > 0 && section.Length % 4 == 0 ? null : $"length {section.Length} is not a positive multiple of 4";
    }
}
