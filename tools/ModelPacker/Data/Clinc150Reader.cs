using System.Text;
using System.Text.Json;

namespace ModelPacker.Data;

/// <summary>
/// Reads CLINC150's data_full.json: an object with lists train, val, test (in scope) and oos_train, oos_val,
/// oos_test (out of scope), each item a [text, intent] pair. Streams with Utf8JsonReader so that a bad item is
/// reported with its line number.
/// </summary>
internal static class Clinc150Reader
{
    public const string FileName = "data_full.json";

    private static readonly string[] InScopeLists = ["train", "val", "test"];

    public static IntentDataset Read(string path, DatasetOptions options)
    {
        var bytes = File.ReadAllBytes(path);
        int start = bytes.AsSpan().StartsWith("\uFEFF"u8) ? 3 : 0; // UTF-8 byte-order mark
        var lists = new Dictionary<string, List<IntentExample>>(StringComparer.Ordinal);
        try
        {
            var reader = new Utf8JsonReader(bytes.AsSpan(start));
            Expect(ref reader, JsonTokenType.StartObject, "a JSON object with lists train, val, test, oos_*");
            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndObject) break;
                string name = reader.GetString()!;
                if (name is "train" or "val" or "test" or "oos_train" or "oos_val" or "oos_test")
                {
                    bool oos = name.StartsWith("oos_", StringComparison.Ordinal);
                    lists[name] = ReadList(ref reader, oos);
                }
                else
                {
                    Read(ref reader);
                    reader.Skip(); // other keys are not ours to judge
                }
            }
        }
        catch (JsonException ex)
        {
            throw new DataFormatException(path, (int)(ex.LineNumber ?? 0) + 1, "invalid JSON");
        }
        catch (ClincFormatError err)
        {
            throw new DataFormatException(path, LineOf(bytes, start + err.Offset), err.Message);
        }

        foreach (var name in InScopeLists)
            if (!lists.ContainsKey(name)) throw new DataFormatException(path, $"missing list '{name}'");

        List<IntentExample> Split(string name)
        {
            var split = new List<IntentExample>(lists[name]);
            if (options.IncludeOutOfScope && lists.TryGetValue("oos_" + name, out var oos)) split.AddRange(oos);
            return split;
        }

        var train = Split("train");
        var validation = Split("val");
        var test = Split("test");
        return new IntentDataset
        {
            Name = "clinc150",
            SourcePath = path,
            Train = train,
            Validation = validation,
            Test = test,
            Labels = IntentDataset.CollectLabels(train, validation, test),
        };

        List<IntentExample> ReadList(ref Utf8JsonReader reader, bool oos)
        {
            var list = new List<IntentExample>();
            Read(ref reader);
            if (reader.TokenType != JsonTokenType.StartArray)
                throw new ClincFormatError(reader.TokenStartIndex, "expected a list of [text, intent] items");
            while (true)
            {
                Read(ref reader);
                if (reader.TokenType == JsonTokenType.EndArray) return list;
                long itemStart = reader.TokenStartIndex;
                const string shape = "expected an item [text, intent] of two strings";
                if (reader.TokenType != JsonTokenType.StartArray) throw new ClincFormatError(itemStart, shape);
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.String) throw new ClincFormatError(itemStart, shape);
                string text = reader.GetString()!;
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.String) throw new ClincFormatError(itemStart, shape);
                string intent = reader.GetString()!;
                Read(ref reader);
                if (reader.TokenType != JsonTokenType.EndArray) throw new ClincFormatError(itemStart, shape);
                if (string.IsNullOrWhiteSpace(text)) throw new ClincFormatError(itemStart, "empty text");
                if (string.IsNullOrWhiteSpace(intent)) throw new ClincFormatError(itemStart, "empty label");
                list.Add(new IntentExample(text, oos ? IntentDataset.OutOfScopeLabel : intent.Trim()));
            }
        }
    }

    private static void Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new ClincFormatError(reader.BytesConsumed, "unexpected end of file");
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        Read(ref reader);
        if (reader.TokenType != type) throw new ClincFormatError(reader.TokenStartIndex, "expected " + what);
    }

    private static int LineOf(byte[] bytes, long offset)
    {
        int line = 1;
        for (long i = 0; i < offset && i < bytes.Length; i++)
            if (bytes[i] == (byte)'\n') line++;
        return line;
    }

    private sealed class ClincFormatError(long offset, string message) : Exception(message)
    {
        public long Offset { get; } = offset;
    }
}
