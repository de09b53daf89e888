using ModelPacker.Encodings;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.FlashImage;

/// <summary>
/// The one set of rules a model must satisfy, used by the image reader (entry by entry, in the loader's order) and
/// by <see cref="IntegerModel.Validate"/> (a model built in memory): dims, each tensor's shape, encoding (the
/// table's and the scheme's), sizes and params, and QUANT_PARAMS. Each check returns the C status and a one-line
/// reason, or null.
/// </summary>
public static class ModelValidator
{
    public readonly record struct Failure(NiStatus Status, string Message);

    public static Failure? Dims(ModelDims d) => d.Problem() is { } p ? new Failure(NiStatus.ModelDims, p) : null;

    /// <summary>Shape, encoding and byte sizes of a tensor entry (before its bytes are located).</summary>
    public static Failure? Entry(ModelDims d, ushort id, TensorEncoding encoding, long rows, long cols, long dataLength, long paramsLength)
    {
        var exp = TensorNames.Expected(id, d);
        if (exp == null) return new Failure(NiStatus.TensorUnknown, $"id {id} is not a tensor of this model");
        if (rows != exp.Value.Rows || cols != exp.Value.Cols)
            return new Failure(NiStatus.TensorShape, $"shape [{rows}, {cols}], the MODEL dims demand [{exp.Value.Rows}, {exp.Value.Cols}]");
        if (TensorEncodings.Find(encoding) is not { } enc) return new Failure(NiStatus.TensorEncoding, $"encoding {(byte)encoding} is not supported");
        var scheme = Schemes.Get(d.Scheme);
        if (!scheme.Allows(id, encoding) && encoding == scheme.PoolerAlternative)
            return new Failure(NiStatus.TensorEncoding, $"encoding {enc.Name} is for exit poolers only; scheme {scheme.Name} stores this tensor as {TensorEncodings.Get(scheme.EncodingOf(id)).Name}");
        if (!scheme.Allows(id, encoding))
            return new Failure(NiStatus.TensorEncoding, $"encoding {enc.Name}, scheme {scheme.Name} stores this tensor as {TensorEncodings.Get(scheme.EncodingOf(id)).Name}");
        if (Scheme.IsEmbeddingTable(id) ? !enc.HasEmbed : !enc.HasGemm)
            return new Failure(NiStatus.TensorEncoding, Scheme.IsEmbeddingTable(id)
                ? $"encoding {enc.Name} has no embedding rows; this tensor is an embedding table"
                : $"encoding {enc.Name} has no GEMM; this tensor is a GEMM operand");
        return Lengths(enc, rows, cols, dataLength, paramsLength);
    }

    /// <summary>Data and params lengths against the encoding's sizes: equal, or at least those of a variable-length encoding.</summary>
    public static Failure? Lengths(ITensorEncoding enc, long rows, long cols, long dataLength, long paramsLength)
    {
        if (enc.Sizes((int)rows, (int)cols) is not { } sizes) return new Failure(NiStatus.TensorEncoding, $"[{rows}, {cols}] is too large for encoding {enc.Name}");
        if (enc.VariableLength ? dataLength < sizes.Data || paramsLength < sizes.Params : dataLength != sizes.Data || paramsLength != sizes.Params)
            return new Failure(NiStatus.TensorSize, $"data/params {dataLength}/{paramsLength} bytes, encoding {enc.Name} needs " +
                                                    (enc.VariableLength ? $"at least {sizes.Data}/{sizes.Params}" : $"{sizes.Data}/{sizes.Params}"));
        return null;
    }

    /// <summary>The params' values, then for a variable-length encoding the whole tensor (after <see cref="Entry"/> passed).</summary>
    public static Failure? Content(EncodedTensor t)
    {
        var enc = TensorEncodings.Get(t.Encoding);
        if (enc.ValidateParams(t.Params, t.Rows, t.Cols) is { } p) return new Failure(NiStatus.TensorParams, p);
        return enc.ValidateData(t) is { } d ? new Failure(d.Status, d.Message) : null;
    }

    /// <summary>Every check of one tensor held in memory.</summary>
    public static Failure? Tensor(ModelDims d, ushort id, EncodedTensor t) =>
        Entry(d, id, t.Encoding, t.Rows, t.Cols, t.Data.Length, t.Params.Length) ?? Content(t);

    public static Failure? QuantParams(ReadOnlySpan<byte> section, ModelDims d) =>
        IntegerRuntime.QuantParams.Problem(section, d) is { } p ? new Failure(p.Status, p.Message) : null;

    /// <summary>A whole model: dims, every tensor the dims demand (and no other), QUANT_PARAMS. Throws a one-line
    /// <see cref="InvalidDataException"/> "<paramref name="source"/>: tensor Name: what".</summary>
    public static void Validate(ModelDims d, IReadOnlyDictionary<ushort, EncodedTensor> tensors, ReadOnlySpan<byte> quantParams, string source)
    {
        if (Dims(d) is { } bad) throw new InvalidDataException($"{source}: {bad.Message}");
        foreach (var id in TensorNames.Required(d))
        {
            if (!tensors.TryGetValue(id, out var t)) throw new InvalidDataException($"{source}: tensor {TensorNames.Name(id)} is missing");
            if (Tensor(d, id, t) is { } f) throw new InvalidDataException($"{source}: tensor {TensorNames.Name(id)}: {f.Message}");
        }
        foreach (var id in tensors.Keys)
            if (TensorNames.Expected(id, d) == null) throw new InvalidDataException($"{source}: tensor {TensorNames.Name(id)} is not part of a model with these dims");
        if (QuantParams(quantParams, d) is { } q) throw new InvalidDataException($"{source}: QUANT_PARAMS: {q.Message}");
    }
}
