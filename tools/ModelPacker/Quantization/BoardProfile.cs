using System.Text.Json;

namespace ModelPacker.Quantization;

/// <summary>A board profile of boards/&lt;name&gt;.json: the image's flash budget, the arena's RAM budget and the board id.</summary>
public sealed record BoardProfile(string Name, uint Id, long FlashBudgetBytes, long RamBudgetBytes, string Path)
{
    /// <summary>Finds boards/&lt;name&gt;.json in <paramref name="boardsDir"/>, or in a boards/ folder above the current
    /// directory or above the tool.</summary>
    public static BoardProfile Load(string name, string? boardsDir = null)
    {
        var candidates = new List<string>();
        if (boardsDir is not null) candidates.Add(boardsDir);
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                candidates.Add(System.IO.Path.Combine(d.FullName, "boards"));
        var dir = candidates.FirstOrDefault(Directory.Exists)
            ?? throw new InvalidDataException($"--board {name}: no boards/ directory found (looked above {Directory.GetCurrentDirectory()})");
        var path = System.IO.Path.Combine(dir, name + ".json");
        if (!File.Exists(path))
        {
            var known = Directory.GetFiles(dir, "*.json").Select(f => System.IO.Path.GetFileNameWithoutExtension(f)).Order();
            throw new InvalidDataException($"--board {name}: {path} does not exist (known boards: {string.Join(", ", known)})");
        }
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            long Need(string key) => root.TryGetProperty(key, out var v) && v.TryGetInt64(out long n) && n >= 0 ? n
                : throw new InvalidDataException($"{path}: '{key}' is missing or not a non-negative integer");
            return new BoardProfile(name, (uint)Need("id"), Need("flash_budget_bytes"), Need("ram_budget_bytes"), path);
        }
        catch (JsonException e) { throw new InvalidDataException($"{path}: {e.Message}"); }
    }

    /// <summary>Throws naming both numbers when the image or the arena does not fit.</summary>
    public void Check(long imageBytes, long arenaBytes)
    {
        if (imageBytes > FlashBudgetBytes)
            throw new InvalidDataException($"image of {imageBytes:N0} bytes does not fit board {Name}: its flash budget is {FlashBudgetBytes:N0} bytes ({Path})");
        if (arenaBytes > RamBudgetBytes)
            throw new InvalidDataException($"arena of {arenaBytes:N0} bytes does not fit board {Name}: its RAM budget is {RamBudgetBytes:N0} bytes ({Path})");
    }
}
