using ModelPacker.Data;

namespace ModelPacker.Tests.Data;

/// <summary>User data: directories with train/test/validation files, and single files split 80/10/10.</summary>
public sealed class UserDatasetTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private static string Jsonl(IEnumerable<(string Text, string Label)> rows) =>
        string.Concat(rows.Select(r => System.Text.Json.JsonSerializer.Serialize(new { text = r.Text, intent = r.Label }) + "\n"));

    private static IEnumerable<(string, string)> Rows(string label, int n) =>
        Enumerable.Range(0, n).Select(i => ($"{label} utterance number {i}", label));

    [Fact]
    public void Directory_WithAllThreeSplits_UsesThemAsGiven()
    {
        _tmp.Write("train.csv", "utterance,intent_name,extra\n\"hi, there\",greet,1\nbye,leave,2\n");
        _tmp.Write("val.csv", "utterance,intent_name,extra\nhello,greet,3\n");
        _tmp.Write("test.csv", "extra,intent_name,utterance\n4,leave,see you\n");
        var ds = DatasetLoader.Load(_tmp.Path, new DatasetOptions { TextColumn = "utterance", LabelColumn = "intent_name" });
        Assert.Equal(Path.GetFileName(_tmp.Path), ds.Name);
        Assert.Equal([new("hi, there", "greet"), new("bye", "leave")], ds.Train);
        Assert.Equal([new IntentExample("hello", "greet")], ds.Validation);
        Assert.Equal([new IntentExample("see you", "leave")], ds.Test);
        Assert.Equal(["greet", "leave"], ds.Labels);
        Assert.Equal((0, 1), (ds.LabelId("greet"), ds.LabelId("leave")));
        Assert.Throws<ArgumentException>(() => ds.LabelId("Greet"));
        Assert.Same(ds.Validation, ds.Split("val"));
        Assert.Same(ds.Validation, ds.Split("Validation"));
        Assert.Same(ds.Test, ds.Split("test"));
        Assert.Same(ds.Train, ds.Split("train"));
        Assert.Equal("unknown split 'dev': expected train, validation (val) or test (Parameter 'name')",
            Assert.Throws<ArgumentException>(() => ds.Split("dev")).Message);
    }

    [Fact]
    public void Directory_LabelColumnFallsBackToLabelThenCategory()
    {
        _tmp.Write("train.jsonl", "{\"text\": \"hi\", \"label\": 3}\n{\"text\": \"yo\", \"label\": \"x\"}\n");
        _tmp.Write("test.csv", "text,category\nhey,3\n");
        var ds = DatasetLoader.Load(_tmp.Path);
        Assert.Equal([new("hi", "3"), new("yo", "x")], ds.Train); // a numeric JSON label is read as its text
        Assert.Equal([new IntentExample("hey", "3")], ds.Test);
    }

    [Fact]
    public void Directory_WithoutValidation_TakesAStratifiedShareOfTrain()
    {
        _tmp.Write("train.jsonl", Jsonl(Rows("a", 50).Concat(Rows("b", 20)).Concat(Rows("c", 1))));
        _tmp.Write("test.jsonl", Jsonl(Rows("a", 2)));
        var ds = DatasetLoader.Load(_tmp.Path, new DatasetOptions { ValidationFraction = 0.2 });
        Assert.Equal(10, ds.Validation.Count(e => e.Label == "a"));
        Assert.Equal(4, ds.Validation.Count(e => e.Label == "b"));
        Assert.Equal(0, ds.Validation.Count(e => e.Label == "c")); // a single example stays in train
        Assert.Equal(71, ds.Train.Count + ds.Validation.Count);
        Assert.Empty(ds.Train.Intersect(ds.Validation));
        Assert.Equal(["a", "b", "c"], ds.Labels);
    }

    [Fact]
    public void Directory_WithoutTest_HoldsOutTenPercentOfTrain()
    {
        _tmp.Write("train.csv", "text,intent\n" + string.Concat(Rows("a", 40).Select(r => $"{r.Item1},{r.Item2}\n")));
        var ds = DatasetLoader.Load(_tmp.Path);
        Assert.Equal(4, ds.Test.Count);
        Assert.Equal(4, ds.Validation.Count); // 10 % of the 36 left
        Assert.Equal(32, ds.Train.Count);
    }

    [Fact]
    public void SingleFile_IsSplit80_10_10PerIntentDeterministically()
    {
        string file = _tmp.Write("my-intents.jsonl", Jsonl(Rows("a", 100).Concat(Rows("b", 30))));
        var ds = DatasetLoader.Load(file);
        Assert.Equal("my-intents", ds.Name);
        Assert.Equal((80, 10, 10), (ds.Train.Count(e => e.Label == "a"), ds.Validation.Count(e => e.Label == "a"), ds.Test.Count(e => e.Label == "a")));
        Assert.Equal((24, 3, 3), (ds.Train.Count(e => e.Label == "b"), ds.Validation.Count(e => e.Label == "b"), ds.Test.Count(e => e.Label == "b")));
        Assert.Equal(130, ds.Train.Concat(ds.Validation).Concat(ds.Test).Distinct().Count());

        var again = DatasetLoader.Load(file);
        Assert.Equal(ds.Train, again.Train);
        Assert.Equal(ds.Validation, again.Validation);
        Assert.Equal(ds.Test, again.Test);
    }

    [Fact]
    public void Split_DoesNotDependOnOtherIntentsOrFileOrder()
    {
        var rowsA = Rows("a", 60).ToList();
        string one = _tmp.Write("one.jsonl", Jsonl(rowsA));
        string two = _tmp.Write("two.jsonl", Jsonl(Rows("zz", 37).Concat(Enumerable.Reverse(rowsA))));
        var testA1 = DatasetLoader.Load(one).Test.Select(e => e.Text).Order(StringComparer.Ordinal);
        var testA2 = DatasetLoader.Load(two).Test.Where(e => e.Label == "a").Select(e => e.Text).Order(StringComparer.Ordinal);
        Assert.Equal(testA1, testA2);
    }

    [Fact]
    public void Split_KeepsOriginalOrderWithinEachPart()
    {
        string file = _tmp.Write("d.jsonl", Jsonl(Rows("a", 50)));
        var ds = DatasetLoader.Load(file);
        var all = Rows("a", 50).Select(r => r.Item1).ToList();
        Assert.Equal(ds.Train.Select(e => all.IndexOf(e.Text)).Order(), ds.Train.Select(e => all.IndexOf(e.Text)));
        Assert.Equal(ds.Test.Select(e => all.IndexOf(e.Text)).Order(), ds.Test.Select(e => all.IndexOf(e.Text)));
    }

    [Fact]
    public void Hash_IsFixedFnv1a()
    {
        // Pinned values (computed independently from the FNV-1a definition): the split must not change between
        // .NET versions or machines.
        Assert.Equal(0xB01D724C873D466EUL, StratifiedSplit.Hash("", ""));
        Assert.Equal(0xCF23100A705EA22EUL, StratifiedSplit.Hash("test", "hello"));
        Assert.Equal(0x905B7AA60ACF6546UL, StratifiedSplit.Hash("validation", "café"));
    }

    [Fact]
    public void Utf8BomAndCrLfFilesAreRead()
    {
        _tmp.Write("train.csv", "\uFEFFtext,intent\r\ncafé,a\r\n");
        _tmp.Write("test.jsonl", "\uFEFF{\"text\": \"thé\", \"intent\": \"a\"}\r\n");
        var ds = DatasetLoader.Load(_tmp.Path, new DatasetOptions { ValidationFraction = 0 });
        Assert.Equal([new IntentExample("café", "a")], ds.Train);
        Assert.Equal([new IntentExample("thé", "a")], ds.Test);
        Assert.Empty(ds.Validation);
    }
}
