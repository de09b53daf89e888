using System.Globalization;
using System.Text.RegularExpressions;
using ModelPacker.FlashImage;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.Tests.FlashImage;

/// <summary>
/// One source of truth: reads native-kernels/include/nano_intent/ni_image.h and docs/flash-image.md and checks that
/// the C# codec uses the same constants, enums, status codes, field offsets and tensor shapes.
/// </summary>
public partial class SpecConsistencyTests
{
    private static readonly string Root = TinyImages.RepoRoot();
    private static readonly string Header = File.ReadAllText(Path.Combine(Root, "native-kernels/include/nano_intent/ni_image.h"));
    private static readonly string Doc = File.ReadAllText(Path.Combine(Root, "docs/flash-image.md"));

    [GeneratedRegex(@"^#define\s+(NI_\w+)\s+(0x[0-9A-Fa-f]+|\d+)u?\b", RegexOptions.Multiline)]
    private static partial Regex DefineRx();
    [GeneratedRegex(@"^\s+(NI_\w+)\s*=\s*(-?(?:0x[0-9A-Fa-f]+|\d+))u?\s*,?", RegexOptions.Multiline)]
    private static partial Regex EnumRx();

    private static long Num(string s) => s.StartsWith("0x") ? long.Parse(s[2..], NumberStyles.HexNumber) :
        s.StartsWith("-0x") ? -long.Parse(s[3..], NumberStyles.HexNumber) : long.Parse(s, CultureInfo.InvariantCulture);

    private static Dictionary<string, long> HeaderConstants()
    {
        var d = new Dictionary<string, long>();
        foreach (Match m in DefineRx().Matches(Header)) d.Add(m.Groups[1].Value, Num(m.Groups[2].Value));
        foreach (Match m in EnumRx().Matches(Header)) d.Add(m.Groups[1].Value, Num(m.Groups[2].Value));
        return d;
    }

    /// <summary>Every numeric constant of ni_image.h and the C# value it must equal.</summary>
    private static Dictionary<string, long> CSharpConstants()
    {
        var d = new Dictionary<string, long>
        {
            ["NI_IMAGE_MAGIC"] = Magic, ["NI_IMAGE_VERSION"] = FormatVersion, ["NI_HEADER_SIZE"] = HeaderSize,
            ["NI_SECTION_ENTRY_SIZE"] = SectionEntrySize, ["NI_SECTION_ALIGN"] = SectionAlign, ["NI_MAX_SECTIONS"] = MaxSections,
            ["NI_HDR_MAGIC"] = HdrMagic, ["NI_HDR_VERSION"] = HdrVersion, ["NI_HDR_HEADER_SIZE"] = HdrHeaderSize,
            ["NI_HDR_BOARD_ID"] = HdrBoardId, ["NI_HDR_TOTAL_LENGTH"] = HdrTotalLength, ["NI_HDR_ARENA_BYTES"] = HdrArenaBytes,
            ["NI_HDR_FLAGS"] = HdrFlags, ["NI_HDR_SECTION_COUNT"] = HdrSectionCount, ["NI_HDR_SECTION_ENTRY_SIZE"] = HdrSectionEntrySize,
            ["NI_HDR_SECTION_TABLE_OFFSET"] = HdrSectionTableOffset, ["NI_HDR_HEADER_CRC"] = HdrHeaderCrc,
            ["NI_HDR_RESERVED0"] = HdrReserved0, ["NI_HDR_SHA256"] = HdrSha256, ["NI_HDR_RESERVED1"] = HdrReserved1,
            ["NI_FLAG_THRESHOLDS_CALIBRATED"] = FlagThresholdsCalibrated, ["NI_FLAGS_KNOWN"] = FlagsKnown,
            ["NI_SEC_KIND"] = SecKind, ["NI_SEC_RESERVED"] = SecReserved, ["NI_SEC_OFFSET"] = SecOffset,
            ["NI_SEC_LENGTH"] = SecLength, ["NI_SEC_CRC32"] = SecCrc32, ["NI_SECTION_KIND_MAX"] = (long)SectionKind.AttentionSpan,
            ["NI_MODEL_SIZE"] = ModelSize, ["NI_MAX_LAYERS"] = MaxLayers, ["NI_MAX_VOCAB"] = MaxVocab,
            ["NI_MAX_POSITIONS"] = MaxPositions, ["NI_MAX_DIM"] = MaxDim, ["NI_ACT_MAX"] = ActivationMax, ["NI_SCHEME_MAX"] = SchemeMax,
            ["NI_ACT_GELU"] = (long)ActivationId.Gelu, ["NI_ACT_GELU_TANH"] = (long)ActivationId.GeluTanh,
            ["NI_TENSOR_TABLE_HEADER_SIZE"] = TensorTableHeaderSize, ["NI_TENSOR_ENTRY_SIZE"] = TensorEntrySize,
            ["NI_TENSOR_DATA_ALIGN"] = TensorDataAlign, ["NI_TENSOR_PARAMS_ALIGN"] = TensorParamsAlign,
            ["NI_TEN_ID"] = TenId, ["NI_TEN_ENCODING"] = TenEncoding, ["NI_TEN_FLAGS"] = TenFlags, ["NI_TEN_ROWS"] = TenRows,
            ["NI_TEN_COLS"] = TenCols, ["NI_TEN_DATA_OFFSET"] = TenDataOffset, ["NI_TEN_DATA_LENGTH"] = TenDataLength,
            ["NI_TEN_PARAMS_OFFSET"] = TenParamsOffset, ["NI_TEN_PARAMS_LENGTH"] = TenParamsLength, ["NI_TEN_RESERVED"] = TenReserved,
            ["NI_TENSOR_EXIT_BASE"] = TensorExitBase, ["NI_TENSOR_EXIT_STRIDE"] = TensorExitStride,
            ["NI_EXIT_POOLER"] = (long)ExitPart.Pooler, ["NI_EXIT_CLASSIFIER"] = (long)ExitPart.Classifier,
            ["NI_EMBEDDING_TENSOR_COUNT"] = EmbeddingTensorCount, ["NI_LAYER_TENSOR_COUNT"] = LayerTensorCount,
            ["NI_EXIT_TENSORS_PER_LAYER"] = ExitTensorsPerLayer,
            ["NI_VOCAB_HEADER_SIZE"] = VocabHeaderSize, ["NI_VOCAB_BLOCK_ENTRIES"] = VocabBlockEntries,
            ["NI_VOCAB_BLOCK_OFFSET_SIZE"] = VocabBlockOffsetSize, ["NI_VOCAB_LENGTH_ESCAPE"] = VocabLengthEscape, ["NI_VOC_COUNT"] = VocCount,
            ["NI_VOC_PAD_ID"] = VocPadId, ["NI_VOC_UNK_ID"] = VocUnkId, ["NI_VOC_CLS_ID"] = VocClsId, ["NI_VOC_SEP_ID"] = VocSepId,
            ["NI_VOC_MASK_ID"] = VocMaskId, ["NI_VOC_MAX_WORD_CHARS"] = VocMaxWordChars, ["NI_VOC_FLAGS"] = VocFlags,
            ["NI_VOC_RESERVED"] = VocReserved, ["NI_VOCAB_FLAG_LOWERCASE"] = VocabFlagLowercase,
            ["NI_VOCAB_FLAG_STRIP_ACCENTS"] = VocabFlagStripAccents, ["NI_VOCAB_FLAG_CJK_CHARS"] = VocabFlagCjkChars,
            ["NI_VOCAB_FLAGS_KNOWN"] = VocabFlagsKnown, ["NI_VOCAB_MAX_TOKEN_BYTES"] = VocabMaxTokenBytes,
            ["NI_LABELS_HEADER_SIZE"] = LabelsHeaderSize, ["NI_LABEL_ENTRY_SIZE"] = LabelEntrySize, ["NI_MAX_LABEL_BYTES"] = MaxLabelBytes,
            ["NI_THRESHOLDS_HEADER_SIZE"] = ThresholdsHeaderSize, ["NI_TEST_VECTORS_HEADER_SIZE"] = TestVectorsHeaderSize,
            ["NI_TEST_VECTOR_HEADER_SIZE"] = TestVectorHeaderSize,
            ["NI_THR_COUNT"] = ThrCount, ["NI_THR_REJECT_KIND"] = ThrRejectKind, ["NI_REJECTION_FIELDS_SIZE"] = RejectionFieldsSize,
            ["NI_REJ_THRESHOLD"] = RejThreshold, ["NI_REJ_UNKNOWN_LABEL"] = RejUnknownLabel, ["NI_REJECT_KIND_MAX"] = RejectKindMax,
            ["NI_CONFIDENCE_ONE_Q16"] = RejectionRule.ConfidenceOne, ["NI_ANSWER_UNKNOWN"] = RejectionRule.Unknown,
            ["NI_LABEL_NONE"] = RejectionRule.NoLabel, ["NI_TEST_VECTORS_FLAG_ANSWERS"] = TestVectorsFlagAnswers,
            ["NI_TEST_VECTORS_FLAGS_KNOWN"] = TestVectorsFlagsKnown, ["NI_ATTENTION_SPAN_HEADER_SIZE"] = AttentionSpanHeaderSize,
            ["NI_NORM_HEADER_SIZE"] = NormHeaderSize, ["NI_NORM_RANGE_COUNT"] = NormRangeCount, ["NI_NORM_MAP_COUNT"] = NormMapCount,
            ["NI_NORM_POOL_COUNT"] = NormPoolCount, ["NI_NORM_RESERVED"] = NormReserved, ["NI_NORM_RANGE_SIZE"] = NormRangeSize,
            ["NI_NORM_MAP_SIZE"] = NormMapSize, ["NI_NORM_POOL_SIZE"] = NormPoolSize, ["NI_NORM_KIND_SHIFT"] = NormKindShift,
            ["NI_NORM_CP_MASK"] = NormCpMask, ["NI_NORM_MAX_MAPPING"] = NormMaxMapping,
            ["NI_NORM_KIND_DROP"] = NormKindDrop, ["NI_NORM_KIND_SPACE"] = NormKindSpace, ["NI_NORM_KIND_CJK"] = NormKindCjk,
            ["NI_NORM_KIND_WORD"] = NormKindWord, ["NI_NORM_KIND_WORD_PUNCT"] = NormKindWordPunct,
            ["NI_NORM_KIND_WORD_MAPPED"] = NormKindWordMapped, ["NI_NORM_KIND_WORD_PUNCT_MAPPED"] = NormKindWordPunctMapped,
            ["NI_NORM_KIND_WORD_HANGUL"] = NormKindWordHangul,
            ["NI_NORM_CLASS_MASK"] = NormClassMask, ["NI_NORM_CLASS_DROP"] = NormClassDrop, ["NI_NORM_CLASS_SPACE"] = NormClassSpace,
            ["NI_NORM_CLASS_CJK"] = NormClassCjk, ["NI_NORM_CLASS_WORD"] = NormClassWord, ["NI_NORM_PUNCT"] = NormPunct,
            ["NI_NORM_MAPPED"] = NormMapped, ["NI_NORM_HANGUL"] = NormHangul,
            ["NI_NORM_HANGUL_BASE"] = ModelPacker.Text.NormalizerTable.HangulBase,
            ["NI_NORM_HANGUL_COUNT"] = ModelPacker.Text.NormalizerTable.HangulCount,
        };
        foreach (var k in Enum.GetValues<SectionKind>()) d["NI_SECTION_" + ImageReader.SectionName(k)] = (long)k;
        foreach (var e in Enum.GetValues<TensorEncoding>()) d["NI_ENC_" + EncodingCName(e)] = (long)e;
        foreach (var k in Enum.GetValues<RejectKind>()) d["NI_REJECT_" + k.ToString().ToUpperInvariant()] = (long)k;
        foreach (var sc in Enum.GetValues<SchemeId>()) d["NI_SCHEME_" + SchemeCName(sc)] = (long)sc;
        foreach (var t in Enum.GetValues<TensorId>()) d["NI_TENSOR_" + Snake(t.ToString())] = (long)t;
        foreach (var s in Enum.GetValues<NiStatus>()) d[s.CName()] = (long)s;
        return d;
    }

    private static string Snake(string pascal) => Regex.Replace(pascal, "(?<=[a-z0-9])([A-Z])", "_$1").ToUpperInvariant();
    private static string EncodingCName(TensorEncoding e) => e switch
    {
        TensorEncoding.Int8Row => "INT8_ROW", TensorEncoding.AdaptivFloat => "ADAPTIVFLOAT", TensorEncoding.BinaryEmbed => "BINARY_EMBED", TensorEncoding.BinarySign => "BINARY_SIGN",
        TensorEncoding.BinaryS8 => "BINARY_S8", TensorEncoding.Int8SparseEmbed => "INT8_SPARSE_EMBED", TensorEncoding.Int8Sparse => "INT8_SPARSE",
        _ => e.ToString().ToUpperInvariant(),
    };
    private static string SchemeCName(SchemeId s) => s == SchemeId.Int8Sparse ? "INT8_SPARSE" : s.ToString().ToUpperInvariant();

    [Fact]
    public void EveryHeaderConstantEqualsTheCSharpValue()
    {
        var h = HeaderConstants();
        var cs = CSharpConstants();
        Assert.True(h.Count > 150, $"parsed only {h.Count} constants from ni_image.h");
        var missing = h.Keys.Except(cs.Keys).ToList();
        Assert.True(missing.Count == 0, "ni_image.h constants without a C# counterpart: " + string.Join(", ", missing));
        var extra = cs.Keys.Except(h.Keys).ToList();
        Assert.True(extra.Count == 0, "C# constants not in ni_image.h: " + string.Join(", ", extra));
        foreach (var (name, value) in h) Assert.True(cs[name] == value, $"{name}: ni_image.h {value}, C# {cs[name]}");
    }

    /// <summary>Rows of the first markdown table after <paramref name="heading"/> whose header starts with <paramref name="firstColumns"/>.</summary>
    private static List<string[]> Table(string heading, string firstColumns)
    {
        int at = Doc.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(at >= 0, $"docs/flash-image.md has no '{heading}'");
        var lines = Doc[at..].Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("| " + firstColumns, StringComparison.Ordinal));
        Assert.True(start >= 0, $"no table '{firstColumns}' after '{heading}'");
        var rows = new List<string[]>();
        for (int i = start + 2; i < lines.Length && lines[i].StartsWith('|'); i++)
            rows.Add(lines[i].Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToArray());
        return rows;
    }

    [Fact]
    public void DocStatusTableEqualsHeaderAndCSharp()
    {
        var rows = Table("## Validation order and error codes", "value | name");
        var h = HeaderConstants();
        var codes = Enum.GetValues<NiStatus>();
        Assert.Equal(codes.Length, rows.Count);
        foreach (var r in rows)
        {
            Assert.Equal(h[r[1]], long.Parse(r[0], CultureInfo.InvariantCulture));
            Assert.Contains(codes, s => s.CName() == r[1] && (long)s == h[r[1]]);
        }
    }

    [Fact]
    public void DocSectionKindsAndEncodingsEqualCSharp()
    {
        var kinds = Table("Section kinds", "kind | name");
        Assert.Equal(Enum.GetValues<SectionKind>().Select(k => ((int)k, "NI_SECTION_" + ImageReader.SectionName(k), k is SectionKind.TestVectors or SectionKind.AttentionSpan ? "no" : "yes")),
            kinds.Select(r => (int.Parse(r[0], CultureInfo.InvariantCulture), r[1], r[2])));
        var enc = Table("Encodings (`u8`)", "value | name");
        Assert.Equal(Enum.GetValues<TensorEncoding>().Select(e => ((int)e, "NI_ENC_" + EncodingCName(e))),
            enc.Select(r => (int.Parse(r[0], CultureInfo.InvariantCulture), r[1])));
    }

    [Fact]
    public void DocTensorTableEqualsCSharpIdsSectionsAndShapes()
    {
        var rows = Table("Tensor ids and the shapes", "id | name");
        // distinct values so a swapped symbol cannot pass
        var dims = new ModelDims(101, 12, 20, 5, 36, 3, 7, 11);
        var sym = new Dictionary<string, int> { ["V"] = 101, ["E"] = 12, ["H"] = 20, ["I"] = 36, ["P"] = 7, ["C"] = 11 };
        int Shape(string s) => sym[s];
        var seen = new List<ushort>();
        foreach (var r in rows)
        {
            ushort id;
            if (r[1].StartsWith("NI_TENSOR_EXIT("))
            {
                var part = r[1].Contains("NI_EXIT_POOLER") ? ExitPart.Pooler : ExitPart.Classifier;
                Assert.Equal($"256 + 16 l + {(int)part}", r[0]);
                id = FlashImageFormat.ExitTensor(2, part);
            }
            else
            {
                id = ushort.Parse(r[0], CultureInfo.InvariantCulture);
                Assert.Equal("NI_TENSOR_" + Snake(((TensorId)id).ToString()), r[1]);
            }
            var exp = TensorNames.Expected(id, dims)!.Value;
            Assert.Equal(r[2], ImageReader.SectionName(exp.Section));
            var shape = r[3].Trim('[', ']').Split(',').Select(x => Shape(x.Trim())).ToArray();
            Assert.Equal((exp.Rows, exp.Cols), (shape[0], shape[1]));
            seen.Add(id);
        }
        Assert.Equal(TensorNames.Required(dims with { NumLayers = 3 }).Where(i => i < TensorExitBase).Count(), seen.Count(i => i < TensorExitBase));
    }

    /// <summary>Every numeric #define of a kernel header: plain numbers, (-n) and (1L &lt;&lt; n).</summary>
    private static Dictionary<string, long> KernelHeaderConstants(string header)
    {
        var text = File.ReadAllText(Path.Combine(Root, "native-kernels/include/nano_intent", header));
        var d = new Dictionary<string, long>();
        foreach (Match m in Regex.Matches(text, @"^#define\s+(NI_\w+)\s+(?:\(1L << (\d+)\)|\((-\d+)\)|(\d+)u?\b)", RegexOptions.Multiline))
            d.Add(m.Groups[1].Value, m.Groups[2].Success ? 1L << int.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture)
                : long.Parse(m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value, CultureInfo.InvariantCulture));
        return d;
    }

    [Fact]
    public void EveryEncodingAndKernelConstantEqualsTheCSharpValue()
    {
        var h = KernelHeaderConstants("ni_encoding.h").Concat(KernelHeaderConstants("ni_kernels.h")).ToDictionary();
        var cs = new Dictionary<string, long>
        {
            ["NI_INT8_ROW_PARAMS_BYTES"] = ModelPacker.Encodings.RowParams.Bytes, ["NI_MAX_ABS_BIAS"] = ModelPacker.Encodings.RowParams.MaxAbsBias,
            ["NI_INT8_ROW_MAX_COLS"] = ModelPacker.Encodings.Int8RowEncoding.MaxCols,
            ["NI_BINARY_HEADER_BYTES"] = ModelPacker.Encodings.BinaryEncoding.HeaderBytes, ["NI_BINARY_ROW_BYTES"] = ModelPacker.Encodings.BinaryEncoding.RowBytes,
            ["NI_BINARY_MAX_COLS"] = ModelPacker.Encodings.BinaryEncoding.MaxCols,
            ["NI_BINARY_EMBED_HEADER_BYTES"] = ModelPacker.Encodings.BinaryEmbedEncoding.HeaderBytes,
            ["NI_BINARY_EMBED_MAX_SHIFT"] = ModelPacker.Encodings.BinaryEmbedEncoding.MaxShift,
            ["NI_BINARY_SIGN_HEADER_BYTES"] = ModelPacker.Encodings.BinarySignEncoding.HeaderBytes,
            ["NI_BINARY_SIGN_ROW_BYTES"] = ModelPacker.Encodings.BinarySignEncoding.RowBytes,
            ["NI_BINARY_S8_HEADER_BYTES"] = ModelPacker.Encodings.BinaryS8Encoding.HeaderBytes,
            ["NI_BINARY_S8_ROW_BYTES"] = ModelPacker.Encodings.BinaryS8Encoding.RowBytes,
            ["NI_BINARY_S8_TABLE_BYTES_PER_COL"] = ModelPacker.Encodings.BinaryS8Encoding.TableBytesPerCol,
            ["NI_AF8_HEADER_BYTES"] = ModelPacker.Encodings.AdaptivFloatEncoding.HeaderBytes,
            ["NI_AF8_ROW_BYTES"] = ModelPacker.Encodings.AdaptivFloatEncoding.RowBytes,
            ["NI_AF8_MAX_COLS"] = ModelPacker.Encodings.AdaptivFloatEncoding.MaxCols,
            ["NI_GOBO3_HEADER_BYTES"] = ModelPacker.Encodings.Gobo3Encoding.HeaderBytes,
            ["NI_GOBO3_ROW_BYTES"] = ModelPacker.Encodings.Gobo3Encoding.RowBytes,
            ["NI_GOBO3_OUTLIER_BYTES"] = ModelPacker.Encodings.Gobo3Encoding.OutlierBytes,
            ["NI_GOBO3_MAX_COLS"] = ModelPacker.Encodings.Gobo3Encoding.MaxCols,
            ["NI_SPARSE_EMBED_OFFSET_BYTES"] = ModelPacker.Encodings.Int8SparseEmbedEncoding.OffsetBytes,
            ["NI_INT4_MAX_COLS"] = ModelPacker.Encodings.Int4Encoding.MaxCols,
            ["NI_IPQ_HEADER_BYTES"] = ModelPacker.Encodings.IpqEncoding.HeaderBytes,
            ["NI_IPQ_MAX_CODES"] = ModelPacker.Encodings.IpqEncoding.MaxCodes,
            ["NI_IPQ_MAX_BLOCK"] = ModelPacker.Encodings.IpqEncoding.MaxBlock,
            ["NI_IPQ_MAX_COLS"] = ModelPacker.Encodings.IpqEncoding.MaxCols,
            ["NI_SPARSE_HEADER_BYTES"] = ModelPacker.Encodings.Int8SparseEncoding.HeaderBytes,
            ["NI_SPARSE_MAX_COLS"] = ModelPacker.Encodings.Int8SparseEncoding.MaxCols,
            ["NI_INT8_2OF4_MAX_COLS"] = ModelPacker.Encodings.Int8TwoOfFourEncoding.MaxCols,
            ["NI_QP_TABLE_SOFTMAX"] = (long)QuantTables.Softmax,
            ["NI_BINARY_MIN_THRESHOLD"] = ModelPacker.Encodings.BinaryEncoding.MinThreshold, ["NI_BINARY_MAX_THRESHOLD"] = ModelPacker.Encodings.BinaryEncoding.MaxThreshold,
            ["NI_LN_GAIN_SHIFT"] = ModelPacker.IntegerRuntime.IntegerKernels.LnGainShift, ["NI_LN_XN_FRAC_BITS"] = ModelPacker.IntegerRuntime.IntegerKernels.LnNormFracBits,
            ["NI_EXP_TABLE_LEN"] = ModelPacker.IntegerRuntime.IntegerKernels.ExpTableLength,
            ["NI_EXP_INDEX_FRAC_BITS"] = ModelPacker.IntegerRuntime.IntegerKernels.ExpIndexFracBits, ["NI_LUT8_LEN"] = ModelPacker.IntegerRuntime.IntegerKernels.Lut8Length,
            ["NI_FRAC_TABLE_LEN"] = ModelPacker.IntegerRuntime.IntegerKernels.FracTableLength, ["NI_QPARAMS_VERSION"] = ModelPacker.IntegerRuntime.QuantParams.Version,
            ["NI_LOGIT_FRAC_BITS"] = ModelPacker.IntegerRuntime.IntegerKernels.LogitFracBits, ["NI_LOGIT_LIMIT"] = ModelPacker.IntegerRuntime.IntegerKernels.LogitLimit,
            ["NI_LOG2E_Q16"] = ModelPacker.IntegerRuntime.IntegerKernels.Log2EQ16, ["NI_LN2_Q16"] = ModelPacker.IntegerRuntime.IntegerKernels.Ln2Q16,
        };
        Assert.Equal(cs.Keys.Order(), h.Keys.Order());
        foreach (var (name, value) in h) Assert.True(cs[name] == value, $"{name}: C {value}, C# {cs[name]}");
    }

    [Fact]
    public void NumericsBinaryParamsTableIsTheCodecsLayout()
    {
        // docs/numerics.md section 3b: header fields at 0, 4, 8, 12, then per row i16 bias at 16 + 4r, u16 multiplier at 18 + 4r
        var numerics = File.ReadAllText(Path.Combine(Root, "docs/numerics.md"));
        var lines = numerics[numerics.IndexOf("## 3b.", StringComparison.Ordinal)..].Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("| offset | type | field", StringComparison.Ordinal));
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.Equal(["0", "4", "8", "12", $"{ModelPacker.Encodings.BinaryEncoding.HeaderBytes} + {ModelPacker.Encodings.BinaryEncoding.RowBytes}r", "18 + 4r"],
            rows.Select(r => r[0]));
        Assert.Equal(["i32", "i32", "i32", "i32", "i16", "u16"], rows.Select(r => r[1]));
        var t = ModelPacker.Encodings.BinaryEncoding.Instance.Encode(new ModelPacker.Encodings.QuantizedTensor(2, 32, Enumerable.Repeat((sbyte)1, 64).ToArray(),
            [new(-2, 3, 9), new(-4, 65535, 9)], -7), "t");
        Assert.Equal([-7, 9, 0, 0], Enumerable.Range(0, 4).Select(k => BitConverter.ToInt32(t.Params, 4 * k)));
        Assert.Equal((short)-4, BitConverter.ToInt16(t.Params, 16 + 4));
        Assert.Equal((ushort)65535, BitConverter.ToUInt16(t.Params, 18 + 4));
    }

    [Fact]
    public void NumericsBinaryEmbedParamsTableIsTheCodecsLayout()
    {
        // docs/numerics.md section 3d: i32 shift at 0, i32 reserved at 4, then one u8 magnitude a row at 8 + r
        var numerics = File.ReadAllText(Path.Combine(Root, "docs/numerics.md"));
        var lines = numerics[numerics.IndexOf("## 3d.", StringComparison.Ordinal)..].Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("| offset | type | field", StringComparison.Ordinal));
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.Equal(["0", "4", $"{ModelPacker.Encodings.BinaryEmbedEncoding.HeaderBytes} + r"], rows.Select(r => r[0]));
        Assert.Equal(["i32", "i32", "u8"], rows.Select(r => r[1]));
        Assert.Contains($"0..{ModelPacker.Encodings.BinaryEmbedEncoding.MaxShift}", rows[0][3]);
        var t = ModelPacker.Encodings.BinaryEmbedEncoding.Instance.Encode(new ModelPacker.Encodings.QuantizedTensor(2, 32, Enumerable.Repeat((sbyte)1, 64).ToArray(),
            [new(0, 200 << 3, 1), new(0, 12 << 3, 1)]), "t");
        Assert.Equal([2, 0], Enumerable.Range(0, 2).Select(k => BitConverter.ToInt32(t.Params, 4 * k)));
        Assert.Equal([200, 12], t.Params.Skip(8).Select(b => (int)b));
    }

    [Fact]
    public void NumericsBinarySignParamsTableIsTheCodecsLayout()
    {
        // docs/numerics.md section 3e: i32 act_threshold at 0, i32 reserved at 4, then one i16 bias a row at 8 + 2r
        var numerics = File.ReadAllText(Path.Combine(Root, "docs/numerics.md"));
        var lines = numerics[numerics.IndexOf("## 3e.", StringComparison.Ordinal)..].Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("| offset | type | field", StringComparison.Ordinal));
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        Assert.Equal(["0", "4", $"{ModelPacker.Encodings.BinarySignEncoding.HeaderBytes} + {ModelPacker.Encodings.BinarySignEncoding.RowBytes}r"], rows.Select(r => r[0]));
        Assert.Equal(["i32", "i32", "i16"], rows.Select(r => r[1]));
    }

    [Fact]
    public void NumericsBinaryS8ParamsTableIsTheCodecsLayout()
    {
        // docs/numerics.md section 3f: i32 shift at 0, i32 reserved at 4, then {i16 bias, u16 multiplier} a row at 8 + 4r
        var numerics = File.ReadAllText(Path.Combine(Root, "docs/numerics.md"));
        var lines = numerics[numerics.IndexOf("## 3f.", StringComparison.Ordinal)..].Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("| offset | type | field", StringComparison.Ordinal));
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        int h = ModelPacker.Encodings.BinaryS8Encoding.HeaderBytes, rb = ModelPacker.Encodings.BinaryS8Encoding.RowBytes;
        Assert.Equal(["0", "4", $"{h} + {rb}r", $"{h + 2} + {rb}r"], rows.Select(r => r[0]));
        Assert.Equal(["i32", "i32", "i16", "u16"], rows.Select(r => r[1]));
        var t = ModelPacker.Encodings.BinaryS8Encoding.Instance.Encode(new ModelPacker.Encodings.QuantizedTensor(1, 32,
            Enumerable.Repeat((sbyte)1, 32).ToArray(), [new(-2, 513, 9)]), "t");
        Assert.Equal([9, 0, 0, 0, 0, 0, 0, 0, 0xFE, 0xFF, 0x01, 0x02], t.Params.Select(b => (int)b));
    }

    [Fact]
    public void NumericsAdaptivFloatParamsTableIsTheCodecsLayout()
    {
        // docs/numerics.md section 3g: i32 multiplier at 0, i32 shift at 4, then one i32 bias a row at 8 + 4r
        var numerics = File.ReadAllText(Path.Combine(Root, "docs/numerics.md"));
        var lines = numerics[numerics.IndexOf("## 3g.", StringComparison.Ordinal)..].Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("| offset | type | field", StringComparison.Ordinal));
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        int h = ModelPacker.Encodings.AdaptivFloatEncoding.HeaderBytes, rb = ModelPacker.Encodings.AdaptivFloatEncoding.RowBytes;
        Assert.Equal(["0", "4", $"{h} + {rb}r"], rows.Select(r => r[0]));
        Assert.Equal(["i32", "i32", "i32"], rows.Select(r => r[1]));
        var t = ModelPacker.Encodings.AdaptivFloatEncoding.Instance.Encode(new ModelPacker.Encodings.QuantizedTensor(2, 4,
            new sbyte[8], [new(-2, 513, 9), new(3, 513, 9)]), "t");
        Assert.Equal([513, 9, -2, 3], Enumerable.Range(0, 4).Select(k => BitConverter.ToInt32(t.Params, 4 * k)));
    }

    [Fact]
    public void NumericsGobo3ParamsTableIsTheCodecsLayout()
    {
        // docs/numerics.md section 3h: i32 multiplier at 0, i32 shift at 4, u32 outlier count at 8, i16 centroid k at
        // 12 + 2k, then one i32 bias a row at 28 + 4r
        var numerics = File.ReadAllText(Path.Combine(Root, "docs/numerics.md"));
        var lines = numerics[numerics.IndexOf("## 3h.", StringComparison.Ordinal)..].Split('\n');
        int start = Array.FindIndex(lines, l => l.StartsWith("| offset | type | field", StringComparison.Ordinal));
        var rows = lines.Skip(start + 2).TakeWhile(l => l.StartsWith('|'))
            .Select(l => l.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
        int h = ModelPacker.Encodings.Gobo3Encoding.HeaderBytes, rb = ModelPacker.Encodings.Gobo3Encoding.RowBytes;
        Assert.Equal(["0", "4", "8", "12 + 2k", $"{h} + {rb}r"], rows.Select(r => r[0]));
        Assert.Equal(["i32", "i32", "u32", "i16", "i32"], rows.Select(r => r[1]));
        var t = ModelPacker.Encodings.Gobo3Encoding.Pack(new ModelPacker.Encodings.Gobo3Tensor(2, 4, new byte[8], [-1, 2, 3, 4, 5, 6, 7, 4095],
            [new(1, 3, -5)], [-2, 3], 513, 9), "t");
        Assert.Equal([513, 9, 1], Enumerable.Range(0, 3).Select(k => BitConverter.ToInt32(t.Params, 4 * k)));
        Assert.Equal([-1, 4095], new[] { 12, 26 }.Select(o => (int)BitConverter.ToInt16(t.Params, o)));
        Assert.Equal([-2, 3], new[] { 28, 32 }.Select(o => BitConverter.ToInt32(t.Params, o)));
        // the kernel header's bound is the codec's
        var k = File.ReadAllText(Path.Combine(Root, "native-kernels/include/nano_intent/ni_kernels_gobo3.h"));
        Assert.Contains($"#define NI_GOBO3_MAX_VALUE {ModelPacker.Encodings.Gobo3Tensor.MaxValue} ", k);
        Assert.Contains($"#define NI_GOBO3_CENTROIDS {ModelPacker.Encodings.Gobo3Tensor.Centroids}u", k);
    }

    [Fact]
    public void DocSchemeTablesEqualTheCSharpSchemeTable()
    {
        var schemes = Table("### Schemes", "value | name");
        Assert.Equal(Enum.GetValues<SchemeId>().Length, schemes.Count);
        foreach (var r in schemes)
        {
            var scheme = Schemes.Get((SchemeId)uint.Parse(r[0], CultureInfo.InvariantCulture));
            Assert.Equal("NI_SCHEME_" + SchemeCName(scheme.Id), r[1]);
            Assert.StartsWith($"multiples of {scheme.DimMultiple}", r[2]);
            Assert.Contains(scheme.Attention.Name, r[3]);
        }
        // Encoding of each tensor per scheme: one column per scheme, rows naming tensors by section or exit part.
        var rows = Table("Encoding of each tensor per scheme", "tensors |");
        var header = Doc[Doc.IndexOf("| tensors |", StringComparison.Ordinal)..].Split('\n')[0].Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToArray();
        var dims = new ModelDims(101, 64, 64, 2, 96, 3, 7, 11, Scheme: SchemeId.W1A1);
        var covered = new HashSet<ushort>();
        foreach (var r in rows)
        {
            var ids = TensorNames.Required(dims).Where(id => RowNames(r[0], id, dims)).ToList();
            Assert.NotEmpty(ids);
            for (int col = 1; col < header.Length; col++)
            {
                var scheme = Schemes.Get(Enum.GetValues<SchemeId>().Single(sc => "NI_SCHEME_" + SchemeCName(sc) == header[col]));
                // a cell may list alternatives ("`NI_ENC_BINARY` or `NI_ENC_BINARY_S8`": a pooler's pooler_alternative)
                var cell = r[col].Split(" or ").Select(c => c.Trim().Trim('`')).ToList();
                foreach (var id in ids)
                {
                    var allowed = Enum.GetValues<TensorEncoding>().Where(e => scheme.Allows(id, e)).Select(e => "NI_ENC_" + EncodingCName(e));
                    Assert.Equal(allowed.Order(), cell.Order());
                }
            }
            covered.UnionWith(ids);
        }
        Assert.Equal(TensorNames.Required(dims).Count(), covered.Count);
    }

    /// <summary>Whether a row of the per-scheme encoding table ("EMBEDDINGS (...), LAYER (...), NI_EXIT_POOLER of every
    /// exit" or "NI_EXIT_CLASSIFIER of every exit") names tensor <paramref name="id"/>.</summary>
    private static bool RowNames(string row, ushort id, ModelDims d)
    {
        var exp = TensorNames.Expected(id, d)!.Value;
        if (Scheme.IsEmbeddingTable(id))   // named one by one: "NI_TENSOR_WORD_EMBEDDINGS", "NI_TENSOR_POSITION_EMBEDDINGS"
            return row.Contains(id == (ushort)TensorId.WordEmbeddings ? "NI_TENSOR_WORD_EMBEDDINGS" : "NI_TENSOR_POSITION_EMBEDDINGS");
        if (Scheme.IsAttentionProjection(id))   // "NI_TENSOR_ATTENTION_QUERY", "…_KEY", "…_VALUE"
            return row.Contains("NI_TENSOR_ATTENTION_" + ((TensorId)id).ToString()["Attention".Length..].ToUpperInvariant());
        if (exp.Section == SectionKind.ExitHeads)
        {
            var part = (ExitPart)((id - TensorExitBase) % TensorExitStride);
            return row.Contains(part == ExitPart.Pooler ? "NI_EXIT_POOLER" : "NI_EXIT_CLASSIFIER");
        }
        return row.Contains(ImageReader.SectionName(exp.Section) + " (");
    }

    [Theory]
    [InlineData("## Header (96 bytes)", HeaderSize)]
    [InlineData("## Section table entry (16 bytes)", SectionEntrySize)]
    [InlineData("## MODEL (64 bytes)", ModelSize)]
    [InlineData("Tensor entry (32 bytes)", TensorEntrySize)]
    [InlineData("## VOCABULARY", VocabHeaderSize)]
    [InlineData("## NORMALIZER", NormHeaderSize)]
    [InlineData("## THRESHOLDS", ThresholdsHeaderSize)]
    [InlineData("Rejection fields", RejectionFieldsSize)]
    [InlineData("## TEST_VECTORS (optional)", TestVectorsHeaderSize)]
    [InlineData("## ATTENTION_SPAN (optional)", AttentionSpanHeaderSize)]
    public void DocFieldTablesAreContiguousAndMatchOffsets(string heading, int size)
    {
        var rows = Table(heading, "offset | size");
        int at = 0;
        foreach (var r in rows)
        {
            if (!int.TryParse(r[1], out int n)) break; // a variable-length tail ("32 x count")
            Assert.Equal(at, int.Parse(r[0], CultureInfo.InvariantCulture));
            at += n;
        }
        Assert.Equal(size, at);
        if (heading.StartsWith("## Header"))
        {
            var off = rows.ToDictionary(r => r[3], r => int.Parse(r[0], CultureInfo.InvariantCulture));
            Assert.Equal((HdrMagic, HdrVersion, HdrHeaderSize, HdrBoardId, HdrTotalLength, HdrArenaBytes, HdrFlags),
                (off["magic"], off["version"], off["header_size"], off["board_id"], off["total_length"], off["arena_bytes"], off["flags"]));
            Assert.Equal((HdrSectionCount, HdrSectionEntrySize, HdrSectionTableOffset, HdrHeaderCrc, HdrReserved0, HdrSha256, HdrReserved1),
                (off["section_count"], off["section_entry_size"], off["section_table_offset"], off["header_crc32"], off["reserved0"], off["sha256"], off["reserved1"]));
        }
        if (heading.StartsWith("## THRESHOLDS") || heading.StartsWith("Rejection"))
        {
            var off = rows.Where(r => int.TryParse(r[1], out _)).ToDictionary(r => r[3], r => int.Parse(r[0], CultureInfo.InvariantCulture));
            if (heading.StartsWith("## THRESHOLDS")) Assert.Equal((ThrCount, ThrRejectKind), (off["count"], off["reject_kind"]));
            else Assert.Equal((RejThreshold, RejUnknownLabel), (off["reject_threshold"], off["unknown_label"]));
        }
        if (heading.StartsWith("Tensor entry"))
        {
            var off = rows.ToDictionary(r => r[3], r => int.Parse(r[0], CultureInfo.InvariantCulture));
            Assert.Equal((TenId, TenEncoding, TenFlags, TenRows, TenCols, TenDataOffset, TenDataLength, TenParamsOffset, TenParamsLength, TenReserved),
                (off["tensor_id"], off["encoding"], off["flags"], off["rows"], off["cols"], off["data_offset"], off["data_length"], off["params_offset"], off["params_length"], off["reserved"]));
        }
    }

    [Fact]
    public void HeaderStatusNamesAreTheOnesTheLoaderPrints()
    {
        // status.c is generated from the same enum; every C name there must be a C# status name.
        var statusC = File.ReadAllText(Path.Combine(Root, "native-kernels/src/image/status.c"));
        var names = Regex.Matches(statusC, "case (NI_\\w+): return \"(NI_\\w+)\"").Select(m => (m.Groups[1].Value, m.Groups[2].Value)).ToList();
        Assert.All(names, n => Assert.Equal(n.Item1, n.Item2));
        Assert.Equal(Enum.GetValues<NiStatus>().Select(s => s.CName()).Order(), names.Select(n => n.Item1).Order());
    }
}
