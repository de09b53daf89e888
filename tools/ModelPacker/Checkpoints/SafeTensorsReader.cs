using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace ModelPacker.Checkpoints;

/// <summary>
/// Reads the safetensors format: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
/// (<c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {...}}</c>), then the data, with
/// offsets relative to the end of the header. Everything is checked before any tensor is used: every byte range
/// lies inside the file, matches its dtype and shape, is aligned to its element size, and the ranges tile the data
/// section exactly (no overlap, no gap, nothing after), as the format requires.
/// </summary>
public static class SafeTensorsReader
{
    /// <summary>Same cap as the reference implementation: a header larger than this is not a real checkpoint.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    public static SafeTensorsFile Read(string path)
    {
        if (!File.Exists(path)) throw new CheckpointFormatException($"{path}: file not found");
        return Parse(File.ReadAllBytes(path), path);
    }

    public static SafeTensorsFile Parse(byte[] bytes, string source)
    {
        if (bytes.Length < 8)
            throw Error(source, $"{bytes.Length} bytes is too short for a safetensors file (the header length alone takes 8)");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength < 2 || headerLength > MaxHeaderBytes)
            throw Error(source, $"header length {headerLength} is not plausible (expected 2..{MaxHeaderBytes}); not a safetensors file?");
        if (8 + (long)headerLength > bytes.Length)
            throw Error(source, $"header length {headerLength} runs past the end of the {bytes.Length}-byte file (truncated?)");
        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;

        JsonDocument doc;
        try
        {
            var headerText = new UTF8Encoding(false, true).GetString(bytes, 8, (int)headerLength);
            doc = JsonDocument.Parse(headerText);
        }
        catch (Exception e) when (e is JsonException or DecoderFallbackException)
        {
            throw Error(source, $"header is not valid UTF-8 JSON ({OneLine(e.Message)})");
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Error(source, "header is not a JSON object");
            var entries = new List<SafeTensorsEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            bool sawMetadata = false;
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (property.Name == "__metadata__")
                {
                    if (sawMetadata) throw Error(source, "header has two __metadata__ entries");
                    sawMetadata = true;
                    ReadMetadata(property.Value, metadata, source);
                    continue;
                }
                if (!names.Add(property.Name)) throw Error(source, $"tensor '{property.Name}' appears twice in the header");
                entries.Add(ReadEntry(property, source));
            }
            CheckLayout(entries, dataLength, source);
            return new SafeTensorsFile(source, bytes, dataStart, entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata, string source)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Error(source, "__metadata__ is not a JSON object");
        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Error(source, $"__metadata__ value '{item.Name}' is not a string");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafeTensorsEntry ReadEntry(JsonProperty property, string source)
    {
        string name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object) throw Error(source, $"tensor '{name}': header entry is not a JSON object");

        if (!value.TryGetProperty("dtype", out var dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
            throw Error(source, $"tensor '{name}': header entry has no string 'dtype'");
        string dtype = dtypeElement.GetString()!;
        int elementSize = SafeTensorsDType.SizeOf(dtype);
        if (elementSize == 0) throw Error(source, $"tensor '{name}': unknown dtype '{dtype}'");

        if (!value.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Error(source, $"tensor '{name}': header entry has no 'shape' array");
        var shape = new int[shapeElement.GetArrayLength()];
        long elements = 1;
        int k = 0;
        foreach (var dim in shapeElement.EnumerateArray())
        {
            if (dim.ValueKind != JsonValueKind.Number || !dim.TryGetInt32(out int d) || d < 0)
                throw Error(source, $"tensor '{name}': shape {shapeElement.GetRawText()} has a dimension that is not a non-negative 32-bit integer");
            shape[k++] = d;
            elements *= d;
            if (elements > int.MaxValue)
                throw Error(source, $"tensor '{name}': shape {shapeElement.GetRawText()} has more than {int.MaxValue} elements");
        }

        if (!value.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Error(source, $"tensor '{name}': header entry has no 'data_offsets' pair");
        long begin = ReadOffset(offsets[0], name, source), end = ReadOffset(offsets[1], name, source);
        if (end < begin) throw Error(source, $"tensor '{name}': data_offsets [{begin}, {end}] end before they begin");
        long needed = elements * elementSize;
        var entry = new SafeTensorsEntry(name, dtype, shape, begin, end);
        if (end - begin != needed)
            throw Error(source, $"tensor '{name}': data_offsets [{begin}, {end}] hold {end - begin} bytes but {dtype} {entry.ShapeText} needs {needed}");
        if (begin % elementSize != 0)
            throw Error(source, $"tensor '{name}': data starts at byte {begin}, not a multiple of its {elementSize}-byte element size");
        return entry;
    }

    private static long ReadOffset(JsonElement element, string name, string source)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out long v) || v < 0)
            throw Error(source, $"tensor '{name}': data offset {element.GetRawText()} is not a non-negative integer");
        return v;
    }

    /// <summary>The ranges must tile [0, dataLength) exactly: no byte belongs to two tensors or to none.</summary>
    private static void CheckLayout(List<SafeTensorsEntry> entries, long dataLength, string source)
    {
        foreach (var e in entries)
            if (e.End > dataLength)
                throw Error(source, $"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] run past the {dataLength}-byte data section (truncated file?)");
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        long covered = 0;
        SafeTensorsEntry? previous = null;
        foreach (var e in sorted)
        {
            if (e.Begin < covered)
                throw Error(source, $"tensor '{e.Name}': data_offsets [{e.Begin}, {e.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]");
            if (e.Begin > covered)
                throw Error(source, $"bytes {covered}..{e.Begin} of the data section belong to no tensor (before '{e.Name}')");
            covered = e.End;
            previous = e;
        }
        if (covered != dataLength)
            throw Error(source, $"data section has {dataLength - covered} bytes after the last tensor (tensors cover {covered} of {dataLength})");
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    private static CheckpointFormatException Error(string source, string what) => new($"{source}: {what}");
}
