using System.Buffers.Binary;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.Tests.FlashImage;

/// <summary>Locates fields of a built image for tampering (offsets from the section table, not hard-coded).</summary>
internal sealed class ImageTamper(byte[] image)
{
    public byte[] Image { get; } = image;

    public int Row(SectionKind kind)
    {
        int count = BinaryPrimitives.ReadUInt16LittleEndian(Image.AsSpan(HdrSectionCount));
        for (int i = 0; i < count; i++)
            if (BinaryPrimitives.ReadUInt16LittleEndian(Image.AsSpan(HeaderSize + i * SectionEntrySize)) == (ushort)kind)
                return HeaderSize + i * SectionEntrySize;
        throw new KeyNotFoundException(kind.ToString());
    }

    public int Sec(SectionKind kind) => (int)U32(Row(kind) + SecOffset);
    public int SecLen(SectionKind kind) => (int)U32(Row(kind) + SecLength);
    public int Tensor(SectionKind kind, int i) => Sec(kind) + TensorTableHeaderSize + i * TensorEntrySize;
    public int VocabBlock(int b) => Sec(SectionKind.Vocabulary) + VocabHeaderSize + b * VocabBlockOffsetSize;
    /// <summary>The lengths byte of vocabulary string i.</summary>
    public int VocabEntry(int i)
    {
        int e = Sec(SectionKind.Vocabulary) + (int)U32(VocabBlock(i / VocabBlockEntries));
        for (int k = 0; k < i % VocabBlockEntries; k++) e = VocabSuffix(e) + VocabSuffixLength(e);
        return e;
    }
    /// <summary>Where the suffix of the entry whose lengths byte is at <paramref name="e"/> starts, and its length.</summary>
    public int VocabSuffix(int e) => e + 1 + (Image[e] >> 4 == VocabLengthEscape ? 1 : 0) + ((Image[e] & 0xF) == VocabLengthEscape ? 1 : 0);
    public int VocabSuffixLength(int e) => (Image[e] & 0xF) == VocabLengthEscape ? Image[VocabSuffix(e) - 1] : Image[e] & 0xF;
    public int Label(int i) => Sec(SectionKind.Labels) + LabelsHeaderSize + i * LabelEntrySize;
    /// <summary>THRESHOLDS' rejection fields: the section's last <see cref="RejectionFieldsSize"/> bytes.</summary>
    public int Rejection() => Sec(SectionKind.Thresholds) + SecLen(SectionKind.Thresholds) - RejectionFieldsSize;
    public int Record(int i)
    {
        int r = Sec(SectionKind.TestVectors) + TestVectorsHeaderSize;
        while (i-- > 0) r += (int)U32(r);
        return r;
    }

    public int NormRange(int i) => Sec(SectionKind.Normalizer) + NormHeaderSize + i * NormRangeSize;
    public int NormMap(int i) => NormRange((int)U32(Sec(SectionKind.Normalizer) + NormRangeCount)) + i * NormMapSize;

    public uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(Image.AsSpan(at));
    public ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(Image.AsSpan(at));
    public void W32(int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(Image.AsSpan(at), v);
    public void W16(int at, uint v) => BinaryPrimitives.WriteUInt16LittleEndian(Image.AsSpan(at), (ushort)v);
    public void Add32(int at, int d) => W32(at, (uint)((int)U32(at) + d));
    public uint U24(int at) => Image[at] | (uint)Image[at + 1] << 8 | (uint)Image[at + 2] << 16;
    public void W24(int at, uint v) => (Image[at], Image[at + 1], Image[at + 2]) = ((byte)v, (byte)(v >> 8), (byte)(v >> 16));
    /// <summary>Gives NORMALIZER range i another kind, its start unchanged.</summary>
    public void SetNormKind(int i, uint kind) => W24(NormRange(i), U24(NormRange(i)) & NormCpMask | kind << NormKindShift);

    /// <summary>Recomputes CRCs and hash so only the structural check can catch the change.</summary>
    public byte[] Fixed()
    {
        ImageWriter.FixChecksums(Image);
        return Image;
    }

    public int Params(SectionKind kind, int i) => Sec(kind) + (int)U32(Tensor(kind, i) + TenParamsOffset);

    /// <summary>The tamper cases both codecs must agree on: name, change, expected status, and the scheme of the
    /// tiny image they change (<see cref="TinyImages.Random"/>).</summary>
    public static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want, SchemeId Scheme)> Cases() =>
        Int8Cases().Select(c => (c.Name, c.Change, c.Want, SchemeId.Int8))
            .Concat(W1A1Cases().Select(c => ("w1a1-" + c.Name, c.Change, c.Want, SchemeId.W1A1)))
            .Concat(Af8Cases().Select(c => ("af8-" + c.Name, c.Change, c.Want, SchemeId.Af8)))
            .Concat(Gobo3Cases().Select(c => ("gobo3-" + c.Name, c.Change, c.Want, SchemeId.Gobo3)))
            .Concat(SpanCases().Select(c => ("span-" + c.Name, c.Change, c.Want, SchemeId.Int8)))
            .Concat(Int4Cases().Select(c => ("int4-" + c.Name, c.Change, c.Want, SchemeId.Int4)))
            .Concat(IpqCases().Select(c => ("ipq-" + c.Name, c.Change, c.Want, SchemeId.Ipq)))
            .Concat(Int8SparseCases().Select(c => ("int8-sparse-" + c.Name, c.Change, c.Want, SchemeId.Int8Sparse)))
            .Concat(TwoOfFourCases().Select(c => ("2of4-" + c.Name, c.Change, c.Want, SchemeId.Int8_2of4)));

    /// <summary>Data of tensor i of a section.</summary>
    public int Data(SectionKind kind, int i) => Sec(kind) + (int)U32(Tensor(kind, i) + TenDataOffset);

    /// <summary>Cases on a scheme-int8-sparse image (the int8 tiny ALBERT pruned to 60 % in blocks of 4, mapping-in, Q, K,
    /// V, Dense, Ffn, FfnOutput and the poolers int8_sparse; embedding tables and exit classifiers int8_row). The FFN
    /// [16, 8]: u32 b, 17 row starts, then its block columns at 72.</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> Int8SparseCases()
    {
        const int ffn = 4, columns = 8 + 4 * 16;
        yield return ("block-size-2", t => t.W32(t.Data(SectionKind.Layer, ffn), 2), NiStatus.TensorParams);
        yield return ("block-size-0", t => t.W32(t.Data(SectionKind.Layer, ffn), 0), NiStatus.TensorParams);
        yield return ("row-0-starts-at-1", t => t.W32(t.Data(SectionKind.Layer, ffn) + 4, 1), NiStatus.TensorSize);
        yield return ("block-count-huge", t => t.W32(t.Data(SectionKind.Layer, ffn) + 4 + 4 * 16, 0xFFFFFFF0), NiStatus.TensorSize);
        yield return ("row-start-decreasing", t => t.W32(t.Data(SectionKind.Layer, ffn) + 4 + 4 * 16, 0), NiStatus.TensorSize);
        yield return ("data-length-minus-1", t => t.Add32(t.Tensor(SectionKind.Layer, ffn) + TenDataLength, -1), NiStatus.TensorSize);
        yield return ("data-below-least", t => t.W32(t.Tensor(SectionKind.Layer, ffn) + TenDataLength, columns - 1), NiStatus.TensorSize);
        yield return ("column-65535", t => t.W16(t.Data(SectionKind.Layer, ffn) + columns, 0xFFFF), NiStatus.TensorParams);
        yield return ("params-length-minus-12", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, -12), NiStatus.TensorSize);
        yield return ("shift-0", t => t.W32(t.Params(SectionKind.Layer, ffn) + 8, 0), NiStatus.TensorParams);
        yield return ("pooler-multiplier-negative", t => t.W32(t.Params(SectionKind.ExitHeads, 0) + 12 + 4, 0x80000000), NiStatus.TensorParams);
        yield return ("query-as-int8-row", t => t.Image[t.Tensor(SectionKind.Layer, 0) + TenEncoding] = (byte)TensorEncoding.Int8Row, NiStatus.TensorEncoding);
        yield return ("word-embeddings-as-int8-sparse", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Int8Sparse, NiStatus.TensorEncoding);
        yield return ("classifier-as-int8-sparse", t => t.Image[t.Tensor(SectionKind.ExitHeads, 1) + TenEncoding] = (byte)TensorEncoding.Int8Sparse, NiStatus.TensorEncoding);
        yield return ("scheme-int8", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int8), NiStatus.TensorEncoding);
        yield return ("scheme-int4", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int4), NiStatus.TensorEncoding);
        yield return ("quant-params-no-softmax-table", t => t.W32(t.Sec(SectionKind.QuantParams) + 4, 0), NiStatus.QuantTables);
        // the attention output [8, 8] in 4×4 blocks (b = 16): 3 group starts, 2 of its 4 blocks kept, columns at 16
        const int dense = 3, denseColumns = 8 + 4 * 2;
        yield return ("4x4-block-size-8", t => t.W32(t.Data(SectionKind.Layer, dense), 8), NiStatus.TensorParams);
        yield return ("4x4-group-0-starts-at-1", t => t.W32(t.Data(SectionKind.Layer, dense) + 4, 1), NiStatus.TensorSize);
        yield return ("4x4-group-1-starts-past-group-2", t => t.W32(t.Data(SectionKind.Layer, dense) + 8, 3), NiStatus.TensorSize);
        yield return ("4x4-block-count-huge", t => t.W32(t.Data(SectionKind.Layer, dense) + 12, 0xFFFFFFF0), NiStatus.TensorSize);
        yield return ("4x4-data-length-minus-16", t => t.Add32(t.Tensor(SectionKind.Layer, dense) + TenDataLength, -16), NiStatus.TensorSize);
        yield return ("4x4-data-below-least", t => t.W32(t.Tensor(SectionKind.Layer, dense) + TenDataLength, denseColumns - 1), NiStatus.TensorSize);
        yield return ("4x4-column-cols-over-4", t => t.W16(t.Data(SectionKind.Layer, dense) + denseColumns, 2), NiStatus.TensorParams);
    }

    /// <summary>Byte <paramref name="at"/> of row <paramref name="row"/>'s position nibbles of 2:4 tensor i of a section.</summary>
    public int TwoOfFourPositions(SectionKind kind, int i, int row, int at)
    {
        int cols = (int)U32(Tensor(kind, i) + TenCols);
        return Sec(kind) + (int)U32(Tensor(kind, i) + TenDataOffset) + row * ModelPacker.IntegerRuntime.Kernels.TwoOfFourKernels.RowBytes(cols) + cols / 2 + at;
    }

    /// <summary>GOBO tensor i of a section: where its outlier list starts (after rows × 3⌈cols/8⌉ index bytes).</summary>
    public int Gobo3Outliers(SectionKind kind, int i) =>
        Sec(kind) + (int)U32(Tensor(kind, i) + TenDataOffset) + (int)U32(Tensor(kind, i) + TenRows) * 3 * (((int)U32(Tensor(kind, i) + TenCols) + 7) / 8);

    /// <summary>Cases on a scheme-gobo3 image (the af8 image's ALBERT with mapping-in, Q, K, V, Dense, Ffn, FfnOutput and
    /// the poolers gobo3, each with outliers; embedding tables and exit classifiers int8_row). Layer tensor 4 (Ffn,
    /// [16, 8]) has at least two outliers.</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> Gobo3Cases()
    {
        const int ffn = 4;
        int Count(ImageTamper t) => (int)t.U32(t.Params(SectionKind.Layer, ffn) + 8);
        yield return ("multiplier-negative", t => t.W32(t.Params(SectionKind.Layer, 3), 0x80000000), NiStatus.TensorParams);
        yield return ("shift-63", t => t.W32(t.Params(SectionKind.ExitHeads, 0) + 4, 63), NiStatus.TensorParams);
        yield return ("centroid-4096", t => t.W16(t.Params(SectionKind.Layer, 1) + 12 + 2 * 5, 4096), NiStatus.TensorParams);
        yield return ("centroid-minus-4096", t => t.W16(t.Params(SectionKind.Embeddings, 2) + 12, unchecked((uint)-4096)), NiStatus.TensorParams);
        yield return ("bias-above-2^30", t => t.W32(t.Params(SectionKind.Layer, 5) + 28 + 4, (1u << 30) + 1), NiStatus.TensorParams);
        yield return ("params-length-plus-4", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, 4), NiStatus.TensorSize);
        yield return ("params-length-minus-4", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, -4), NiStatus.TensorSize);
        yield return ("data-one-outlier-short", t => t.Add32(t.Tensor(SectionKind.Layer, ffn) + TenDataLength, -6), NiStatus.TensorSize);
        yield return ("data-length-plus-1", t => t.Add32(t.Tensor(SectionKind.Layer, ffn) + TenDataLength, 1), NiStatus.TensorSize);
        yield return ("outlier-count-plus-1", t => t.Add32(t.Params(SectionKind.Layer, ffn) + 8, 1), NiStatus.TensorSize);
        yield return ("outlier-count-huge", t => t.W32(t.Params(SectionKind.Layer, ffn) + 8, 0xFFFFFFFF), NiStatus.TensorSize);
        yield return ("outlier-row-out-of-range", t => t.W16(t.Gobo3Outliers(SectionKind.Layer, ffn) + 6 * (Count(t) - 1), 16), NiStatus.TensorParams);
        yield return ("outlier-col-out-of-range", t => t.W16(t.Gobo3Outliers(SectionKind.Layer, ffn) + 2, 8), NiStatus.TensorParams);
        yield return ("outlier-value-4096", t => t.W16(t.Gobo3Outliers(SectionKind.Layer, ffn) + 4, 4096), NiStatus.TensorParams);
        yield return ("outliers-duplicate", t => t.Image.AsSpan(t.Gobo3Outliers(SectionKind.Layer, ffn), 4).CopyTo(t.Image.AsSpan(t.Gobo3Outliers(SectionKind.Layer, ffn) + 6)), NiStatus.TensorParams);
        yield return ("outliers-unsorted", t =>
        {
            int o = t.Gobo3Outliers(SectionKind.Layer, ffn);
            var first = t.Image.AsSpan(o, 6).ToArray();
            t.Image.AsSpan(o + 6, 6).CopyTo(t.Image.AsSpan(o));
            first.CopyTo(t.Image.AsSpan(o + 6));
        }, NiStatus.TensorParams);
        yield return ("outlier-slot-not-0", t =>
        {
            int o = t.Gobo3Outliers(SectionKind.Layer, ffn), r = t.U16(o), c = t.U16(o + 2);
            int bit = 3 * c, at = t.Sec(SectionKind.Layer) + (int)t.U32(t.Tensor(SectionKind.Layer, ffn) + TenDataOffset) + r * 3 + bit / 8;
            t.Image[at] |= (byte)(1 << (bit % 8));
        }, NiStatus.TensorParams);
        yield return ("ffn-as-int8-row", t => t.Image[t.Tensor(SectionKind.Layer, ffn) + TenEncoding] = (byte)TensorEncoding.Int8Row, NiStatus.TensorEncoding);
        yield return ("ffn-as-adaptivfloat", t => t.Image[t.Tensor(SectionKind.Layer, ffn) + TenEncoding] = (byte)TensorEncoding.AdaptivFloat, NiStatus.TensorEncoding);
        yield return ("word-embeddings-as-gobo3", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Gobo3, NiStatus.TensorEncoding);
        yield return ("classifier-as-gobo3", t => t.Image[t.Tensor(SectionKind.ExitHeads, 1) + TenEncoding] = (byte)TensorEncoding.Gobo3, NiStatus.TensorEncoding);
        yield return ("scheme-af8", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Af8), NiStatus.TensorEncoding);
        yield return ("quant-params-no-softmax-table", t => t.W32(t.Sec(SectionKind.QuantParams) + 4, 0), NiStatus.QuantTables);
    }

    /// <summary>Cases on the int8 image with an ATTENTION_SPAN section (<see cref="TinyImages.WithSpans"/>: two heads,
    /// spans 3 and 0, max_positions 8).</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> SpanCases()
    {
        yield return ("count-1", t => t.W32(t.Sec(SectionKind.AttentionSpan), 1), NiStatus.AttentionSpan);
        yield return ("count-3", t => t.W32(t.Sec(SectionKind.AttentionSpan), 3), NiStatus.AttentionSpan);
        yield return ("reserved", t => t.W32(t.Sec(SectionKind.AttentionSpan) + 4, 1), NiStatus.Reserved);
        yield return ("above-max-positions", t => t.Image[t.Sec(SectionKind.AttentionSpan) + AttentionSpanHeaderSize] = 9, NiStatus.AttentionSpan);
        yield return ("65535", t => { t.Image[t.Sec(SectionKind.AttentionSpan) + AttentionSpanHeaderSize + 2] = 0xFF; t.Image[t.Sec(SectionKind.AttentionSpan) + AttentionSpanHeaderSize + 3] = 0xFF; }, NiStatus.AttentionSpan);
        yield return ("heads-1", t => t.W32(t.Sec(SectionKind.Model) + 12, 1), NiStatus.AttentionSpan); // one head of 8: valid dims, 2 spans
    }

    /// <summary>Cases on a scheme-int4 image (the int8 tiny ALBERT with mapping-in, Q, K, V, Dense, Ffn, FfnOutput and
    /// the poolers int4, params {bias, multiplier, shift} a row; embedding tables and exit classifiers int8_row).</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> Int4Cases()
    {
        yield return ("multiplier-negative", t => t.W32(t.Params(SectionKind.Layer, 3) + 12 + 4, 0x80000000), NiStatus.TensorParams);
        yield return ("shift-0", t => t.W32(t.Params(SectionKind.Layer, 4) + 8, 0), NiStatus.TensorParams);
        yield return ("shift-63", t => t.W32(t.Params(SectionKind.ExitHeads, 0) + 12 * 2 + 8, 63), NiStatus.TensorParams);
        yield return ("bias-above-2^30", t => t.W32(t.Params(SectionKind.Layer, 5) + 12, (1u << 30) + 1), NiStatus.TensorParams);
        yield return ("bias-below-minus-2^30", t => t.W32(t.Params(SectionKind.Embeddings, 2), unchecked((uint)(-(1 << 30) - 1))), NiStatus.TensorParams);
        yield return ("params-length-plus-12", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, 12), NiStatus.TensorSize);
        yield return ("data-length-minus-4", t => t.Add32(t.Tensor(SectionKind.Layer, 2) + TenDataLength, -4), NiStatus.TensorSize);
        yield return ("data-length-of-int8-rows", t => t.W32(t.Tensor(SectionKind.Layer, 2) + TenDataLength, 2 * t.U32(t.Tensor(SectionKind.Layer, 2) + TenDataLength)), NiStatus.TensorSize);
        yield return ("query-as-int8-row", t => t.Image[t.Tensor(SectionKind.Layer, 0) + TenEncoding] = (byte)TensorEncoding.Int8Row, NiStatus.TensorEncoding);
        yield return ("ffn-as-adaptivfloat", t => t.Image[t.Tensor(SectionKind.Layer, 4) + TenEncoding] = (byte)TensorEncoding.AdaptivFloat, NiStatus.TensorEncoding);
        yield return ("word-embeddings-as-int4", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Int4, NiStatus.TensorEncoding);
        yield return ("classifier-as-int4", t => t.Image[t.Tensor(SectionKind.ExitHeads, 1) + TenEncoding] = (byte)TensorEncoding.Int4, NiStatus.TensorEncoding);
        yield return ("pooler-as-binary-s8", t => t.Image[t.Tensor(SectionKind.ExitHeads, 0) + TenEncoding] = (byte)TensorEncoding.BinaryS8, NiStatus.TensorEncoding);
        yield return ("scheme-int8", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int8), NiStatus.TensorEncoding);
        yield return ("scheme-af8", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Af8), NiStatus.TensorEncoding);
        yield return ("quant-params-no-softmax-table", t => t.W32(t.Sec(SectionKind.QuantParams) + 4, 0), NiStatus.QuantTables);
    }

    /// <summary>Cases on a scheme-ipq image (the int8 tiny ALBERT with mapping-in, Q, K, V, Dense, Ffn, FfnOutput and the
    /// poolers ipq: 16 codewords of 4 weights, then the indices; params {K, d} then {bias, multiplier, shift} a row).</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> IpqCases()
    {
        yield return ("codes-0", t => t.W32(t.Params(SectionKind.Layer, 0), 0), NiStatus.TensorParams);
        yield return ("codes-257", t => t.W32(t.Params(SectionKind.Layer, 0), 257), NiStatus.TensorParams);
        yield return ("codes-8-for-a-codebook-of-16", t => t.W32(t.Params(SectionKind.Layer, 1), 8), NiStatus.TensorSize);
        yield return ("block-0", t => t.W32(t.Params(SectionKind.Layer, 2) + 4, 0), NiStatus.TensorParams);
        yield return ("block-3", t => t.W32(t.Params(SectionKind.Layer, 2) + 4, 3), NiStatus.TensorParams);
        yield return ("block-17", t => t.W32(t.Params(SectionKind.Layer, 2) + 4, 17), NiStatus.TensorParams);
        yield return ("block-2-for-data-of-4", t => t.W32(t.Params(SectionKind.Layer, 3) + 4, 2), NiStatus.TensorSize);
        yield return ("index-16", t => t.Image[t.Data(SectionKind.Layer, 4) + 16 * 4] = 16, NiStatus.TensorParams);
        yield return ("last-index-255", t => t.Image[t.Data(SectionKind.Layer, 5) + (int)t.U32(t.Tensor(SectionKind.Layer, 5) + TenDataLength) - 1] = 255, NiStatus.TensorParams);
        yield return ("pooler-index-200", t => t.Image[t.Data(SectionKind.ExitHeads, 0) + 16 * 4 + 3] = 200, NiStatus.TensorParams);
        yield return ("multiplier-negative", t => t.W32(t.Params(SectionKind.Layer, 3) + 8 + 12 + 4, 0x80000000), NiStatus.TensorParams);
        yield return ("shift-0", t => t.W32(t.Params(SectionKind.Layer, 4) + 8 + 8, 0), NiStatus.TensorParams);
        yield return ("bias-above-2^30", t => t.W32(t.Params(SectionKind.Embeddings, 2) + 8, (1u << 30) + 1), NiStatus.TensorParams);
        yield return ("params-length-plus-12", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, 12), NiStatus.TensorParams);
        yield return ("params-length-minus-12", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, -12), NiStatus.TensorSize);
        yield return ("data-length-minus-1", t => t.Add32(t.Tensor(SectionKind.Layer, 2) + TenDataLength, -1), NiStatus.TensorSize);
        yield return ("data-length-0", t => t.W32(t.Tensor(SectionKind.Layer, 2) + TenDataLength, 0), NiStatus.TensorSize);
        yield return ("query-as-int8-row", t => t.Image[t.Tensor(SectionKind.Layer, 0) + TenEncoding] = (byte)TensorEncoding.Int8Row, NiStatus.TensorEncoding);
        yield return ("ffn-as-int4", t => t.Image[t.Tensor(SectionKind.Layer, 4) + TenEncoding] = (byte)TensorEncoding.Int4, NiStatus.TensorEncoding);
        yield return ("word-embeddings-as-ipq", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Ipq, NiStatus.TensorEncoding);
        yield return ("classifier-as-ipq", t => t.Image[t.Tensor(SectionKind.ExitHeads, 1) + TenEncoding] = (byte)TensorEncoding.Ipq, NiStatus.TensorEncoding);
        yield return ("scheme-int8", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int8), NiStatus.TensorEncoding);
        yield return ("scheme-int4", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int4), NiStatus.TensorEncoding);
        yield return ("quant-params-no-softmax-table", t => t.W32(t.Sec(SectionKind.QuantParams) + 4, 0), NiStatus.QuantTables);
    }

    /// <summary>Cases on a scheme-int8-2of4 image (the int8 tiny ALBERT made 2:4 by magnitude: mapping-in, Q, K, V, Dense,
    /// Ffn, FfnOutput and the poolers int8_2of4, exact lengths, position nibbles of two distinct ascending columns).</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> TwoOfFourCases()
    {
        yield return ("positions-1-1", t => t.Image[t.TwoOfFourPositions(SectionKind.Layer, 4, 2, 0)] = 0x55, NiStatus.TensorParams);
        yield return ("positions-descending", t => t.Image[t.TwoOfFourPositions(SectionKind.Layer, 0, 0, 0)] = 0x41, NiStatus.TensorParams);
        yield return ("nibble-0", t => t.Image[t.TwoOfFourPositions(SectionKind.ExitHeads, 0, 1, 0)] = 0x40, NiStatus.TensorParams);
        yield return ("multiplier-negative", t => t.W32(t.Params(SectionKind.Layer, 3) + 12 + 4, 0x80000000), NiStatus.TensorParams);
        yield return ("shift-0", t => t.W32(t.Params(SectionKind.Layer, 4) + 8, 0), NiStatus.TensorParams);
        yield return ("params-length-plus-12", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, 12), NiStatus.TensorSize);
        yield return ("data-length-minus-1", t => t.Add32(t.Tensor(SectionKind.Layer, 2) + TenDataLength, -1), NiStatus.TensorSize);
        yield return ("data-length-plus-1", t => t.Add32(t.Tensor(SectionKind.Layer, 2) + TenDataLength, 1), NiStatus.TensorSize);
        yield return ("query-as-int8-row", t => t.Image[t.Tensor(SectionKind.Layer, 0) + TenEncoding] = (byte)TensorEncoding.Int8Row, NiStatus.TensorEncoding);
        yield return ("word-embeddings-as-2of4", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Int8_2of4, NiStatus.TensorEncoding);
        yield return ("classifier-as-2of4", t => t.Image[t.Tensor(SectionKind.ExitHeads, 1) + TenEncoding] = (byte)TensorEncoding.Int8_2of4, NiStatus.TensorEncoding);
        yield return ("scheme-int8", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int8), NiStatus.TensorEncoding);
        yield return ("scheme-int4", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int4), NiStatus.TensorEncoding);
    }

    /// <summary>Cases on a scheme-af8 image (the int8 tiny ALBERT with mapping-in, Q, K, V, Dense, Ffn, FfnOutput and
    /// the poolers adaptivfloat; embedding tables and exit classifiers int8_row).</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> Af8Cases()
    {
        yield return ("multiplier-negative", t => t.W32(t.Params(SectionKind.Layer, 3), 0x80000000), NiStatus.TensorParams);
        yield return ("shift-0", t => t.W32(t.Params(SectionKind.Layer, 4) + 4, 0), NiStatus.TensorParams);
        yield return ("shift-63", t => t.W32(t.Params(SectionKind.ExitHeads, 0) + 4, 63), NiStatus.TensorParams);
        yield return ("bias-above-2^30", t => t.W32(t.Params(SectionKind.Layer, 5) + 8 + 4, (1u << 30) + 1), NiStatus.TensorParams);
        yield return ("bias-below-minus-2^30", t => t.W32(t.Params(SectionKind.Embeddings, 2) + 8, unchecked((uint)(-(1 << 30) - 1))), NiStatus.TensorParams);
        yield return ("params-length-plus-4", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, 4), NiStatus.TensorSize);
        yield return ("data-length-minus-4", t => t.Add32(t.Tensor(SectionKind.Layer, 2) + TenDataLength, -4), NiStatus.TensorSize);
        yield return ("query-as-int8-row", t => t.Image[t.Tensor(SectionKind.Layer, 0) + TenEncoding] = (byte)TensorEncoding.Int8Row, NiStatus.TensorEncoding);
        yield return ("word-embeddings-as-adaptivfloat", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.AdaptivFloat, NiStatus.TensorEncoding);
        yield return ("classifier-as-adaptivfloat", t => t.Image[t.Tensor(SectionKind.ExitHeads, 1) + TenEncoding] = (byte)TensorEncoding.AdaptivFloat, NiStatus.TensorEncoding);
        yield return ("pooler-as-binary-s8", t => t.Image[t.Tensor(SectionKind.ExitHeads, 0) + TenEncoding] = (byte)TensorEncoding.BinaryS8, NiStatus.TensorEncoding);
        yield return ("scheme-int8", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int8), NiStatus.TensorEncoding);
        yield return ("quant-params-no-softmax-table", t => t.W32(t.Sec(SectionKind.QuantParams) + 4, 0), NiStatus.QuantTables);
        foreach (var c in SparseEmbedCases()) yield return ("sparse-embed-" + c.Name, c.Change, c.Want);
    }

    /// <summary>Where the word embeddings' data starts (an int8_sparse_embed table: row offsets, then per row a bitmap and
    /// the kept values), and row r's record.</summary>
    private int WordData() => Sec(SectionKind.Embeddings) + (int)U32(Tensor(SectionKind.Embeddings, 0) + TenDataOffset);
    private int WordRow(int r) => WordData() + (int)U32(WordData() + 4 * r);

    /// <summary>Cases on the af8 image's int8_sparse_embed word embeddings (E 32: 4-byte bitmaps).</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> SparseEmbedCases()
    {
        yield return ("data-length-minus-1", t => t.Add32(t.Tensor(SectionKind.Embeddings, 0) + TenDataLength, -1), NiStatus.TensorSize);
        yield return ("data-below-least", t => t.W32(t.Tensor(SectionKind.Embeddings, 0) + TenDataLength, 3), NiStatus.TensorSize);
        yield return ("params-length-minus-12", t => t.Add32(t.Tensor(SectionKind.Embeddings, 0) + TenParamsLength, -12), NiStatus.TensorSize);
        yield return ("row-3-offset-plus-1", t => t.Add32(t.WordData() + 4 * 3, 1), NiStatus.TensorSize);
        yield return ("row-0-offset-0", t => t.W32(t.WordData(), 0), NiStatus.TensorSize);
        yield return ("last-row-offset-past-data", t => t.W32(t.WordData() + 4 * (TinyRows(t) - 1), 0xFFFFFFF0), NiStatus.TensorSize);
        yield return ("row-4-bitmap-bit-flipped", t => t.Image[t.WordRow(4)] ^= 1, NiStatus.TensorSize);
        yield return ("row-2-shift-0", t => t.W32(t.Params(SectionKind.Embeddings, 0) + 12 * 2 + 8, 0), NiStatus.TensorParams);
        yield return ("row-2-multiplier-negative", t => t.W32(t.Params(SectionKind.Embeddings, 0) + 12 * 2 + 4, 0x80000000), NiStatus.TensorParams);
        yield return ("position-embeddings-sparse", t => t.Image[t.Tensor(SectionKind.Embeddings, 1) + TenEncoding] = (byte)TensorEncoding.Int8SparseEmbed, NiStatus.TensorEncoding);
        yield return ("mapping-in-sparse", t => t.Image[t.Tensor(SectionKind.Embeddings, 2) + TenEncoding] = (byte)TensorEncoding.Int8SparseEmbed, NiStatus.TensorEncoding);
        yield return ("word-embeddings-as-int8-row", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Int8Row, NiStatus.TensorSize);
    }

    private static int TinyRows(ImageTamper t) => (int)t.U32(t.Tensor(SectionKind.Embeddings, 0) + TenRows);

    /// <summary>Cases on a scheme-W1A1 image (word and position embeddings binary_embed; mapping-in, LAYER entries Q,
    /// K, V, Dense, Ffn, FfnOutput and the poolers binary, but the last exit's pooler binary_s8; exit classifiers
    /// int8_row; QUANT_PARAMS without the softmax block).</summary>
    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> W1A1Cases()
    {
        yield return ("intermediate-100", t => t.W32(t.Sec(SectionKind.Model) + 16, 100), NiStatus.ModelDims);
        yield return ("heads-4", t => t.W32(t.Sec(SectionKind.Model) + 12, 4), NiStatus.ModelDims);   // head size 16
        yield return ("ffn-as-int8-row", t => t.Image[t.Tensor(SectionKind.Layer, 4) + TenEncoding] = (byte)TensorEncoding.Int8Row, NiStatus.TensorEncoding);
        yield return ("classifier-as-binary", t => t.Image[t.Tensor(SectionKind.ExitHeads, 1) + TenEncoding] = (byte)TensorEncoding.Binary, NiStatus.TensorEncoding);
        yield return ("word-embeddings-int4", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Int4, NiStatus.TensorEncoding);
        yield return ("binary-data-length-minus-4", t => t.Add32(t.Tensor(SectionKind.Layer, 2) + TenDataLength, -4), NiStatus.TensorSize);
        yield return ("binary-params-length-plus-4", t => t.Add32(t.Tensor(SectionKind.Layer, 5) + TenParamsLength, 4), NiStatus.TensorSize);
        yield return ("binary-act-threshold-128", t => t.W32(t.Params(SectionKind.Layer, 3), 128), NiStatus.TensorParams);
        yield return ("binary-act-threshold-minus-129", t => t.W32(t.Params(SectionKind.Embeddings, 2), unchecked((uint)-129)), NiStatus.TensorParams);
        yield return ("word-embeddings-as-binary", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Binary, NiStatus.TensorEncoding);
        yield return ("mapping-in-as-binary-embed", t => t.Image[t.Tensor(SectionKind.Embeddings, 2) + TenEncoding] = (byte)TensorEncoding.BinaryEmbed, NiStatus.TensorEncoding);
        yield return ("ffn-as-binary-embed", t => t.Image[t.Tensor(SectionKind.Layer, 4) + TenEncoding] = (byte)TensorEncoding.BinaryEmbed, NiStatus.TensorEncoding);
        yield return ("pooler-as-binary-embed", t => t.Image[t.Tensor(SectionKind.ExitHeads, 0) + TenEncoding] = (byte)TensorEncoding.BinaryEmbed, NiStatus.TensorEncoding);
        yield return ("binary-embed-params-length-plus-1", t => t.Add32(t.Tensor(SectionKind.Embeddings, 0) + TenParamsLength, 1), NiStatus.TensorSize);
        yield return ("binary-embed-params-length-minus-1", t => t.Add32(t.Tensor(SectionKind.Embeddings, 1) + TenParamsLength, -1), NiStatus.TensorSize);
        yield return ("binary-embed-data-length-plus-4", t => t.Add32(t.Tensor(SectionKind.Embeddings, 1) + TenDataLength, 4), NiStatus.TensorSize);
        yield return ("binary-embed-shift-8", t => t.W32(t.Params(SectionKind.Embeddings, 0), 8), NiStatus.TensorParams);
        yield return ("binary-embed-shift-minus-1", t => t.W32(t.Params(SectionKind.Embeddings, 1), unchecked((uint)-1)), NiStatus.TensorParams);
        yield return ("binary-embed-reserved", t => t.Image[t.Params(SectionKind.Embeddings, 0) + 5] = 1, NiStatus.TensorParams);
        yield return ("quant-params-softmax-table", t => t.W32(t.Sec(SectionKind.QuantParams) + 4, (uint)QuantTables.Softmax), NiStatus.QuantTables);
        yield return ("quant-params-table-bit-1", t => t.W32(t.Sec(SectionKind.QuantParams) + 4, 2), NiStatus.QuantTables);
        yield return ("binary-shift-0", t => t.W32(t.Params(SectionKind.Layer, 3) + 4, 0), NiStatus.TensorParams);
        yield return ("query-as-binary", t => t.Image[t.Tensor(SectionKind.Layer, 0) + TenEncoding] = (byte)TensorEncoding.Binary, NiStatus.TensorEncoding);
        yield return ("dense-as-binary-sign", t => t.Image[t.Tensor(SectionKind.Layer, 3) + TenEncoding] = (byte)TensorEncoding.BinarySign, NiStatus.TensorEncoding);
        yield return ("word-embeddings-as-binary-sign", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.BinarySign, NiStatus.TensorEncoding);
        yield return ("binary-sign-params-length-plus-2", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenParamsLength, 2), NiStatus.TensorSize);
        yield return ("binary-sign-act-threshold-128", t => t.W32(t.Params(SectionKind.Layer, 2), 128), NiStatus.TensorParams);
        yield return ("binary-sign-reserved", t => t.Image[t.Params(SectionKind.Layer, 0) + 6] = 1, NiStatus.TensorParams);
        yield return ("binary-shift-63", t => t.W32(t.Params(SectionKind.ExitHeads, 2) + 4, 63), NiStatus.TensorParams);
        yield return ("binary-reserved", t => t.Image[t.Params(SectionKind.Embeddings, 2) + 12] = 1, NiStatus.TensorParams);
        yield return ("dense-as-binary-s8", t => t.Image[t.Tensor(SectionKind.Layer, 3) + TenEncoding] = (byte)TensorEncoding.BinaryS8, NiStatus.TensorEncoding);
        yield return ("mapping-in-as-binary-s8", t => t.Image[t.Tensor(SectionKind.Embeddings, 2) + TenEncoding] = (byte)TensorEncoding.BinaryS8, NiStatus.TensorEncoding);
        yield return ("classifier-as-binary-s8", t => t.Image[t.Tensor(SectionKind.ExitHeads, 3) + TenEncoding] = (byte)TensorEncoding.BinaryS8, NiStatus.TensorEncoding);
        yield return ("binary-pooler-as-binary-s8", t => t.Image[t.Tensor(SectionKind.ExitHeads, 0) + TenEncoding] = (byte)TensorEncoding.BinaryS8, NiStatus.TensorSize);
        yield return ("binary-s8-pooler-as-binary", t => t.Image[t.Tensor(SectionKind.ExitHeads, 4) + TenEncoding] = (byte)TensorEncoding.Binary, NiStatus.TensorSize);
        yield return ("binary-s8-data-length-minus-4", t => t.Add32(t.Tensor(SectionKind.ExitHeads, 4) + TenDataLength, -4), NiStatus.TensorSize);
        yield return ("binary-s8-params-length-plus-4", t => t.Add32(t.Tensor(SectionKind.ExitHeads, 4) + TenParamsLength, 4), NiStatus.TensorSize);
        yield return ("binary-s8-shift-0", t => t.W32(t.Params(SectionKind.ExitHeads, 4), 0), NiStatus.TensorParams);
        yield return ("binary-s8-shift-63", t => t.W32(t.Params(SectionKind.ExitHeads, 4), 63), NiStatus.TensorParams);
        yield return ("binary-s8-reserved", t => t.Image[t.Params(SectionKind.ExitHeads, 4) + 4] = 1, NiStatus.TensorParams);
        yield return ("attn-threshold-33", t => t.W32(t.Sec(SectionKind.QuantParams) + 8, 33), NiStatus.QuantParams);
        yield return ("attn-threshold-minus-33", t => t.W32(t.Sec(SectionKind.QuantParams) + 8, unchecked((uint)-33)), NiStatus.QuantParams);
        yield return ("word-embeddings-as-int8-sparse-embed", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Int8SparseEmbed, NiStatus.TensorEncoding);
    }

    private static IEnumerable<(string Name, Action<ImageTamper> Change, NiStatus Want)> Int8Cases()
    {
        yield return ("header-flags", t => t.W32(HdrFlags, 0x80), NiStatus.Flags);
        yield return ("header-reserved", t => t.Image[HdrReserved1 + 5] = 1, NiStatus.Reserved);
        yield return ("version-1", t => t.W16(HdrVersion, 1), NiStatus.Version);
        yield return ("version-3", t => t.W16(HdrVersion, 3), NiStatus.Version);
        yield return ("total-length-minus-1", t => t.Add32(HdrTotalLength, -1), NiStatus.Length);
        yield return ("section-kind-12", t => t.W16(t.Row(SectionKind.Labels), 12), NiStatus.SectionKind);
        yield return ("two-vocabularies", t => t.W16(t.Row(SectionKind.Labels), (ushort)SectionKind.Vocabulary), NiStatus.SectionDuplicate);
        yield return ("model-after-vocabulary", t => t.W16(t.Row(SectionKind.Labels), (ushort)SectionKind.Model), NiStatus.SectionOrder);
        yield return ("layer-offset-plus-4", t => t.Add32(t.Row(SectionKind.Layer) + SecOffset, 4), NiStatus.SectionAlign);
        yield return ("layer-over-model", t => t.Add32(t.Row(SectionKind.Layer) + SecOffset, -32), NiStatus.SectionOverlap);
        yield return ("length-wraps", t => t.W32(t.Row(SectionKind.Thresholds) + SecLength, 0xFFFFFFF0), NiStatus.SectionBounds);
        yield return ("trailing-bytes", t => t.Add32(t.Row(SectionKind.Normalizer) + SecLength, -4), NiStatus.SectionBounds);
        yield return ("no-labels", t =>
        {
            int count = t.U16(HdrSectionCount), row = t.Row(SectionKind.Labels), end = HeaderSize + count * SectionEntrySize;
            Array.Copy(t.Image, row + 16, t.Image, row, end - row - 16);
            Array.Clear(t.Image, end - 16, 16);
            t.W16(HdrSectionCount, (uint)count - 1);
        }, NiStatus.MissingSection);
        yield return ("vocab-size-4", t => t.W32(t.Sec(SectionKind.Model), 4), NiStatus.ModelDims);
        yield return ("heads-3", t => t.W32(t.Sec(SectionKind.Model) + 12, 3), NiStatus.ModelDims);
        yield return ("layers-33", t => t.W32(t.Sec(SectionKind.Model) + 20, 33), NiStatus.ModelDims);
        yield return ("model-reserved", t => t.Image[t.Sec(SectionKind.Model) + 63] = 1, NiStatus.Reserved);
        yield return ("positions-9", t => t.W32(t.Sec(SectionKind.Model) + 24, 9), NiStatus.TensorShape);
        yield return ("layers-3-exit-missing", t => t.W32(t.Sec(SectionKind.Model) + 20, 3), NiStatus.MissingTensor);
        yield return ("embeddings-count-plus-1", t => t.Add32(t.Sec(SectionKind.Embeddings), 1), NiStatus.TensorCount);
        yield return ("layer-count-minus-1", t => t.Add32(t.Sec(SectionKind.Layer), -1), NiStatus.MissingTensor);
        yield return ("layer-entries-swapped", t =>
        {
            int a = t.Tensor(SectionKind.Layer, 0), b = t.Tensor(SectionKind.Layer, 1);
            var tmp = t.Image.AsSpan(a, 32).ToArray();
            Array.Copy(t.Image, b, t.Image, a, 32);
            tmp.CopyTo(t.Image, b);
        }, NiStatus.TensorOrder);
        yield return ("query-twice", t => t.W16(t.Tensor(SectionKind.Layer, 1), (ushort)TensorId.AttentionQuery), NiStatus.TensorDuplicate);
        yield return ("tensor-id-99", t => t.W16(t.Tensor(SectionKind.Layer, 5), 99), NiStatus.TensorUnknown);
        yield return ("encoding-fp32", t => t.Image[t.Tensor(SectionKind.Layer, 2) + TenEncoding] = (byte)TensorEncoding.Fp32, NiStatus.TensorEncoding);
        yield return ("encoding-0", t => t.Image[t.Tensor(SectionKind.Embeddings, 1) + TenEncoding] = 0, NiStatus.TensorEncoding);
        yield return ("query-as-binary", t => t.Image[t.Tensor(SectionKind.Layer, 0) + TenEncoding] = (byte)TensorEncoding.Binary, NiStatus.TensorEncoding);
        yield return ("scheme-w1a1", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.W1A1), NiStatus.ModelDims);   // H 8
        yield return ("pooler-as-binary-s8", t => t.Image[t.Tensor(SectionKind.ExitHeads, 0) + TenEncoding] = (byte)TensorEncoding.BinaryS8, NiStatus.TensorEncoding);
        yield return ("scheme-99", t => t.W32(t.Sec(SectionKind.Model) + 36, 99), NiStatus.ModelDims);
        yield return ("scheme-af8", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Af8), NiStatus.TensorEncoding);
        yield return ("scheme-int4", t => t.W32(t.Sec(SectionKind.Model) + 36, (uint)SchemeId.Int4), NiStatus.TensorEncoding);
        yield return ("ffn-as-int4", t => t.Image[t.Tensor(SectionKind.Layer, 4) + TenEncoding] = (byte)TensorEncoding.Int4, NiStatus.TensorEncoding);
        yield return ("ffn-as-adaptivfloat", t => t.Image[t.Tensor(SectionKind.Layer, 4) + TenEncoding] = (byte)TensorEncoding.AdaptivFloat, NiStatus.TensorEncoding);
        yield return ("quant-params-attn-threshold-1", t => t.W32(t.Sec(SectionKind.QuantParams) + 8, 1), NiStatus.QuantParams);
        yield return ("quant-params-no-softmax-table", t => t.W32(t.Sec(SectionKind.QuantParams) + 4, 0), NiStatus.QuantTables);
        yield return ("word-embeddings-as-binary-embed", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.BinaryEmbed, NiStatus.TensorEncoding);
        yield return ("ffn-rows-plus-1", t => t.Add32(t.Tensor(SectionKind.Layer, 4) + TenRows, 1), NiStatus.TensorShape);
        yield return ("data-length-plus-1", t => t.Add32(t.Tensor(SectionKind.Layer, 0) + TenDataLength, 1), NiStatus.TensorSize);
        yield return ("data-offset-plus-4", t => t.Add32(t.Tensor(SectionKind.Layer, 1) + TenDataOffset, 4), NiStatus.TensorAlign);
        yield return ("data-over-table", t => t.W32(t.Tensor(SectionKind.Layer, 0) + TenDataOffset, 0), NiStatus.TensorBounds);
        yield return ("data-offset-wraps", t => t.W32(t.Tensor(SectionKind.Layer, 5) + TenDataOffset, 0xFFFFFFE0), NiStatus.TensorBounds);
        yield return ("key-data-on-query-data", t => t.W32(t.Tensor(SectionKind.Layer, 1) + TenDataOffset, t.U32(t.Tensor(SectionKind.Layer, 0) + TenDataOffset)), NiStatus.TensorOverlap);
        yield return ("row-shift-0", t => t.W32(t.Sec(SectionKind.Layer) + (int)t.U32(t.Tensor(SectionKind.Layer, 3) + TenParamsOffset) + 8, 0), NiStatus.TensorParams);
        yield return ("quant-params-version-2", t => t.W32(t.Sec(SectionKind.QuantParams), 2), NiStatus.QuantParams);
        yield return ("quant-params-shift-0", t => t.W32(t.Sec(SectionKind.QuantParams) + 16, 0), NiStatus.QuantParams);
        yield return ("quant-params-softmax-shift-0", t => t.W32(t.Sec(SectionKind.QuantParams) + QuantParams.FixedBytes + 4, 0), NiStatus.QuantParams);
        yield return ("quant-params-exp-table-0", t => t.W32(t.Sec(SectionKind.QuantParams) + QuantParams.FixedBytes + 16, 65535), NiStatus.QuantParams);
        yield return ("vocab-count-0", t => t.W32(t.Sec(SectionKind.Vocabulary), 0), NiStatus.VocabCount);
        yield return ("unk-id-40", t => t.W16(t.Sec(SectionKind.Vocabulary) + VocUnkId, 40), NiStatus.VocabId);
        yield return ("vocab-count-39", t => t.W32(t.Sec(SectionKind.Vocabulary), 39), NiStatus.VocabBounds);
        yield return ("vocab-block-1-late", t => t.Add32(t.VocabBlock(1), 1), NiStatus.VocabBounds);
        yield return ("vocab-empty-suffix", t => t.Image[t.VocabEntry(5)] &= 0xF0, NiStatus.VocabBounds);
        yield return ("vocab-prefix-in-block-head", t => t.Image[t.VocabEntry(16)] |= 0x10, NiStatus.VocabBounds);
        yield return ("vocab-escape-14", t =>
        {
            int e = Enumerable.Range(0, 40).Select(t.VocabEntry).First(e => t.VocabSuffix(e) > e + 1);
            t.Image[e + 1] = 14;
        }, NiStatus.VocabBounds);
        yield return ("vocab-head-below-previous", t => t.Image[t.VocabSuffix(t.VocabEntry(16))] = (byte)'!', NiStatus.VocabOrder);
        yield return ("vocab-0xff", t =>
        {
            int e = t.VocabEntry(39);
            t.Image[t.VocabSuffix(e) + t.VocabSuffixLength(e) - 1] = 0xFF;
        }, NiStatus.Utf8);
        yield return ("labels-2", t => t.W32(t.Sec(SectionKind.Labels), 2), NiStatus.Labels);
        yield return ("label-empty", t => t.W32(t.Label(2) + 4, 0), NiStatus.Labels);
        yield return ("label-overlong-utf8", t => t.Image[t.Sec(SectionKind.Labels) + (int)t.U32(t.Label(0))] = 0xC0, NiStatus.Utf8);
        yield return ("thresholds-3", t => t.W32(t.Sec(SectionKind.Thresholds), 3), NiStatus.Thresholds);
        yield return ("reject-kind-3", t => t.W32(t.Sec(SectionKind.Thresholds) + ThrRejectKind, 3), NiStatus.Thresholds);
        yield return ("reject-kind-none-with-fields", t => t.W32(t.Sec(SectionKind.Thresholds) + ThrRejectKind, 0), NiStatus.Thresholds);
        yield return ("confidence-threshold-65537", t =>
        {
            t.W32(t.Sec(SectionKind.Thresholds) + ThrRejectKind, (uint)RejectKind.Confidence);
            t.W32(t.Rejection() + RejThreshold, 65537);
        }, NiStatus.Thresholds);
        yield return ("entropy-threshold-negative", t => t.W32(t.Rejection() + RejThreshold, 0xFFFFFFFF), NiStatus.Thresholds);
        yield return ("unknown-label-3", t => t.W32(t.Rejection() + RejUnknownLabel, 3), NiStatus.Thresholds);
        yield return ("unknown-label-minus-2", t => t.W32(t.Rejection() + RejUnknownLabel, 0xFFFFFFFE), NiStatus.Thresholds);
        yield return ("test-vectors-flag-2", t => t.W32(t.Sec(SectionKind.TestVectors) + 12, 3), NiStatus.Flags);
        yield return ("test-vectors-answers-flag-cleared", t => t.W32(t.Sec(SectionKind.TestVectors) + 12, 0), NiStatus.TestVectors);
        yield return ("answer-3", t => t.W32(t.Record(1) + (int)t.U32(t.Record(1)) - 4, 3), NiStatus.TestVectors);
        yield return ("answer-minus-2", t => t.W32(t.Record(2) + (int)t.U32(t.Record(2)) - 8, 0xFFFFFFFE), NiStatus.TestVectors);
        yield return ("test-vector-layers-3", t => t.W32(t.Sec(SectionKind.TestVectors) + 4, 3), NiStatus.TestVectors);
        yield return ("test-vector-count-plus-1", t => t.Add32(t.Sec(SectionKind.TestVectors), 1), NiStatus.TestVectors);
        yield return ("record-length-plus-4", t => t.Add32(t.Record(1), 4), NiStatus.TestVectors);
        yield return ("record-9-tokens", t => t.W16(t.Record(1) + 4, 9), NiStatus.TestVectors);
        yield return ("test-vector-token-40", t => t.W16(t.Record(2) + 10, 40), NiStatus.TestVectorToken);
        yield return ("normalizer-reserved", t => t.Image[t.Sec(SectionKind.Normalizer) + NormReserved] = 1, NiStatus.Reserved);
        yield return ("normalizer-no-ranges", t => t.W32(t.Sec(SectionKind.Normalizer) + NormRangeCount, 0), NiStatus.Normalizer);
        yield return ("normalizer-range-count-plus-1", t => t.Add32(t.Sec(SectionKind.Normalizer) + NormRangeCount, 1), NiStatus.Normalizer);
        yield return ("normalizer-map-count-plus-1", t => t.Add32(t.Sec(SectionKind.Normalizer) + NormMapCount, 1), NiStatus.Normalizer);
        yield return ("normalizer-pool-count-plus-1", t => t.Add32(t.Sec(SectionKind.Normalizer) + NormPoolCount, 1), NiStatus.Normalizer);
        yield return ("normalizer-first-range-at-1", t => t.W24(t.NormRange(0), 1), NiStatus.Normalizer);
        yield return ("normalizer-ranges-not-ascending", t => t.W24(t.NormRange(5), t.U24(t.NormRange(4))), NiStatus.Normalizer);
        // Range 1 is U+0009 (SPACE) between two DROP ranges.
        yield return ("normalizer-kind-like-previous", t => t.SetNormKind(2, NormKindSpace), NiStatus.Normalizer);
        yield return ("normalizer-hangul-outside-syllables", t => t.SetNormKind(1, NormKindWordHangul), NiStatus.Normalizer);
        yield return ("normalizer-mapped-without-mapping", t => t.SetNormKind(1, NormKindWordMapped), NiStatus.Normalizer);
        yield return ("normalizer-mapping-to-surrogate", t => t.W24(t.NormMap(0) + 3, 0xD800), NiStatus.Normalizer);
        yield return ("normalizer-mapping-past-10ffff", t => t.W24(t.NormMap(0), 0x110000), NiStatus.Normalizer);
        yield return ("normalizer-mappings-swapped", t =>
        {
            int a = t.NormMap(0), b = t.NormMap(1);
            var tmp = t.Image.AsSpan(a, NormMapSize).ToArray();
            Array.Copy(t.Image, b, t.Image, a, NormMapSize);
            tmp.CopyTo(t.Image, b);
        }, NiStatus.Normalizer);
        yield return ("word-embeddings-as-int8-sparse-embed", t => t.Image[t.Tensor(SectionKind.Embeddings, 0) + TenEncoding] = (byte)TensorEncoding.Int8SparseEmbed, NiStatus.TensorSize);   // allowed, but int8 rows are no offsets
        yield return ("position-embeddings-as-int8-sparse-embed", t => t.Image[t.Tensor(SectionKind.Embeddings, 1) + TenEncoding] = (byte)TensorEncoding.Int8SparseEmbed, NiStatus.TensorEncoding);
    }
}
