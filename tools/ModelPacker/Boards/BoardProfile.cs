using System.Globalization;
using System.Text.Json;

namespace ModelPacker.Boards;

/// <summary>
/// A target board (boards/&lt;name&gt;.json): where the flash image goes and how much flash and RAM the model may
/// take. The image header stores <see cref="Id"/>; <c>pack --board</c> refuses an image or arena that does not fit
/// (<see cref="EnsureFits"/>). ESP32 boards name a partition of an ESP-IDF partition table, which then gives the
/// flash address and budget; other boards give <c>flash_address</c> and <c>flash_budget_bytes</c> directly.
/// </summary>
public sealed class BoardProfile
{
    /// <summary>The ESP32 flash MMU maps 64 KB pages: a model partition on such a page boundary maps whole.</summary>
    public const long EspMmuPage = 0x10000;
    /// <summary>STM32 QUADSPI memory-mapped window (RM0410, RM0351): 0x90000000..0x9FFFFFFF.</summary>
    public const ulong QspiWindowBase = 0x9000_0000, QspiWindowEnd = 0xA000_0000;

    public required string Name { get; init; }
    /// <summary>Board id written into the image header (1..65535; 0 there means "any board").</summary>
    public required uint Id { get; init; }
    public string Description { get; init; } = "";
    public required string Cpu { get; init; }
    public int Cores { get; init; } = 1;
    public required long ClockHz { get; init; }
    public required long FlashBytes { get; init; }
    public long SramBytes { get; init; }
    public long PsramBytes { get; init; }
    /// <summary>Quad-SPI NOR on the board, memory-mapped from <see cref="QspiWindowBase"/> (0 when none).</summary>
    public long QspiFlashBytes { get; init; }
    /// <summary>Address of the image: absolute for memory-mapped flash, the partition offset for ESP32.</summary>
    public required ulong FlashAddress { get; init; }
    /// <summary>Most bytes the flash image may take.</summary>
    public required long FlashBudgetBytes { get; init; }
    /// <summary>Most bytes the kernel arena (ni_arena_bytes) may take.</summary>
    public required long RamBudgetBytes { get; init; }
    public PartitionTable? PartitionTable { get; init; }
    public string? PartitionName { get; init; }
    public string? QemuMachine { get; init; }
    public required string SourcePath { get; init; }

    /// <summary>Image in the memory-mapped Quad-SPI flash (an STM32 board whose firmware maps it).</summary>
    public bool InQspiWindow => PartitionName is null && FlashAddress >= QspiWindowBase && FlashAddress < QspiWindowEnd;

    /// <summary>Where the image goes, for messages: "partition 'model' at 0x2C0000", "flash at 0x08000000" or
    /// "QSPI flash at 0x90000000".</summary>
    public string Placement => PartitionName is not null
        ? $"partition '{PartitionName}' at 0x{FlashAddress:X}"
        : InQspiWindow ? $"QSPI flash at 0x{FlashAddress:X8}" : $"flash at 0x{FlashAddress:X8}";

    static readonly string[] Keys =
        ["name", "id", "description", "cpu", "cores", "clock_hz", "flash_bytes", "sram_bytes", "psram_bytes",
         "qspi_flash_bytes",
         "flash_address", "flash_budget_bytes", "ram_budget_bytes", "partition_table", "partition", "qemu_machine"];

    /// <summary>
    /// Loads a profile by name (boards/&lt;name&gt;.json, searched in <paramref name="boardsDir"/>, then
    /// $NANO_INTENT_BOARDS, then a boards/ folder above the working directory or the program) or by path (.json).
    /// Throws <see cref="InvalidDataException"/> with a one-line message naming the file.
    /// </summary>
    public static BoardProfile Load(string nameOrPath, string? boardsDir = null)
    {
        if (string.IsNullOrWhiteSpace(nameOrPath)) throw new InvalidDataException("board: empty board name");
        bool isPath = nameOrPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            || nameOrPath.Contains('/') || nameOrPath.Contains('\\');
        if (isPath) return LoadFile(nameOrPath);

        var dir = boardsDir ?? FindBoardsDirectory()
            ?? throw new InvalidDataException($"board '{nameOrPath}': no boards/ directory found (set NANO_INTENT_BOARDS)");
        string path = Path.Combine(dir, nameOrPath + ".json");
        if (!File.Exists(path))
            throw new InvalidDataException($"board '{nameOrPath}': no {path} (known boards: {string.Join(", ", KnownBoards(dir))})");
        return LoadFile(path);
    }

    /// <summary>Names of the profiles in a boards directory, sorted.</summary>
    public static IReadOnlyList<string> KnownBoards(string boardsDir) =>
        Directory.GetFiles(boardsDir, "*.json").Select(p => Path.GetFileNameWithoutExtension(p)!)
            .OrderBy(n => n, StringComparer.Ordinal).ToList();

    /// <summary>boards/ from $NANO_INTENT_BOARDS or the nearest ancestor of the working or program directory.</summary>
    public static string? FindBoardsDirectory()
    {
        var env = Environment.GetEnvironmentVariable("NANO_INTENT_BOARDS");
        if (!string.IsNullOrEmpty(env)) return env;
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var candidate = Path.Combine(d.FullName, "boards");
                if (Directory.Exists(candidate) && Directory.GetFiles(candidate, "*.json").Length > 0) return candidate;
            }
        }
        return null;
    }

    static BoardProfile LoadFile(string path)
    {
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: board profile not found");
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not valid JSON ({e.Message.Split('\n')[0]})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{path}: expected a JSON object");
            foreach (var p in root.EnumerateObject())
                if (Array.IndexOf(Keys, p.Name) < 0)
                    throw new InvalidDataException($"{path}: unknown key '{p.Name}' (known: {string.Join(", ", Keys)})");

            string Str(string key, bool required = true)
            {
                if (!root.TryGetProperty(key, out var v)) return required ? throw Missing(key) : null!;
                if (v.ValueKind != JsonValueKind.String || v.GetString()!.Length == 0)
                    throw new InvalidDataException($"{path}: '{key}' must be a non-empty string");
                return v.GetString()!;
            }
            long Num(string key, bool required = true, long min = 1, long max = long.MaxValue)
            {
                if (!root.TryGetProperty(key, out var v)) return required ? throw Missing(key) : 0;
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out long n))
                    throw new InvalidDataException($"{path}: '{key}' must be an integer");
                if (n < min || n > max) throw new InvalidDataException($"{path}: '{key}' {n} is outside {min}..{max}");
                return n;
            }
            InvalidDataException Missing(string key) => new($"{path}: missing '{key}'");

            string name = Str("name");
            string fileName = Path.GetFileNameWithoutExtension(path);
            if (name != fileName) throw new InvalidDataException($"{path}: 'name' is '{name}' but the file is named '{fileName}.json'");
            long flashBytes = Num("flash_bytes");

            bool hasTable = root.TryGetProperty("partition_table", out _);
            bool hasAddress = root.TryGetProperty("flash_address", out _) || root.TryGetProperty("flash_budget_bytes", out _);
            if (hasTable == hasAddress)
                throw new InvalidDataException($"{path}: give either partition_table + partition or flash_address + flash_budget_bytes");

            ulong address;
            long budget;
            PartitionTable? table = null;
            string? partitionName = null;
            if (hasTable)
            {
                string tablePath = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Str("partition_table"));
                table = PartitionTable.Load(tablePath);
                partitionName = Str("partition");
                var part = table.Find(partitionName)
                    ?? throw new InvalidDataException($"{path}: partition '{partitionName}' is not in {tablePath}");
                if (part.Type != "data")
                    throw new InvalidDataException($"{tablePath}:{part.Line}: partition '{part.Name}' holds the model and must be of type data, not '{part.Type}'");
                if (part.Offset % EspMmuPage != 0)
                    throw new InvalidDataException($"{tablePath}:{part.Line}: partition '{part.Name}' offset 0x{part.Offset:X} is not 64 KB aligned, so it cannot be memory-mapped whole");
                var last = table.Partitions.MaxBy(p => p.End)!;
                if (last.End > flashBytes)
                    throw new InvalidDataException($"{tablePath}:{last.Line}: partition '{last.Name}' ends at 0x{last.End:X}, beyond the {flashBytes} bytes of flash of {path}");
                address = (ulong)part.Offset;
                budget = part.Size;
            }
            else
            {
                if (root.TryGetProperty("partition", out _)) throw new InvalidDataException($"{path}: 'partition' needs 'partition_table'");
                string a = Str("flash_address");
                if (!a.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                    || !ulong.TryParse(a.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out address)
                    || address > uint.MaxValue)
                    throw new InvalidDataException($"{path}: 'flash_address' '{a}' must be a 32-bit hex address like 0x08000000");
                if (address % 32 != 0) throw new InvalidDataException($"{path}: 'flash_address' {a} is not 32-byte aligned (image sections are)");
                budget = Num("flash_budget_bytes");
                // An image in the QUADSPI window must lie inside the board's Quad-SPI chip: the window is 256 MB,
                // the chip much smaller, and what lies beyond it reads as the chip wrapping around or faults.
                if (address >= QspiWindowBase && address < QspiWindowEnd)
                {
                    if (!root.TryGetProperty("qspi_flash_bytes", out _))
                        throw new InvalidDataException($"{path}: 'flash_address' {a} is in the Quad-SPI window 0x90000000..0x9FFFFFFF: give 'qspi_flash_bytes'");
                    long qspi = Num("qspi_flash_bytes");
                    long end = (long)(address - QspiWindowBase) + budget;
                    if (end > qspi)
                        throw new InvalidDataException($"{path}: the image region {a} + {budget} bytes ends 0x{end:X} into the Quad-SPI flash, beyond its {qspi} bytes");
                }
            }

            return new BoardProfile
            {
                Name = name,
                Id = (uint)Num("id", max: 65535),
                Description = root.TryGetProperty("description", out _) ? Str("description") : "",
                Cpu = Str("cpu"),
                Cores = root.TryGetProperty("cores", out _) ? (int)Num("cores", max: 64) : 1,
                ClockHz = Num("clock_hz"),
                FlashBytes = flashBytes,
                SramBytes = Num("sram_bytes", required: false),
                PsramBytes = Num("psram_bytes", required: false),
                QspiFlashBytes = Num("qspi_flash_bytes", required: false),
                FlashAddress = address,
                FlashBudgetBytes = budget,
                RamBudgetBytes = Num("ram_budget_bytes"),
                PartitionTable = table,
                PartitionName = partitionName,
                QemuMachine = root.TryGetProperty("qemu_machine", out _) ? Str("qemu_machine") : null,
                SourcePath = path,
            };
        }
    }

    /// <summary>What does not fit, one clause per budget (empty when both fit).</summary>
    public IReadOnlyList<string> FitProblems(long imageBytes, long arenaBytes)
    {
        var problems = new List<string>();
        if (imageBytes > FlashBudgetBytes)
            problems.Add($"image {Bytes(imageBytes)} exceeds the flash budget of {Bytes(FlashBudgetBytes)} ({Placement}) by {Bytes(imageBytes - FlashBudgetBytes)}");
        if (arenaBytes > RamBudgetBytes)
            problems.Add($"arena {Bytes(arenaBytes)} exceeds the RAM budget of {Bytes(RamBudgetBytes)} by {Bytes(arenaBytes - RamBudgetBytes)}");
        return problems;
    }

    /// <summary>Throws a one-line <see cref="InvalidDataException"/> giving both sizes when the image or arena does not fit.</summary>
    public void EnsureFits(long imageBytes, long arenaBytes)
    {
        var problems = FitProblems(imageBytes, arenaBytes);
        if (problems.Count > 0) throw new InvalidDataException($"board {Name}: {string.Join("; ", problems)}");
    }

    static string Bytes(long n) => n.ToString("N0", CultureInfo.InvariantCulture) + " bytes";
}
