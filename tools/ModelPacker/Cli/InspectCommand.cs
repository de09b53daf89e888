using System.CommandLine;
using System.Globalization;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker inspect image.nimg</c>: validates the image with the loader's rules and prints its header, section
/// table (sizes, CRCs), tensors (encoding, shape, bytes) and their bytes by section and encoding, vocabulary settings,
/// labels, thresholds and test vectors.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliEnvironment env)
    {
        var image = new Argument<FileInfo>("image") { Description = "A flash image written by 'modelpacker pack'" };
        var command = new Command("inspect", "Validate a flash image and print its header, sections, tensors, labels and thresholds") { image };
        command.SetAction(result => CommandRunner.Execute(env, () =>
        {
            var file = result.GetValue(image)!;
            if (!file.Exists) throw new UsageException($"{file.FullName}: no such file");
            Print(env.Console, file.Name, ImageReader.ReadFile(file.FullName));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static string Bytes(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
    private static string Hex(uint v) => "0x" + v.ToString("X8", CultureInfo.InvariantCulture);

    internal static void Print(IAnsiConsole console, string name, ImageFile f)
    {
        var c = f.Content;
        var d = c.Dims;
        var header = new Grid().AddColumn().AddColumn();
        header.AddRow("Image", Markup.Escape(name));
        header.AddRow("Format", $"NIFI version {f.Version}, {Bytes(f.Length)} bytes, valid");
        header.AddRow("Board id", c.BoardId == 0 ? "0 (any board)" : c.BoardId.ToString(CultureInfo.InvariantCulture));
        header.AddRow("Arena", $"{Bytes(c.ArenaBytes)} bytes");
        header.AddRow("Flags", c.Flags == 0 ? "none" : (c.Flags & FlashImageFormat.FlagThresholdsCalibrated) != 0 ? "thresholds calibrated" : Hex(c.Flags));
        header.AddRow("Header CRC-32", Hex(f.HeaderCrc));
        header.AddRow("SHA-256", Convert.ToHexStringLower(f.Sha256));
        header.AddRow("Model", $"V={d.VocabSize} E={d.EmbeddingSize} H={d.HiddenSize} heads={d.NumHeads} I={d.IntermediateSize} " +
                               $"L={d.NumLayers} P={d.MaxPositions} C={d.NumLabels}, {d.Activation}, scheme {Schemes.Get(d.Scheme).Name}");
        console.Write(header);
        console.WriteLine();

        var sections = new Table().Title("Sections").AddColumns("section", "offset", "bytes", "share", "CRC-32");
        foreach (var s in f.Sections)
            sections.AddRow(ImageReader.SectionName(s.Kind), Bytes(s.Offset), Bytes(s.Length),
                (100.0 * s.Length / f.Length).ToString("0.0", CultureInfo.InvariantCulture) + " %", Hex(s.Crc32));
        console.Write(sections);

        var tensors = new Table().Title("Tensors").AddColumns("tensor", "id", "section", "encoding", "shape", "data offset", "data bytes", "params bytes");
        foreach (var p in f.Placements)
        {
            var t = c.Tensor(p.Id);
            tensors.AddRow(TensorNames.Name(p.Id), p.Id.ToString(CultureInfo.InvariantCulture), ImageReader.SectionName(p.Section),
                t.Traits.Name, Markup.Escape($"[{t.Rows}, {t.Cols}]"), Bytes(p.DataOffset), Bytes(p.DataLength), Bytes(p.ParamsLength));
        }
        console.Write(tensors);

        // What the weights cost: data and params bytes per tensor section and encoding, against the whole image.
        var split = new Table().Title("Weight bytes by section and encoding").AddColumns("section", "encoding", "tensors", "data bytes", "params bytes", "share");
        foreach (var g in f.Placements.GroupBy(p => (p.Section, c.Tensor(p.Id).Traits.Name)).OrderBy(g => g.Key.Section))
        {
            long data = g.Sum(p => (long)p.DataLength), prm = g.Sum(p => (long)p.ParamsLength);
            split.AddRow(ImageReader.SectionName(g.Key.Section), g.Key.Name, g.Count().ToString(CultureInfo.InvariantCulture), Bytes(data), Bytes(prm),
                (100.0 * (data + prm) / f.Length).ToString("0.0", CultureInfo.InvariantCulture) + " %");
        }
        console.Write(split);

        var v = c.VocabularySettings;
        string Tok(ushort id) => Markup.Escape(id < c.Vocabulary.Count ? c.Vocabulary[id] : "?") + $" ({id})";
        var flags = new List<string>();
        if ((v.Flags & FlashImageFormat.VocabFlagLowercase) != 0) flags.Add("lowercase");
        if ((v.Flags & FlashImageFormat.VocabFlagStripAccents) != 0) flags.Add("strip accents");
        if ((v.Flags & FlashImageFormat.VocabFlagCjkChars) != 0) flags.Add("split CJK");
        console.MarkupLine($"Vocabulary: {Bytes(c.Vocabulary.Count)} strings, token id = rank in UTF-8 byte order, front coded; pad {Tok(v.PadId)}, unk {Tok(v.UnkId)}, " +
                           $"cls {Tok(v.ClsId)}, sep {Tok(v.SepId)}, mask {Tok(v.MaskId)}; words over {v.MaxWordChars} characters are unknown; " +
                           (flags.Count == 0 ? "cased" : string.Join(", ", flags)));
        if (c.Normalizer is { } n)
            console.MarkupLine($"Normalizer: {Bytes(n.RangeCount)} ranges, {Bytes(n.MapCount)} mappings, {Bytes(n.PoolCount)} pool code points ({Bytes(n.ByteLength)} bytes)");
        console.WriteLine(c.AttentionSpans is { } spans
            ? $"Attention spans (keys within the distance, per head; [CLS] sees all; 0 = head skipped): {string.Join(", ", spans)} of {d.MaxPositions}"
            : "Attention spans: none (every head sees every key)");
        console.WriteLine();

        var labels = new Table().Title("Labels").AddColumns("id", "label");
        for (int i = 0; i < c.Labels.Count; i++) labels.AddRow(i.ToString(CultureInfo.InvariantCulture), Markup.Escape(c.Labels[i]));
        console.Write(labels);

        var thresholds = new Table().Title("Exit thresholds (Q16 nats)").AddColumns("layer", "raw", "nats");
        for (int l = 0; l < c.Thresholds.Count; l++)
            thresholds.AddRow((l + 1).ToString(CultureInfo.InvariantCulture), c.Thresholds[l].ToString(CultureInfo.InvariantCulture),
                (c.Thresholds[l] / 65536.0).ToString("0.0000", CultureInfo.InvariantCulture));
        console.Write(thresholds);
        console.WriteLine($"Unknown when: {c.Rejection.Describe(c.Labels)}");

        if (c.TestVectors == null) console.WriteLine("Test vectors: none");
        else
            console.WriteLine($"Test vectors: {c.TestVectors.Count} utterances, " +
                              (c.TestVectors.Count == 0 ? "" : $"{c.TestVectors.Min(t => t.Tokens.Length)}..{c.TestVectors.Max(t => t.Tokens.Length)} tokens, ") +
                              $"expected logits, entropies{(c.TestVectors.Count > 0 && c.TestVectors[0].Answers is not null ? " and answers" : "")} at each of {d.NumLayers} layers");
    }
}
