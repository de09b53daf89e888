namespace ModelPacker.FlashImage;

/// <summary>
/// Constants of the flash image format version 4, equal to <c>native-kernels/include/nano_intent/ni_image.h</c> and
/// <c>docs/flash-image.md</c> (SpecConsistencyTests parses both and compares).
/// </summary>
public static class FlashImageFormat
{
    public const uint Magic = 0x4946494E; // "NIFI"
    public const ushort FormatVersion = 4;
    public const int HeaderSize = 96;
    public const int SectionEntrySize = 16;
    public const int SectionAlign = 32;
    public const int MaxSections = 16;

    // Header field offsets.
    public const int HdrMagic = 0, HdrVersion = 4, HdrHeaderSize = 6, HdrBoardId = 8, HdrTotalLength = 12,
        HdrArenaBytes = 16, HdrFlags = 20, HdrSectionCount = 24, HdrSectionEntrySize = 26, HdrSectionTableOffset = 28,
        HdrHeaderCrc = 32, HdrReserved0 = 36, HdrSha256 = 40, HdrReserved1 = 72;

    public const uint FlagThresholdsCalibrated = 0x1, FlagsKnown = 0x1;

    // Section entry field offsets.
    public const int SecKind = 0, SecReserved = 2, SecOffset = 4, SecLength = 8, SecCrc32 = 12;

    public const int ModelSize = 64;
    public const int MaxLayers = 32, MaxVocab = 65535, MaxPositions = 512, MaxDim = 1024;
    public const int ActivationMax = 2, SchemeMax = 8;

    public const int TensorTableHeaderSize = 16, TensorEntrySize = 32, TensorDataAlign = 32, TensorParamsAlign = 4;
    // Tensor entry field offsets.
    public const int TenId = 0, TenEncoding = 2, TenFlags = 3, TenRows = 4, TenCols = 8, TenDataOffset = 12,
        TenDataLength = 16, TenParamsOffset = 20, TenParamsLength = 24, TenReserved = 28;

    public const int TensorExitBase = 256, TensorExitStride = 16, ExitTensorsPerLayer = 2;
    public const int EmbeddingTensorCount = 3, LayerTensorCount = 6;

    public const int VocabHeaderSize = 32, VocabBlockEntries = 16, VocabBlockOffsetSize = 4, VocabLengthEscape = 15;
    public const int VocCount = 0, VocPadId = 4, VocUnkId = 6, VocClsId = 8, VocSepId = 10, VocMaskId = 12,
        VocMaxWordChars = 14, VocFlags = 16, VocReserved = 20;
    public const uint VocabFlagLowercase = 0x1, VocabFlagStripAccents = 0x2, VocabFlagCjkChars = 0x4, VocabFlagsKnown = 0x7;
    public const int VocabMaxTokenBytes = 255;

    public const int LabelsHeaderSize = 8, LabelEntrySize = 8, MaxLabelBytes = 255;
    public const int ThresholdsHeaderSize = 8, ThrCount = 0, ThrRejectKind = 4;
    // The rejection fields after the L exit thresholds (when reject_kind is not None), offsets from their start.
    public const int RejectionFieldsSize = 8, RejThreshold = 0, RejUnknownLabel = 4, RejectKindMax = 2;
    public const int TestVectorsHeaderSize = 16, TestVectorHeaderSize = 8;
    public const uint TestVectorsFlagAnswers = 0x1, TestVectorsFlagsKnown = 0x1;
    public const int AttentionSpanHeaderSize = 8;

    // NORMALIZER: header, ranges (u32 first code point | props << 24), mappings (u32 code point | length << 24,
    // u32 value), pool of u32 code points.
    public const int NormHeaderSize = 16, NormRangeCount = 0, NormMapCount = 4, NormPoolCount = 8, NormReserved = 12;
    public const int NormRangeSize = 3, NormMapSize = 6, NormPoolSize = 3, NormKindShift = 21, NormMaxMapping = 8;
    public const uint NormCpMask = 0x1FFFFF;
    public const byte NormClassMask = 0x3, NormClassDrop = 0, NormClassSpace = 1, NormClassCjk = 2, NormClassWord = 3;
    public const byte NormPunct = 0x4, NormMapped = 0x8, NormHangul = 0x10;
    public const byte NormKindDrop = 0, NormKindSpace = 1, NormKindCjk = 2, NormKindWord = 3, NormKindWordPunct = 4,
        NormKindWordMapped = 5, NormKindWordPunctMapped = 6, NormKindWordHangul = 7;

    /// <summary>The props each range kind stands for (index = kind), as ni_norm_kind_props.</summary>
    public static ReadOnlySpan<byte> NormKindProps =>
    [
        NormClassDrop, NormClassSpace, NormClassCjk, NormClassWord, NormClassWord | NormPunct, NormClassWord | NormMapped,
        NormClassWord | NormPunct | NormMapped, NormClassWord | NormHangul,
    ];

    public static int Align(int x, int a) => (x + a - 1) / a * a;

    /// <summary>The tensor id of exit <paramref name="layer"/>'s pooler or classifier (NI_TENSOR_EXIT).</summary>
    public static ushort ExitTensor(int layer, ExitPart part) => (ushort)(TensorExitBase + layer * TensorExitStride + (int)part);
}

public enum SectionKind : ushort
{
    Embeddings = 1, Model = 2, Layer = 3, ExitHeads = 4, QuantParams = 5, Vocabulary = 6, Labels = 7, Thresholds = 8,
    TestVectors = 9, Normalizer = 10, AttentionSpan = 11,
}

public enum TensorEncoding : byte
{
    Int8Row = 1, Binary = 2, Gobo3 = 3, Int4 = 4, Ipq = 5, AdaptivFloat = 6, Fp32 = 7, BinaryEmbed = 8, BinarySign = 9, BinaryS8 = 10, Int8SparseEmbed = 11, Int8Sparse = 12,
    Int8_2of4 = 13,
}

public enum TensorId : ushort
{
    WordEmbeddings = 1, PositionEmbeddings = 2, EmbeddingMappingIn = 3,
    AttentionQuery = 16, AttentionKey = 17, AttentionValue = 18, AttentionDense = 19, Ffn = 20, FfnOutput = 21,
}

public enum ExitPart { Pooler = 0, Classifier = 1 }

public enum ActivationId : uint { Gelu = 1, GeluTanh = 2 }

public enum SchemeId : uint { Int8 = 1, W1A1 = 2, Af8 = 4, Gobo3 = 3, Int4 = 5, Ipq = 6, Int8Sparse = 7, Int8_2of4 = 8 }

/// <summary>QUANT_PARAMS <c>tables</c> bits (NI_QP_TABLE_*): the optional blocks a section carries, exactly the scheme's.</summary>
[Flags]
public enum QuantTables : uint { None = 0, Softmax = 1 }

/// <summary>The C loader's <c>ni_status</c>, same names (C# casing) and values.</summary>
public enum NiStatus
{
    Ok = 0, NullArg = -1, Truncated = -2, BadMagic = -3, Version = -4, HeaderSize = -5, Length = -6, SectionCount = -7,
    HeaderCrc = -8, Flags = -9, Reserved = -10, SectionKind = -11, SectionOrder = -12, SectionDuplicate = -13,
    MissingSection = -14, SectionBounds = -15, SectionAlign = -16, SectionOverlap = -17, SectionCrc = -18,
    ImageHash = -19, SectionFormat = -20, ModelDims = -21, TensorCount = -22, TensorOrder = -23, TensorDuplicate = -24,
    TensorUnknown = -25, MissingTensor = -26, TensorEncoding = -27, TensorShape = -28, TensorBounds = -29,
    TensorAlign = -30, TensorSize = -31, TensorOverlap = -32, QuantParams = -33, VocabCount = -34, VocabBounds = -35,
    VocabOrder = -36, VocabId = -37, Utf8 = -38, Labels = -39, Thresholds = -40, TestVectors = -41,
    TestVectorToken = -42, TensorParams = -43, Board = -44, Normalizer = -45, QuantTables = -46, AttentionSpan = -47,
    Null = -100, ArenaSmall = -101, ArenaState = -102, SeqLen = -103, TokenId = -104, LayerOrder = -105,
    LayerIndex = -106, LabelsCount = -107, Model = -108, Index = -109, Alignment = -110,
    NotOpen = -120, AlreadyOpen = -121, Partition = -122, Unsupported = -123, ArenaCapacity = -124, Buffer = -125,
    ScratchCapacity = -126,
}

public static class NiStatusNames
{
    /// <summary>The C name: <c>NI_OK</c>, <c>NI_ERR_SECTION_CRC</c>, …</summary>
    public static string CName(this NiStatus s)
    {
        if (s == NiStatus.Ok) return "NI_OK";
        var name = s.ToString();
        var sb = new System.Text.StringBuilder("NI_ERR");
        foreach (char c in name)
        {
            if (char.IsUpper(c)) sb.Append('_');
            sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }
}
