using ModelPacker.Tests.Checkpoints;

namespace ModelPacker.Tests.Cli;

/// <summary>Trains one tiny model through the CLI, shared by the eval and classify tests.</summary>
public sealed class CliFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public CliFixture()
    {
        DataDir = TinyIntentData.WriteDataset(_temp["data"]);
        ConfigPath = TinyIntentData.WriteConfig(_temp["tiny.json"]);
        ModelDir = _temp["model"];
        Train = CliRun.Of("train", "--data", DataDir, "--config", ConfigPath, "--teacher", "none", "--out", ModelDir);
    }

    public string DataDir { get; }
    public string ConfigPath { get; }
    public string ModelDir { get; }
    internal CliRun Train { get; }
    public string Path(string name) => _temp[name];

    public void Dispose() => _temp.Dispose();
}
