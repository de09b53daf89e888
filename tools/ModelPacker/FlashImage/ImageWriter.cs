using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ModelPacker.Encodings;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.FlashImage;

/// <summary>
/// Lays an <see cref="ImageContent"/> out as docs/flash-image.md describes: sections in kind order on 32-byte
/// boundaries, tensors sorted by id with data on 32-byte boundaries, the vocabulary front coded, CRC-32 of
/// every section, header CRC, SHA-256. The result is read back with <see cref="ImageReader"/> before it is
/// returned, so the writer never emits an image the loader would reject.
/// </summary>
public static class ImageWriter
{
    public static byte[] Build(ImageContent content)
    {
        var image = LayOut(content);
        ImageReader.Read(image, "image being written");
        return image;
    }

    /// <summary>The image bytes without the read-back: for tests that must write an image whose values (not its
    /// layout) the loader rejects. Never use it for a real image.</summary>
    internal static byte[] LayOut(ImageContent content)
    {
        var d = content.Dims;
        var sections = new List<(SectionKind Kind, byte[] Bytes)>
        {
            (SectionKind.Embeddings, TensorSection(content, SectionKind.Embeddings)),
            (SectionKind.Model, ModelSection(d)),
            (SectionKind.Layer, TensorSection(content, SectionKind.Layer)),
            (SectionKind.ExitHeads, TensorSection(content, SectionKind.ExitHeads)),
            (SectionKind.QuantParams, content.QuantParams.ToArray()),
            (SectionKind.Vocabulary, VocabularySection.Build(content.Vocabulary, content.VocabularySettings)),
            (SectionKind.Labels, LabelsSection(content.Labels)),
            (SectionKind.Thresholds, ThresholdsSection(content.Thresholds, content.Rejection)),
        };
        if (content.TestVectors != null) sections.Add((SectionKind.TestVectors, TestVectorsSection(content.TestVectors, d)));
        // Generated from the flags and pruned to what the vocabulary can tell apart (same token ids for every text).
        var normalizer = content.Normalizer ?? ModelPacker.Text.NormalizerTable.ForFlags(content.VocabularySettings.Flags)
            .PrunedFor(content.Vocabulary);
        sections.Add((SectionKind.Normalizer, normalizer.ToBytes()));
        if (content.AttentionSpans != null) sections.Add((SectionKind.AttentionSpan, AttentionSpanSection.Build(content.AttentionSpans)));

        int tableEnd = HeaderSize + sections.Count * SectionEntrySize, cur = tableEnd;
        var offsets = new int[sections.Count];
        for (int i = 0; i < sections.Count; i++)
        {
            offsets[i] = Align(cur, SectionAlign);
            cur = checked(offsets[i] + sections[i].Bytes.Length);
        }
        var image = new byte[cur];
        var s = image.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s[HdrMagic..], Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(s[HdrVersion..], FormatVersion);
        BinaryPrimitives.WriteUInt16LittleEndian(s[HdrHeaderSize..], HeaderSize);
        BinaryPrimitives.WriteUInt32LittleEndian(s[HdrBoardId..], content.BoardId);
        BinaryPrimitives.WriteUInt32LittleEndian(s[HdrTotalLength..], (uint)cur);
        BinaryPrimitives.WriteUInt32LittleEndian(s[HdrArenaBytes..], content.ArenaBytes);
        BinaryPrimitives.WriteUInt32LittleEndian(s[HdrFlags..], content.Flags);
        BinaryPrimitives.WriteUInt16LittleEndian(s[HdrSectionCount..], (ushort)sections.Count);
        BinaryPrimitives.WriteUInt16LittleEndian(s[HdrSectionEntrySize..], SectionEntrySize);
        BinaryPrimitives.WriteUInt32LittleEndian(s[HdrSectionTableOffset..], HeaderSize);
        for (int i = 0; i < sections.Count; i++)
        {
            var e = s.Slice(HeaderSize + i * SectionEntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(e[SecKind..], (ushort)sections[i].Kind);
            BinaryPrimitives.WriteUInt32LittleEndian(e[SecOffset..], (uint)offsets[i]);
            BinaryPrimitives.WriteUInt32LittleEndian(e[SecLength..], (uint)sections[i].Bytes.Length);
            sections[i].Bytes.CopyTo(s[offsets[i]..]);
        }
        FixChecksums(image);
        return image;
    }

    /// <summary>Builds the image and writes it to a temporary file next to <paramref name="path"/>, then renames it,
    /// so a failure never leaves a partial image behind.</summary>
    public static byte[] Write(ImageContent content, string path)
    {
        var image = Build(content);
        ModelPacker.IO.AtomicFile.WriteAllBytes(path, image);
        return image;
    }

    /// <summary>Recomputes every section CRC (entries inside the image), the header CRC and the SHA-256, in the
    /// spec's order. Tests use it to hide tampering behind valid checksums.</summary>
    public static void FixChecksums(byte[] image)
    {
        var s = image.AsSpan();
        int count = Math.Min((int)BinaryPrimitives.ReadUInt16LittleEndian(s[HdrSectionCount..]), MaxSections);
        int tableEnd = HeaderSize + count * SectionEntrySize;
        if (image.Length < tableEnd) return;
        for (int i = 0; i < count; i++)
        {
            var e = s.Slice(HeaderSize + i * SectionEntrySize);
            uint off = BinaryPrimitives.ReadUInt32LittleEndian(e[SecOffset..]), len = BinaryPrimitives.ReadUInt32LittleEndian(e[SecLength..]);
            if (off <= (uint)image.Length && len <= (uint)image.Length - off)
                BinaryPrimitives.WriteUInt32LittleEndian(e[SecCrc32..], Crc32.Compute(s.Slice((int)off, (int)len)));
        }
        s.Slice(HdrHeaderCrc, 4).Clear();
        s.Slice(HdrSha256, 32).Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(s[HdrHeaderCrc..], Crc32.Compute(s[..tableEnd]));
        SHA256.HashData(image).CopyTo(s[HdrSha256..]);
    }

    private static byte[] ModelSection(ModelDims d)
    {
        var b = new byte[ModelSize];
        uint[] v = [(uint)d.VocabSize, (uint)d.EmbeddingSize, (uint)d.HiddenSize, (uint)d.NumHeads, (uint)d.IntermediateSize,
            (uint)d.NumLayers, (uint)d.MaxPositions, (uint)d.NumLabels, (uint)d.Activation, (uint)d.Scheme];
        for (int i = 0; i < v.Length; i++) BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(4 * i), v[i]);
        return b;
    }

    private static byte[] TensorSection(ImageContent c, SectionKind kind)
    {
        var tensors = c.Tensors.Where(t => TensorNames.Expected(t.Id, c.Dims)?.Section == kind).OrderBy(t => t.Id).ToList();
        var stray = c.Tensors.FirstOrDefault(t => TensorNames.Expected(t.Id, c.Dims) == null);
        if (stray != null) throw new InvalidDataException($"tensor {TensorNames.Name(stray.Id)}: not part of a model with these dims");
        int tableEnd = TensorTableHeaderSize + tensors.Count * TensorEntrySize, cur = tableEnd;
        var places = new List<(int Data, int Params)>();
        foreach (var (_, t) in tensors)
        {
            int data = Align(cur, TensorDataAlign);
            cur = data + t.Data.Length;
            int prm = 0;
            if (t.Params.Length > 0) { prm = Align(cur, TensorDataAlign); cur = prm + t.Params.Length; }
            places.Add((data, prm));
        }
        var b = new byte[cur];
        var s = b.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)tensors.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], TensorEntrySize);
        for (int i = 0; i < tensors.Count; i++)
        {
            var (id, t) = tensors[i];
            var e = s.Slice(TensorTableHeaderSize + i * TensorEntrySize);
            BinaryPrimitives.WriteUInt16LittleEndian(e[TenId..], id);
            e[TenEncoding] = (byte)t.Encoding;
            BinaryPrimitives.WriteUInt32LittleEndian(e[TenRows..], (uint)t.Rows);
            BinaryPrimitives.WriteUInt32LittleEndian(e[TenCols..], (uint)t.Cols);
            BinaryPrimitives.WriteUInt32LittleEndian(e[TenDataOffset..], (uint)places[i].Data);
            BinaryPrimitives.WriteUInt32LittleEndian(e[TenDataLength..], (uint)t.Data.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(e[TenParamsOffset..], (uint)places[i].Params);
            BinaryPrimitives.WriteUInt32LittleEndian(e[TenParamsLength..], (uint)t.Params.Length);
            t.Data.CopyTo(s[places[i].Data..]);
            t.Params.CopyTo(s[places[i].Params..]);
        }
        return b;
    }

    /// <summary>Ordinal order of UTF-8 bytes: memcmp over the shorter, then the shorter first (the loader's order).</summary>
    public static int CompareUtf8(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b);

    private static byte[] LabelsSection(IReadOnlyList<string> labels)
    {
        var bytes = labels.Select(l => Encoding.UTF8.GetBytes(l)).ToList();
        int tableEnd = LabelsHeaderSize + bytes.Count * LabelEntrySize, cur = tableEnd;
        var b = new byte[tableEnd + bytes.Sum(x => x.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)bytes.Count);
        for (int i = 0; i < bytes.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(LabelsHeaderSize + i * LabelEntrySize), (uint)cur);
            BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(LabelsHeaderSize + i * LabelEntrySize + 4), (uint)bytes[i].Length);
            bytes[i].CopyTo(b, cur);
            cur += bytes[i].Length;
        }
        return b;
    }

    private static byte[] ThresholdsSection(IReadOnlyList<int> thresholds, RejectionRule rejection)
    {
        int end = ThresholdsHeaderSize + 4 * thresholds.Count;
        // an image that never rejects has no rejection fields: the layout of images written before they existed
        var b = new byte[end + (rejection.Kind == RejectKind.None ? 0 : RejectionFieldsSize)];
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ThrCount), (uint)thresholds.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(ThrRejectKind), (uint)rejection.Kind);
        for (int i = 0; i < thresholds.Count; i++) BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(ThresholdsHeaderSize + 4 * i), thresholds[i]);
        if (rejection.Kind != RejectKind.None)
        {
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(end + RejThreshold), rejection.ThresholdQ16);
            BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(end + RejUnknownLabel), rejection.UnknownLabel);
        }
        return b;
    }

    /// <summary>Bytes of one test vector record with <paramref name="tokens"/> tokens.</summary>
    public static int TestVectorRecordLength(int tokens, ModelDims d, bool answers) =>
        TestVectorHeaderSize + Align(2 * tokens, 4) + 4 * d.NumLayers * d.NumLabels + 4 * d.NumLayers * (answers ? 2 : 1);

    private static byte[] TestVectorsSection(IReadOnlyList<TestVector> vectors, ModelDims d)
    {
        // every record carries answers, or none does (the section's flag says which)
        bool answers = vectors.Count > 0 && vectors[0].Answers is not null;
        if (vectors.Any(v => (v.Answers is not null) != answers))
            throw new InvalidDataException("test vectors: some carry answers and some do not");
        var b = new byte[TestVectorsHeaderSize + vectors.Sum(v => TestVectorRecordLength(v.Tokens.Length, d, answers))];
        var s = b.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)vectors.Count);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], (uint)d.NumLayers);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], (uint)d.NumLabels);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], answers ? TestVectorsFlagAnswers : 0);
        int cur = TestVectorsHeaderSize;
        for (int i = 0; i < vectors.Count; i++)
        {
            var v = vectors[i];
            if (v.Logits.Length != d.NumLayers || v.Logits.Any(l => l.Length != d.NumLabels) || v.Entropies.Length != d.NumLayers)
                throw new InvalidDataException($"test vector {i}: needs {d.NumLayers} x {d.NumLabels} logits and {d.NumLayers} entropies");
            if (answers && v.Answers!.Length != d.NumLayers) throw new InvalidDataException($"test vector {i}: needs {d.NumLayers} answers");
            int rec = TestVectorRecordLength(v.Tokens.Length, d, answers);
            var r = s.Slice(cur, rec);
            BinaryPrimitives.WriteUInt32LittleEndian(r, (uint)rec);
            BinaryPrimitives.WriteUInt16LittleEndian(r[4..], (ushort)v.Tokens.Length);
            for (int k = 0; k < v.Tokens.Length; k++) BinaryPrimitives.WriteUInt16LittleEndian(r[(8 + 2 * k)..], v.Tokens[k]);
            int o = 8 + Align(2 * v.Tokens.Length, 4);
            foreach (var layer in v.Logits)
                foreach (int x in layer) { BinaryPrimitives.WriteInt32LittleEndian(r[o..], x); o += 4; }
            foreach (int x in v.Entropies) { BinaryPrimitives.WriteInt32LittleEndian(r[o..], x); o += 4; }
            if (answers) foreach (int x in v.Answers!) { BinaryPrimitives.WriteInt32LittleEndian(r[o..], x); o += 4; }
            cur += rec;
        }
        return b;
    }
}
