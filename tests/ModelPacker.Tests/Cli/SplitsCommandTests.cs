using System.Text.Json;
using ModelPacker.Data;

namespace ModelPacker.Tests.Cli;

public class SplitsCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("splits-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Writes_the_splits_the_loader_makes_and_they_load_back_identically()
    {
        string data = TinyIntentData.WriteDataset(Path.Combine(_root, "data"));
        string outDir = Path.Combine(_root, "splits");
        var run = CliRun.Of("splits", "--data", data, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Error);
        var original = DatasetLoader.Load(data);
        var written = DatasetLoader.Load(outDir);
        foreach (string split in new[] { "train", "validation", "test" })
        {
            Assert.Equal(original.Split(split), written.Split(split));
            Assert.Contains($"{split}", run.Out);
        }
        // The validation split was held out of train (the tiny set has none of its own).
        Assert.NotEmpty(original.Validation);
        Assert.False(File.Exists(Path.Combine(data, "validation.jsonl")));
        var first = JsonDocument.Parse(File.ReadLines(Path.Combine(outDir, "train.jsonl")).First()).RootElement;
        Assert.Equal(original.Train[0].Text, first.GetProperty("text").GetString());
        Assert.Equal(original.Train[0].Label, first.GetProperty("intent").GetString());

        // Running again replaces the split files; a directory holding anything else is left alone.
        Assert.Equal(0, CliRun.Of("splits", "--data", data, "--out", outDir).ExitCode);
        File.WriteAllText(Path.Combine(outDir, "notes.txt"), "mine");
        var refused = CliRun.Of("splits", "--data", data, "--out", outDir);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith($"error: {outDir}: holds files other than the split files", Assert.Single(refused.ErrorLines));
        Assert.True(File.Exists(Path.Combine(outDir, "notes.txt")));
    }
}
