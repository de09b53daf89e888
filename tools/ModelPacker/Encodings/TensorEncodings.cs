using ModelPacker.FlashImage;

namespace ModelPacker.Encodings;

/// <summary>The table: every encoding the runtime implements, by id. Adding an encoding adds a row here and its own files.</summary>
public static class TensorEncodings
{
    private static readonly ITensorEncoding[] All = [Int8RowEncoding.Instance, BinaryEncoding.Instance, BinaryEmbedEncoding.Instance, BinarySignEncoding.Instance, BinaryS8Encoding.Instance, AdaptivFloatEncoding.Instance, Gobo3Encoding.Instance, Int8SparseEmbedEncoding.Instance, Int4Encoding.Instance, IpqEncoding.Instance, Int8SparseEncoding.Instance, Int8TwoOfFourEncoding.Instance];
    private static readonly ITensorEncoding?[] ById = Index();

    private static ITensorEncoding?[] Index()
    {
        var byId = new ITensorEncoding?[256];
        foreach (var e in All) byId[(byte)e.Id] = e;
        return byId;
    }

    public static IReadOnlyList<ITensorEncoding> Implemented => All;

    /// <summary>The encoding with this id; null for a reserved or unknown id (NI_ERR_TENSOR_ENCODING).</summary>
    public static ITensorEncoding? Find(TensorEncoding id) => ById[(byte)id];

    public static ITensorEncoding Get(TensorEncoding id) =>
        Find(id) ?? throw new InvalidDataException($"encoding {(byte)id} is not implemented");
}
