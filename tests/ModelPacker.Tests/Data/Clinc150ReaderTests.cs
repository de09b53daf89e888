using ModelPacker.Data;

namespace ModelPacker.Tests.Data;

public sealed class Clinc150ReaderTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private const string Small = "\uFEFF{\n" +
        "  \"comment\": {\"ignored\": [1, 2]},\n" +
        "  \"train\": [[\"what's my balance\", \"balance\"], [\"play jazz\", \"play_music\"]],\n" +
        "  \"oos_train\": [[\"how tall is everest\", \"oos\"]],\n" +
        "  \"val\": [[\"my balance please\", \"balance\"]],\n" +
        "  \"oos_val\": [[\"tell me a secret\", \"something_else\"]],\n" +
        "  \"test\": [[\"put on some music\", \"play_music\"]]\n" +
        "}\n";

    [Fact]
    public void Directory_IsRecognisedByDataFullJson()
    {
        _tmp.Write("data_full.json", Small);
        _tmp.Write("domains.json", "{}");
        var ds = DatasetLoader.Load(_tmp.Path);
        Assert.Equal("clinc150", ds.Name);
        Assert.Equal([new("what's my balance", "balance"), new("play jazz", "play_music"), new("how tall is everest", "oos")], ds.Train);
        // Everything in an oos_* list is out of scope, whatever its second field says.
        Assert.Equal([new("my balance please", "balance"), new("tell me a secret", IntentDataset.OutOfScopeLabel)], ds.Validation);
        Assert.Equal([new IntentExample("put on some music", "play_music")], ds.Test); // no oos_test list: none added
        Assert.Equal(["balance", "oos", "play_music"], ds.Labels);
    }

    [Fact]
    public void WithoutOutOfScope_DropsTheOosLists()
    {
        string file = _tmp.Write("data_full.json", Small);
        var ds = DatasetLoader.Load(file, new DatasetOptions { IncludeOutOfScope = false });
        Assert.Equal(2, ds.Train.Count);
        Assert.Single(ds.Validation);
        Assert.Equal(["balance", "play_music"], ds.Labels);
    }
}
