using System.Text.Json;

namespace ModelPacker.Data;

/// <summary>Reads one CSV (with a header) or JSONL file of labelled utterances.</summary>
internal static class ExampleFileReader
{
    public static bool IsSupported(string path) =>
        Path.GetExtension(path).ToLowerInvariant() is ".csv" or ".jsonl";

    public static List<IntentExample> Read(string path, DatasetOptions options)
    {
        var examples = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".csv" => ReadCsv(path, options),
            ".jsonl" => ReadJsonl(path, options),
            var ext => throw new DataFormatException(path,
                $"unsupported file type '{ext}': expected .csv or .jsonl"),
        };
        if (examples.Count == 0) throw new DataFormatException(path, "no examples in file");
        return examples;
    }

    private static List<IntentExample> ReadCsv(string path, DatasetOptions options)
    {
        var csv = CsvReader.Open(path);
        if (!csv.TryReadRecord(out var header, out int headerLine))
            throw new DataFormatException(path, "file is empty (expected a header line naming the columns)");

        int textIndex = FindColumn(header, [options.TextColumn]);
        int labelIndex = FindColumn(header, options.LabelColumnCandidates);
        if (textIndex < 0) throw MissingColumn(path, headerLine, options.TextColumn, header);
        if (labelIndex < 0) throw MissingColumn(path, headerLine, options.LabelColumn, header);

        var examples = new List<IntentExample>();
        while (csv.TryReadRecord(out var fields, out int line))
        {
            if (fields.Count != header.Count)
                throw new DataFormatException(path, line,
                    $"expected {header.Count} columns as in the header, found {fields.Count}");
            examples.Add(MakeExample(path, line, fields[textIndex], fields[labelIndex]));
        }
        return examples;
    }

    private static DataFormatException MissingColumn(string path, int line, string column, List<string> header) =>
        new(path, line, $"missing column '{column}' (header has: {string.Join(", ", header)})");

    // Exact name first, then case-insensitive, trying candidates in order.
    private static int FindColumn(List<string> header, IReadOnlyList<string> candidates)
    {
        foreach (var name in candidates)
        {
            int i = header.FindIndex(h => h.Trim() == name);
            if (i >= 0) return i;
            i = header.FindIndex(h => string.Equals(h.Trim(), name, StringComparison.OrdinalIgnoreCase));
            if (i >= 0) return i;
        }
        return -1;
    }

    private static List<IntentExample> ReadJsonl(string path, DatasetOptions options)
    {
        var examples = new List<IntentExample>();
        string? labelColumn = null; // decided by the first object, then required on every line
        int line = 0;
        foreach (var raw in File.ReadLines(path))
        {
            line++;
            if (string.IsNullOrWhiteSpace(raw)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(raw); }
            catch (JsonException ex)
            {
                throw new DataFormatException(path, line, $"invalid JSON at column {ex.BytePositionInLine + 1}");
            }
            using (doc)
            {
                var root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                    throw new DataFormatException(path, line, $"expected a JSON object, found {root.ValueKind}");
                labelColumn ??= options.LabelColumnCandidates.FirstOrDefault(c => root.TryGetProperty(c, out _))
                                ?? options.LabelColumn;
                string text = GetString(path, line, root, options.TextColumn, allowNumber: false);
                string label = GetString(path, line, root, labelColumn, allowNumber: true);
                examples.Add(MakeExample(path, line, text, label));
            }
        }
        return examples;
    }

    private static string GetString(string path, int line, JsonElement obj, string name, bool allowNumber)
    {
        if (!obj.TryGetProperty(name, out var value))
            throw new DataFormatException(path, line, $"missing property '{name}'");
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number when allowNumber => value.GetRawText(),
            _ => throw new DataFormatException(path, line,
                $"property '{name}' must be a {(allowNumber ? "string or number" : "string")}, found {value.ValueKind}"),
        };
    }

    internal static IntentExample MakeExample(string path, int line, string text, string label)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new DataFormatException(path, line, "empty text");
        label = label.Trim();
        if (label.Length == 0) throw new DataFormatException(path, line, "empty label");
        return new IntentExample(text, label);
    }
}
