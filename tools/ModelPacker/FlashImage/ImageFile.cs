namespace ModelPacker.FlashImage;

/// <summary>
/// A rejected image is an <see cref="InvalidDataException"/> with a one-line message naming the file and the section
/// or tensor; the C loader's status travels in <c>Data["NiStatus"]</c>.
/// </summary>
public static class FlashImageError
{
    public static InvalidDataException Create(NiStatus status, string message)
    {
        var e = new InvalidDataException(message);
        e.Data["NiStatus"] = status;
        return e;
    }

    /// <summary>The status of an exception the reader threw (null for any other exception).</summary>
    public static NiStatus? StatusOf(Exception e) => e.Data["NiStatus"] is NiStatus s ? s : null;
}

/// <summary>One row of the section table.</summary>
public sealed record SectionInfo(SectionKind Kind, int Offset, int Length, uint Crc32);

/// <summary>Where a tensor's bytes are (offsets from the start of its section, as in the tensor entry).</summary>
public sealed record TensorPlacement(ushort Id, SectionKind Section, int DataOffset, int DataLength, int ParamsOffset, int ParamsLength);

/// <summary>A validated image: header fields, the section table, where each tensor lies, and the decoded content.</summary>
public sealed class ImageFile
{
    public required int Length { get; init; }
    public required ushort Version { get; init; }
    public required uint HeaderCrc { get; init; }
    public required byte[] Sha256 { get; init; }
    public required IReadOnlyList<SectionInfo> Sections { get; init; }
    public required IReadOnlyList<TensorPlacement> Placements { get; init; }
    public required ImageContent Content { get; init; }
}
