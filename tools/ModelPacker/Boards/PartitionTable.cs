using System.Globalization;

namespace ModelPacker.Boards;

/// <summary>One row of an ESP-IDF partition table.</summary>
public sealed record Partition(string Name, string Type, string SubType, long Offset, long Size, int Line)
{
    public long End => Offset + Size;
}

/// <summary>
/// An ESP-IDF partition-table CSV (<c>name, type, subtype, offset, size, flags</c>), read with the rules of
/// ESP-IDF's gen_esp32part.py that matter for placing a model: sizes and offsets in hex, decimal or with a K/M
/// suffix, empty offsets follow the previous partition, app partitions 64 KB aligned, data 4 KB aligned, nothing
/// before 0x9000 (bootloader and the table itself), no overlaps, unique names. Errors name the file and line.
/// </summary>
public sealed class PartitionTable
{
    public const long FirstOffset = 0x9000;
    public const long AppAlignment = 0x10000;
    public const long DataAlignment = 0x1000;

    static readonly HashSet<string> AppSubTypes = new(StringComparer.Ordinal)
        { "factory", "test", "ota_0", "ota_1", "ota_2", "ota_3", "ota_4", "ota_5", "ota_6", "ota_7", "ota_8", "ota_9",
          "ota_10", "ota_11", "ota_12", "ota_13", "ota_14", "ota_15" };
    static readonly HashSet<string> DataSubTypes = new(StringComparer.Ordinal)
        { "ota", "phy", "nvs", "coredump", "nvs_keys", "efuse", "undefined", "esphttpd", "fat", "spiffs", "littlefs" };

    public string Source { get; }
    public IReadOnlyList<Partition> Partitions { get; }

    PartitionTable(string source, List<Partition> partitions) { Source = source; Partitions = partitions; }

    public Partition? Find(string name) => Partitions.FirstOrDefault(p => p.Name == name);

    public static PartitionTable Load(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: partition table not found");
        return Parse(File.ReadAllText(path), path);
    }

    public static PartitionTable Parse(string text, string source)
    {
        var partitions = new List<Partition>();
        long next = FirstOffset;
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            string Where() => $"{source}:{lineNo}";
            string[] f = line.Split(',').Select(s => s.Trim()).ToArray();
            if (f.Length < 5) throw new InvalidDataException($"{Where()}: expected name, type, subtype, offset, size; got {f.Length} fields");

            string name = f[0], type = f[1], subType = f[2];
            if (name.Length == 0 || name.Length > 16) throw new InvalidDataException($"{Where()}: partition name '{name}' must be 1 to 16 characters");
            if (partitions.Any(p => p.Name == name)) throw new InvalidDataException($"{Where()}: partition name '{name}' is used twice");

            bool isApp = type == "app" || (TryNumber(type, out long t) && t == 0);
            bool isData = type == "data" || (TryNumber(type, out t) && t == 1);
            if (!isApp && !isData && !(TryNumber(type, out t) && t >= 0x40 && t <= 0xFE))
                throw new InvalidDataException($"{Where()}: partition type '{type}' is not app, data or a custom value 0x40-0xFE");
            if (subType.Length == 0) throw new InvalidDataException($"{Where()}: partition '{name}' has no subtype");
            bool knownSub = TryNumber(subType, out long st) ? st >= 0 && st <= 0xFE
                : isApp ? AppSubTypes.Contains(subType) : isData && DataSubTypes.Contains(subType);
            if (!knownSub) throw new InvalidDataException($"{Where()}: subtype '{subType}' is not valid for partition type '{type}'");

            long align = isApp ? AppAlignment : DataAlignment;
            long offset;
            if (f[3].Length == 0) offset = (next + align - 1) / align * align;
            else if (!TryNumber(f[3], out offset)) throw new InvalidDataException($"{Where()}: offset '{f[3]}' is not a number");
            if (!TryNumber(f[4], out long size) || size <= 0) throw new InvalidDataException($"{Where()}: size '{f[4]}' is not a positive number");
            if (offset % align != 0)
                throw new InvalidDataException($"{Where()}: partition '{name}' offset 0x{offset:X} is not aligned to 0x{align:X}");
            if (offset < next)
                throw new InvalidDataException(partitions.Count == 0
                    ? $"{Where()}: partition '{name}' offset 0x{offset:X} is below 0x{FirstOffset:X} (bootloader and partition table)"
                    : $"{Where()}: partition '{name}' at 0x{offset:X} overlaps '{partitions[^1].Name}' (ends at 0x{next:X})");
            partitions.Add(new Partition(name, type, subType, offset, size, lineNo));
            next = offset + size;
        }
        if (partitions.Count == 0) throw new InvalidDataException($"{source}: no partitions");
        return new PartitionTable(source, partitions);
    }

    /// <summary>ESP-IDF number syntax: 0x hex or decimal, optionally followed by K or M.</summary>
    static bool TryNumber(string s, out long value)
    {
        value = 0;
        if (s.Length == 0) return false;
        long scale = 1;
        char last = char.ToUpperInvariant(s[^1]);
        if (last == 'K') { scale = 1024; s = s[..^1]; }
        else if (last == 'M') { scale = 1024 * 1024; s = s[..^1]; }
        bool ok = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? long.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        if (!ok) return false;
        value *= scale;
        return true;
    }
}
