using ModelPacker.Data;

namespace ModelPacker.Tests.Data;

/// <summary>The readers on the shared datasets: exact counts from ../shared/datasets/README.md.</summary>
public class RealDatasetTests
{
    [Fact]
    public void Snips_HasUpstreamCountsAndAStratifiedValidationSplit()
    {
        var ds = DatasetLoader.Load(TestPaths.Dataset("snips"));
        Assert.Equal("snips", ds.Name);
        Assert.Equal(13_784, ds.Train.Count + ds.Validation.Count);
        Assert.Equal(700, ds.Test.Count);
        Assert.Equal(
            ["AddToPlaylist", "BookRestaurant", "GetWeather", "PlayMusic", "RateBook", "SearchCreativeWork", "SearchScreeningEvent"],
            ds.Labels);
        // 10 % of every intent, rounded: stratified, so every intent is in validation in proportion.
        foreach (var label in ds.Labels)
        {
            int total = ds.Train.Count(e => e.Label == label) + ds.Validation.Count(e => e.Label == label);
            Assert.Equal((int)Math.Round(total * 0.1, MidpointRounding.AwayFromZero), ds.Validation.Count(e => e.Label == label));
            Assert.Equal(100, ds.Test.Count(e => e.Label == label));
        }
        // JSON escapes decoded (train.jsonl line 1 spells the accent as \u00e1).
        Assert.Contains(new IntentExample("Add another song to the Cita Romántica playlist.", "AddToPlaylist"), ds.Train.Concat(ds.Validation));
    }

    [Fact]
    public void Snips_SplitIsIdenticalAcrossLoads()
    {
        var a = DatasetLoader.Load(TestPaths.Dataset("snips"));
        var b = DatasetLoader.Load(TestPaths.Dataset("snips"));
        Assert.Equal(a.Train, b.Train);
        Assert.Equal(a.Validation, b.Validation);
        Assert.Equal(a.Test, b.Test);
    }

    [Fact]
    public void Clinc150_HasInScopeAndOutOfScopeSplits()
    {
        var ds = DatasetLoader.Load(TestPaths.Dataset("clinc150"));
        Assert.Equal("clinc150", ds.Name);
        Assert.Equal(15_000 + 100, ds.Train.Count);
        Assert.Equal(3_000 + 100, ds.Validation.Count);
        Assert.Equal(4_500 + 1_000, ds.Test.Count);
        Assert.Equal(151, ds.Labels.Length);
        Assert.Contains(IntentDataset.OutOfScopeLabel, ds.Labels);
        Assert.Equal(100, ds.Train.Count(e => e.Label == IntentDataset.OutOfScopeLabel));
        Assert.Equal(1_000, ds.Test.Count(e => e.Label == IntentDataset.OutOfScopeLabel));
        Assert.All(ds.Labels.Where(l => l != IntentDataset.OutOfScopeLabel),
            l => Assert.Equal(100, ds.Train.Count(e => e.Label == l)));
    }

    [Fact]
    public void Clinc150_WithoutOutOfScope_KeepsOnlyThe150Intents()
    {
        var ds = DatasetLoader.Load(TestPaths.Dataset("clinc150"), new DatasetOptions { IncludeOutOfScope = false });
        Assert.Equal(15_000, ds.Train.Count);
        Assert.Equal(3_000, ds.Validation.Count);
        Assert.Equal(4_500, ds.Test.Count);
        Assert.Equal(150, ds.Labels.Length);
        Assert.DoesNotContain(IntentDataset.OutOfScopeLabel, ds.Labels);
    }

    [Fact]
    public void Clinc150_LoadsFromTheJsonFileItself()
    {
        var ds = DatasetLoader.Load(Path.Combine(TestPaths.Dataset("clinc150"), "data_full.json"));
        Assert.Equal(15_100, ds.Train.Count);
    }

    [Fact]
    public void Banking77_ReadsQuotedCsvAndTakesValidationFromTrain()
    {
        var ds = DatasetLoader.Load(TestPaths.Dataset("banking77"));
        Assert.Equal("banking77", ds.Name);
        Assert.Equal(10_003, ds.Train.Count + ds.Validation.Count);
        Assert.Equal(3_080, ds.Test.Count);
        Assert.Equal(77, ds.Labels.Length);
        Assert.Equal(new IntentExample("How do I locate my card?", "card_arrival"), ds.Test[0]);
        // A quoted field with a comma in it.
        Assert.Contains(new IntentExample("I still have not received my new card, I ordered over a week ago.", "card_arrival"), ds.Test);

        var again = DatasetLoader.Load(TestPaths.Dataset("banking77"));
        Assert.Equal(ds.Validation, again.Validation);
    }

    [Fact]
    public void Banking77_LabelsMatchCategoriesJson()
    {
        var dir = TestPaths.Dataset("banking77");
        var categories = System.Text.Json.JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(dir, "categories.json")))!;
        Array.Sort(categories, StringComparer.Ordinal);
        Assert.Equal(categories, DatasetLoader.Load(dir).Labels);
    }
}
