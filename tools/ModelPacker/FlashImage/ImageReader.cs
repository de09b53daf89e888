using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using ModelPacker.Encodings;
using static ModelPacker.FlashImage.FlashImageFormat;

namespace ModelPacker.FlashImage;

/// <summary>
/// Parses and validates an image with the rules and in the order of ni_image_open (docs/flash-image.md,
/// "Validation order"); a rejected image throws <see cref="InvalidDataException"/> carrying the status the C loader
/// returns (<see cref="FlashImageError.StatusOf"/>) and a one-line message naming the file, the section or tensor,
/// and the C status name.
/// </summary>
public static class ImageReader
{
    public static ImageFile ReadFile(string path) => Read(File.ReadAllBytes(path), path);

    public static ImageFile Read(byte[] image, string source) => new Parser(image, source).Run();

    private sealed class Parser(byte[] b, string source)
    {
        private readonly SectionInfo?[] _sec = new SectionInfo?[(int)SectionKind.AttentionSpan + 1];
        private readonly List<TensorPlacement> _placements = [];
        private readonly List<ImageTensor> _tensors = [];
        private ModelDims _dims = null!;
        private RejectionRule _rejection = RejectionRule.None;

        private InvalidDataException Fail(NiStatus st, string where, string what) =>
            FlashImageError.Create(st, $"{source}: {where}: {what} ({st.CName()})");

        private uint U32(int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
        private ushort U16(int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));
        private int I32(int at) => BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(at));
        private bool Zero(int at, int n) => b.AsSpan(at, n).IndexOfAnyExcept((byte)0) < 0;
        private static bool InRange(uint off, uint len, uint total) => off <= total && len <= total - off;

        public ImageFile Run()
        {
            int count = Header();
            SectionTable(count);
            Checksums();
            Model();
            TensorTable(SectionKind.Embeddings);
            TensorTable(SectionKind.Layer);
            TensorTable(SectionKind.ExitHeads);
            var qp = _sec[(int)SectionKind.QuantParams]!;
            if (qp.Length == 0) throw Fail(NiStatus.SectionFormat, "QUANT_PARAMS", "empty");
            var qpBytes = b.AsSpan(qp.Offset, qp.Length).ToArray();
            if (ModelValidator.QuantParams(qpBytes, _dims) is { } qerr) throw Fail(qerr.Status, "QUANT_PARAMS", qerr.Message);
            var (vocab, settings) = Vocabulary();
            var labels = Labels();
            var thresholds = Thresholds();
            var vectors = TestVectors();
            var normalizer = Normalizer();
            var spans = AttentionSpans();
            return new ImageFile
            {
                Length = b.Length,
                Version = U16(HdrVersion),
                HeaderCrc = U32(HdrHeaderCrc),
                Sha256 = b.AsSpan(HdrSha256, 32).ToArray(),
                Sections = _sec.Where(s => s != null).Select(s => s!).ToList(),
                Placements = _placements,
                Content = new ImageContent
                {
                    BoardId = U32(HdrBoardId), ArenaBytes = U32(HdrArenaBytes), Flags = U32(HdrFlags), Dims = _dims,
                    Tensors = _tensors, QuantParams = qpBytes, Vocabulary = vocab, VocabularySettings = settings,
                    Labels = labels, Thresholds = thresholds, Rejection = _rejection, TestVectors = vectors, Normalizer = normalizer,
                    AttentionSpans = spans,
                },
            };
        }

        private int Header()
        {
            const string H = "header";
            if (b.Length < HeaderSize) throw Fail(NiStatus.Truncated, H, $"{b.Length} bytes, the header alone is {HeaderSize}");
            if (U32(HdrMagic) != Magic) throw Fail(NiStatus.BadMagic, H, $"magic 0x{U32(HdrMagic):X8}, expected 0x{Magic:X8} (\"NIFI\")");
            if (U16(HdrVersion) != FormatVersion) throw Fail(NiStatus.Version, H, $"format version {U16(HdrVersion)}, this reader reads {FormatVersion}");
            if (U16(HdrHeaderSize) != HeaderSize) throw Fail(NiStatus.HeaderSize, H, $"header size {U16(HdrHeaderSize)}, expected {HeaderSize}");
            uint total = U32(HdrTotalLength);
            if (total > (uint)b.Length) throw Fail(NiStatus.Truncated, H, $"total length {total} but only {b.Length} bytes");
            if (total < (uint)b.Length) throw Fail(NiStatus.Length, H, $"total length {total} but {b.Length} bytes");
            int count = U16(HdrSectionCount);
            if (count == 0 || count > MaxSections || U16(HdrSectionEntrySize) != SectionEntrySize)
                throw Fail(NiStatus.SectionCount, H, $"{count} sections of {U16(HdrSectionEntrySize)} bytes (1..{MaxSections} of {SectionEntrySize})");
            int tableEnd = HeaderSize + count * SectionEntrySize;
            if (tableEnd > b.Length) throw Fail(NiStatus.Truncated, H, "section table past the end");
            var copy = b.AsSpan(0, tableEnd).ToArray();
            copy.AsSpan(HdrHeaderCrc, 4).Clear();
            copy.AsSpan(HdrSha256, 32).Clear();
            uint crc = Crc32.Compute(copy);
            if (crc != U32(HdrHeaderCrc)) throw Fail(NiStatus.HeaderCrc, H, $"header CRC 0x{U32(HdrHeaderCrc):X8}, computed 0x{crc:X8}");
            if ((U32(HdrFlags) & ~FlagsKnown) != 0) throw Fail(NiStatus.Flags, H, $"unknown flags 0x{U32(HdrFlags):X8}");
            if (!Zero(HdrReserved0, 4) || !Zero(HdrReserved1, HeaderSize - HdrReserved1)) throw Fail(NiStatus.Reserved, H, "reserved bytes not zero");
            if (U32(HdrSectionTableOffset) != HeaderSize) throw Fail(NiStatus.SectionBounds, H, $"section table at {U32(HdrSectionTableOffset)}, expected {HeaderSize}");
            return count;
        }

        private static string KindName(uint kind) => Enum.IsDefined(typeof(SectionKind), (ushort)kind) && kind <= (uint)SectionKind.AttentionSpan
            ? SectionName((SectionKind)kind) : $"section kind {kind}";

        public static string SectionName(SectionKind k) => k switch
        {
            SectionKind.Embeddings => "EMBEDDINGS", SectionKind.Model => "MODEL", SectionKind.Layer => "LAYER",
            SectionKind.ExitHeads => "EXIT_HEADS", SectionKind.QuantParams => "QUANT_PARAMS", SectionKind.Vocabulary => "VOCABULARY",
            SectionKind.Labels => "LABELS", SectionKind.Thresholds => "THRESHOLDS", SectionKind.TestVectors => "TEST_VECTORS",
            SectionKind.Normalizer => "NORMALIZER", SectionKind.AttentionSpan => "ATTENTION_SPAN",
            _ => k.ToString(),
        };

        private void SectionTable(int count)
        {
            uint prevKind = 0, prevEnd = (uint)(HeaderSize + count * SectionEntrySize), total = (uint)b.Length;
            for (int i = 0; i < count; i++)
            {
                int e = HeaderSize + i * SectionEntrySize;
                uint kind = U16(e + SecKind), off = U32(e + SecOffset), len = U32(e + SecLength);
                string w = $"section table row {i} ({KindName(kind)})";
                if (U16(e + SecReserved) != 0) throw Fail(NiStatus.Reserved, w, "reserved field not zero");
                if (kind == 0 || kind > (uint)SectionKind.AttentionSpan) throw Fail(NiStatus.SectionKind, w, "unknown section kind");
                if (kind == prevKind) throw Fail(NiStatus.SectionDuplicate, w, "section appears twice");
                if (kind < prevKind) throw Fail(NiStatus.SectionOrder, w, $"follows {KindName(prevKind)}; kinds must ascend");
                if (off % SectionAlign != 0) throw Fail(NiStatus.SectionAlign, w, $"offset {off} is not a multiple of {SectionAlign}");
                if (!InRange(off, len, total)) throw Fail(NiStatus.SectionBounds, w, $"[{off}, +{len}) outside the {total}-byte image");
                if (off < prevEnd) throw Fail(NiStatus.SectionOverlap, w, $"offset {off} overlaps what ends at {prevEnd}");
                _sec[kind] = new SectionInfo((SectionKind)kind, (int)off, (int)len, U32(e + SecCrc32));
                prevKind = kind;
                prevEnd = off + len;
            }
            if (prevEnd != total) throw Fail(NiStatus.SectionBounds, "section table", $"last section ends at {prevEnd}, the image at {total}");
            for (int k = 1; k <= (int)SectionKind.AttentionSpan; k++)
                if (_sec[k] == null && k != (int)SectionKind.TestVectors && k != (int)SectionKind.AttentionSpan) throw Fail(NiStatus.MissingSection, SectionName((SectionKind)k), "required section missing");
        }

        private void Checksums()
        {
            foreach (var s in _sec)
            {
                if (s == null) continue;
                uint crc = Crc32.Compute(b.AsSpan(s.Offset, s.Length));
                if (crc != s.Crc32) throw Fail(NiStatus.SectionCrc, SectionName(s.Kind), $"CRC-32 0x{s.Crc32:X8}, computed 0x{crc:X8}");
            }
            var copy = (byte[])b.Clone();
            copy.AsSpan(HdrSha256, 32).Clear();
            if (!SHA256.HashData(copy).AsSpan().SequenceEqual(b.AsSpan(HdrSha256, 32)))
                throw Fail(NiStatus.ImageHash, "header", "SHA-256 of the image does not match");
        }

        private void Model()
        {
            var s = _sec[(int)SectionKind.Model]!;
            const string W = "MODEL";
            if (s.Length != ModelSize) throw Fail(NiStatus.SectionFormat, W, $"{s.Length} bytes, expected {ModelSize}");
            if (!Zero(s.Offset + 40, ModelSize - 40)) throw Fail(NiStatus.Reserved, W, "reserved fields not zero");
            uint F(int i) => U32(s.Offset + 4 * i);
            uint[] f = Enumerable.Range(0, 10).Select(F).ToArray();
            // Fields beyond int range fail the range checks all the same.
            int I(int i) => f[i] > int.MaxValue ? int.MaxValue : (int)f[i];
            var dims = new ModelDims(I(0), I(1), I(2), I(3), I(4), I(5), I(6), I(7), (ActivationId)f[8], (SchemeId)f[9]);
            if (ModelValidator.Dims(dims) is { } bad) throw Fail(bad.Status, W, bad.Message);
            _dims = dims;
        }

        private void TensorTable(SectionKind kind)
        {
            var s = _sec[(int)kind]!;
            string w = SectionName(kind);
            int o = s.Offset;
            uint secLen = (uint)s.Length;
            if (secLen < TensorTableHeaderSize || U32(o + 4) != TensorEntrySize) throw Fail(NiStatus.SectionFormat, w, "tensor table header");
            if (!Zero(o + 8, 8)) throw Fail(NiStatus.Reserved, w, "tensor table reserved bytes not zero");
            uint count = U32(o);
            int want = kind switch { SectionKind.Embeddings => EmbeddingTensorCount, SectionKind.Layer => LayerTensorCount, _ => _dims.NumLayers * ExitTensorsPerLayer };
            if (count > want) throw Fail(NiStatus.TensorCount, w, $"{count} tensors, expected {want}");
            uint tableEnd = (uint)(TensorTableHeaderSize + count * TensorEntrySize), cursor = tableEnd, prevId = 0;
            if (tableEnd > secLen) throw Fail(NiStatus.SectionFormat, w, "tensor table past the section");
            for (int i = 0; i < count; i++)
            {
                int e = o + TensorTableHeaderSize + i * TensorEntrySize;
                ushort id = U16(e + TenId);
                string tw = $"{w} tensor {TensorNames.Name(id)} (entry {i})";
                if (i > 0 && id == prevId) throw Fail(NiStatus.TensorDuplicate, tw, "tensor appears twice");
                if (i > 0 && id < prevId) throw Fail(NiStatus.TensorOrder, tw, "tensor ids must ascend");
                var exp = TensorNames.Expected(id, _dims);
                if (exp == null || exp.Value.Section != kind) throw Fail(NiStatus.TensorUnknown, tw, $"id {id} does not belong in {w}");
                var enc = (TensorEncoding)b[e + TenEncoding];
                uint rows = U32(e + TenRows), cols = U32(e + TenCols);
                uint doff = U32(e + TenDataOffset), dlen = U32(e + TenDataLength), poff = U32(e + TenParamsOffset), plen = U32(e + TenParamsLength);
                if (b[e + TenFlags] != 0) throw Fail(NiStatus.Flags, tw, "flags not zero");
                if (U32(e + TenReserved) != 0) throw Fail(NiStatus.Reserved, tw, "reserved not zero");
                if (ModelValidator.Entry(_dims, id, enc, rows, cols, dlen, plen) is { } bad) throw Fail(bad.Status, tw, bad.Message);
                if (doff % TensorDataAlign != 0 || poff % TensorParamsAlign != 0)
                    throw Fail(NiStatus.TensorAlign, tw, $"data offset {doff} (multiple of {TensorDataAlign}) or params offset {poff} (of {TensorParamsAlign})");
                if (doff < tableEnd || !InRange(doff, dlen, secLen)) throw Fail(NiStatus.TensorBounds, tw, $"data [{doff}, +{dlen}) outside the section");
                if (plen == 0 ? poff != 0 : (poff < tableEnd || !InRange(poff, plen, secLen)))
                    throw Fail(NiStatus.TensorBounds, tw, $"params [{poff}, +{plen}) outside the section");
                if (doff < cursor) throw Fail(NiStatus.TensorOverlap, tw, $"data at {doff} overlaps what ends at {cursor}");
                cursor = doff + dlen;
                if (plen != 0)
                {
                    if (poff < cursor) throw Fail(NiStatus.TensorOverlap, tw, $"params at {poff} overlap what ends at {cursor}");
                    cursor = poff + plen;
                }
                var tensor = new EncodedTensor(enc, (int)rows, (int)cols, b.AsSpan(o + (int)doff, (int)dlen).ToArray(), b.AsSpan(o + (int)poff, (int)plen).ToArray());
                if (ModelValidator.Content(tensor) is { } perr) throw Fail(perr.Status, tw, perr.Message);
                _tensors.Add(new ImageTensor(id, tensor));
                _placements.Add(new TensorPlacement(id, kind, (int)doff, (int)dlen, (int)poff, (int)plen));
                prevId = id;
            }
            if (count < want)
            {
                var have = _tensors.Select(t => t.Id).ToHashSet();
                var missing = TensorNames.Required(_dims).Where(id => TensorNames.Expected(id, _dims)!.Value.Section == kind && !have.Contains(id));
                throw Fail(NiStatus.MissingTensor, w, "missing " + string.Join(", ", missing.Select(TensorNames.Name)));
            }
        }

        private static readonly UTF8Encoding StrictUtf8 = new(false, true);

        private string Utf8(int at, int n, NiStatus _, string w)
        {
            try { return StrictUtf8.GetString(b, at, n); }
            catch (DecoderFallbackException) { throw Fail(NiStatus.Utf8, w, "not well-formed UTF-8"); }
        }

        /// <summary>VOCABULARY with ni_image_check_vocabulary's rules in its order (image_vocab.c).</summary>
        private (List<string>, VocabularySettings) Vocabulary()
        {
            var s = _sec[(int)SectionKind.Vocabulary]!;
            const string W = "VOCABULARY";
            int o = s.Offset;
            uint len = (uint)s.Length, v = (uint)_dims.VocabSize;
            if (len < VocabHeaderSize) throw Fail(NiStatus.SectionFormat, W, "shorter than its header");
            if ((U32(o + VocFlags) & ~VocabFlagsKnown) != 0) throw Fail(NiStatus.Flags, W, $"unknown tokenizer flags 0x{U32(o + VocFlags):X}");
            if (!Zero(o + VocReserved, VocabHeaderSize - VocReserved)) throw Fail(NiStatus.Reserved, W, "reserved bytes not zero");
            uint count = U32(o + VocCount);
            if (count == 0 || count > v) throw Fail(NiStatus.VocabCount, W, $"{count} strings for vocab_size {v}");
            for (int at = VocPadId; at <= VocMaskId; at += 2)
                if (U16(o + at) >= count) throw Fail(NiStatus.VocabId, W, $"special token id {U16(o + at)} >= {count} strings");
            uint blocks = (count + VocabBlockEntries - 1) / VocabBlockEntries, pos = VocabHeaderSize + blocks * VocabBlockOffsetSize;
            if (pos > len) throw Fail(NiStatus.SectionFormat, W, "block offsets past the section");
            var list = new List<string>((int)count);
            var str = new byte[VocabMaxTokenBytes];
            int last = 0;
            bool ReadLength(int nibble, out int value)
            {
                value = nibble;
                if (nibble != VocabLengthEscape) return true;
                if (pos >= len || b[o + pos] < VocabLengthEscape) return false;
                value = b[o + pos++];
                return true;
            }
            for (uint i = 0, blk = 0; blk < blocks; blk++)
            {
                uint end = Math.Min(i + VocabBlockEntries, count);
                int inBlock = 0;
                uint at = U32(o + VocabHeaderSize + (int)blk * VocabBlockOffsetSize);
                if (at != pos) throw Fail(NiStatus.VocabBounds, $"VOCABULARY block {blk}", $"starts at {at}, the previous block ends at {pos}");
                for (; i < end; i++)
                {
                    string w = $"VOCABULARY string {i}";
                    if (pos >= len) throw Fail(NiStatus.VocabBounds, w, "past the end of the section");
                    int h = b[o + pos++];
                    if (!ReadLength(h >> 4, out int p) || !ReadLength(h & 0xF, out int n))
                        throw Fail(NiStatus.VocabBounds, w, "length escape byte missing or below 15");
                    if (n == 0 || p > inBlock || p + n > VocabMaxTokenBytes || n > len - pos)
                        throw Fail(NiStatus.VocabBounds, w, $"prefix {p} + suffix {n} bytes: empty suffix, prefix longer than the block's previous string ({inBlock}), over {VocabMaxTokenBytes} bytes or past the section");
                    var suffix = b.AsSpan(o + (int)pos, n);
                    int c = i == 0 ? -1 : ImageWriter.CompareUtf8(str.AsSpan(p, last - p), suffix);
                    suffix.CopyTo(str.AsSpan(p));
                    pos += (uint)n;
                    last = inBlock = p + n;
                    string tok;
                    try { tok = StrictUtf8.GetString(str, 0, last); }
                    catch (DecoderFallbackException) { throw Fail(NiStatus.Utf8, w, "not well-formed UTF-8"); }
                    if (c >= 0) throw Fail(NiStatus.VocabOrder, w, $"'{tok}' is not after the previous string in UTF-8 byte order");
                    list.Add(tok);
                }
            }
            if (pos != len) throw Fail(NiStatus.VocabBounds, W, $"{len - pos} bytes after the last block");
            var settings = new VocabularySettings(U16(o + VocPadId), U16(o + VocUnkId), U16(o + VocClsId), U16(o + VocSepId),
                U16(o + VocMaskId), U16(o + VocMaxWordChars), U32(o + VocFlags));
            return (list, settings);
        }

        private List<string> Labels()
        {
            var s = _sec[(int)SectionKind.Labels]!;
            const string W = "LABELS";
            int o = s.Offset;
            uint len = (uint)s.Length;
            if (len < LabelsHeaderSize) throw Fail(NiStatus.SectionFormat, W, "shorter than its header");
            if (U32(o + 4) != 0) throw Fail(NiStatus.Reserved, W, "reserved not zero");
            uint count = U32(o);
            if (count != (uint)_dims.NumLabels) throw Fail(NiStatus.Labels, W, $"{count} labels, MODEL says {_dims.NumLabels}");
            uint tableEnd = LabelsHeaderSize + count * LabelEntrySize;
            if (tableEnd > len) throw Fail(NiStatus.SectionFormat, W, "entry table past the section");
            var list = new List<string>();
            for (int i = 0; i < count; i++)
            {
                int e = o + LabelsHeaderSize + i * LabelEntrySize;
                uint off = U32(e), n = U32(e + 4);
                string w = $"LABELS label {i}";
                if (n == 0 || n > MaxLabelBytes || off < tableEnd || !InRange(off, n, len)) throw Fail(NiStatus.Labels, w, $"string [{off}, +{n}) outside the string area");
                list.Add(Utf8(o + (int)off, (int)n, NiStatus.Utf8, w));
            }
            return list;
        }

        private List<int> Thresholds()
        {
            var s = _sec[(int)SectionKind.Thresholds]!;
            const string W = "THRESHOLDS";
            if (s.Length < ThresholdsHeaderSize) throw Fail(NiStatus.SectionFormat, W, "shorter than its header");
            uint kind = U32(s.Offset + ThrRejectKind);
            if (kind > RejectKindMax) throw Fail(NiStatus.Thresholds, W, $"reject_kind {kind} unknown (0..{RejectKindMax})");
            int end = ThresholdsHeaderSize + 4 * _dims.NumLayers, want = end + (kind == 0 ? 0 : RejectionFieldsSize);
            if (U32(s.Offset + ThrCount) != (uint)_dims.NumLayers || s.Length != want)
                throw Fail(NiStatus.Thresholds, W, $"{U32(s.Offset + ThrCount)} thresholds in {s.Length} bytes, MODEL says {_dims.NumLayers} layers" +
                                                   (kind == 0 ? "" : " and rejection fields"));
            var list = Enumerable.Range(0, _dims.NumLayers).Select(l => I32(s.Offset + ThresholdsHeaderSize + 4 * l)).ToList();
            _rejection = kind == 0 ? RejectionRule.None
                : new RejectionRule((RejectKind)kind, I32(s.Offset + end + RejThreshold), I32(s.Offset + end + RejUnknownLabel));
            if (_rejection.Problem(_dims.NumLabels) is { } problem) throw Fail(NiStatus.Thresholds, W, problem);
            return list;
        }

        private ModelPacker.Text.NormalizerTable Normalizer()
        {
            var s = _sec[(int)SectionKind.Normalizer]!;
            var (table, st, err) = ModelPacker.Text.NormalizerTable.Parse(b.AsSpan(s.Offset, s.Length));
            return table ?? throw Fail(st, "NORMALIZER", err);
        }

        private int[]? AttentionSpans()
        {
            if (_sec[(int)SectionKind.AttentionSpan] is not { } s) return null; // optional
            var (spans, st, msg) = AttentionSpanSection.Parse(b.AsSpan(s.Offset, s.Length), _dims);
            return st == NiStatus.Ok ? spans : throw Fail(st, "ATTENTION_SPAN", msg);
        }

        private List<TestVector>? TestVectors()
        {
            var s = _sec[(int)SectionKind.TestVectors];
            if (s == null) return null;
            const string W = "TEST_VECTORS";
            int o = s.Offset;
            uint len = (uint)s.Length;
            int L = _dims.NumLayers, C = _dims.NumLabels;
            if (len < TestVectorsHeaderSize) throw Fail(NiStatus.SectionFormat, W, "shorter than its header");
            uint flags = U32(o + 12);
            if ((flags & ~TestVectorsFlagsKnown) != 0) throw Fail(NiStatus.Flags, W, $"unknown flags 0x{flags:X8}");
            bool answers = (flags & TestVectorsFlagAnswers) != 0;
            if (U32(o + 4) != (uint)L || U32(o + 8) != (uint)C) throw Fail(NiStatus.TestVectors, W, $"{U32(o + 4)} layers x {U32(o + 8)} labels, MODEL says {L} x {C}");
            uint count = U32(o), off = TestVectorsHeaderSize;
            var list = new List<TestVector>();
            for (uint i = 0; i < count; i++)
            {
                string w = $"TEST_VECTORS record {i}";
                if (len - off < TestVectorHeaderSize) throw Fail(NiStatus.TestVectors, w, "past the end of the section");
                int r = o + (int)off;
                uint rec = U32(r), t = U16(r + 4);
                if (U16(r + 6) != 0) throw Fail(NiStatus.Reserved, w, "reserved not zero");
                if (t == 0 || t > (uint)_dims.MaxPositions || rec != (uint)ImageWriter.TestVectorRecordLength((int)t, _dims, answers) || rec > len - off)
                    throw Fail(NiStatus.TestVectors, w, $"{t} tokens in a {rec}-byte record");
                var tokens = new ushort[t];
                for (int k = 0; k < t; k++)
                {
                    tokens[k] = U16(r + 8 + 2 * k);
                    if (tokens[k] >= _dims.VocabSize) throw Fail(NiStatus.TestVectorToken, w, $"token {k} id {tokens[k]} >= vocab_size {_dims.VocabSize}");
                }
                if ((t & 1) != 0 && U16(r + 8 + 2 * (int)t) != 0) throw Fail(NiStatus.Reserved, w, "token padding not zero");
                int at = r + 8 + Align(2 * (int)t, 4);
                var logits = new int[L][];
                for (int l = 0; l < L; l++) { logits[l] = new int[C]; for (int c = 0; c < C; c++) { logits[l][c] = I32(at); at += 4; } }
                var ent = new int[L];
                for (int l = 0; l < L; l++) { ent[l] = I32(at); at += 4; }
                int[]? ans = null;
                if (answers)
                {
                    ans = new int[L];
                    for (int l = 0; l < L; l++)
                    {
                        ans[l] = I32(at);
                        at += 4;
                        if (ans[l] < RejectionRule.Unknown || ans[l] >= C) throw Fail(NiStatus.TestVectors, w, $"layer {l} answer {ans[l]} outside -1..{C - 1}");
                    }
                }
                list.Add(new TestVector(tokens, logits, ent, ans));
                off += rec;
            }
            if (off != len) throw Fail(NiStatus.TestVectors, W, $"records end at {off}, the section at {len}");
            return list;
        }
    }

    /// <summary>"EMBEDDINGS", "QUANT_PARAMS", … (the spec's names).</summary>
    public static string SectionName(SectionKind kind) => Parser.SectionName(kind);
}
