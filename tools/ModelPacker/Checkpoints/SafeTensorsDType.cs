namespace ModelPacker.Checkpoints;

/// <summary>
/// The element types a safetensors header can name. Every one is known so that offsets of any tensor can be
/// checked; only F32, F16 and BF16 can be converted to fp32.
/// </summary>
public static class SafeTensorsDType
{
    public const string F32 = "F32";
    public const string F16 = "F16";
    public const string BF16 = "BF16";

    private static readonly Dictionary<string, int> Sizes = new(StringComparer.Ordinal)
    {
        ["BOOL"] = 1, ["U8"] = 1, ["I8"] = 1, ["F8_E5M2"] = 1, ["F8_E4M3"] = 1,
        ["I16"] = 2, ["U16"] = 2, ["F16"] = 2, ["BF16"] = 2,
        ["I32"] = 4, ["U32"] = 4, ["F32"] = 4,
        ["I64"] = 8, ["U64"] = 8, ["F64"] = 8,
    };

    /// <summary>Bytes per element, or 0 when the name is not a safetensors dtype.</summary>
    public static int SizeOf(string dtype) => Sizes.TryGetValue(dtype, out int size) ? size : 0;

    public static bool IsFloatConvertible(string dtype) => dtype is F32 or F16 or BF16;
}
