using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.IntegerRuntime;
using ModelPacker.Tests.Cli;
using ModelPacker.Tests.IntegerRuntime;
using ModelPacker.Text;

namespace ModelPacker.Tests.Quantization;

/// <summary>pack --prune-vocabulary on the tiny int8 and w1a1 models the CLI fixtures train: the image holds the
/// pruned vocabulary and only its rows, verifies, its vectors run in C, and eval reads it.</summary>
public class PrunedPackCommandTests(CliFixture small, BinarizeFixture binarized) : IClassFixture<CliFixture>, IClassFixture<BinarizeFixture>
{
    private static string Pack(string modelDir, string dataDir, string path, params string[] extra)
    {
        var run = CliRun.Of(["pack", "--model", modelDir, "--calibration-data", dataDir, "--out", path, .. extra]);
        Assert.True(run.ExitCode == 0, run.Error);
        return path;
    }

    private static VocabularyPruning Expected(string modelDir, string dataDir, int minCount) =>
        VocabularyPruning.Prune(CheckpointDirectory.Load(modelDir).Vocabulary, DatasetLoader.Load(dataDir).Train.Select(e => e.Text).ToList(), minCount);

    /// <summary>The tiny models' data with every 4th training utterance: the tiny vocabulary's few merges are all
    /// frequent in the full split, so pruning to this one is what removes some.</summary>
    private static string FewerTrainingUtterances(string dataDir, string dir)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllLines(Path.Combine(dir, "train.jsonl"), File.ReadAllLines(Path.Combine(dataDir, "train.jsonl")).Where((_, i) => i % 4 == 0));
        File.Copy(Path.Combine(dataDir, "test.jsonl"), Path.Combine(dir, "test.jsonl"), overwrite: true);
        return dir;
    }

    private static sbyte[] Row(IntegerImage image, string token)
    {
        Assert.True(image.Vocabulary.TryGetId(token, out int id), $"'{token}' missing");
        var words = image.Model.WordEmbeddings;
        return words.Traits.Decode(words).Row(id).ToArray();
    }

    [Fact]
    public void Int8_MinCountOne_OnSnips_KeepsTheRowsOfTheKeptStringsAndEveryOtherTensor()
    {
        // The bundled SNIPS model: its vocabulary has pieces its training split never produces (the tiny one has not).
        string model = Path.Combine(TestPaths.RepoRoot, "models", "snips"), data = TestPaths.Dataset("snips");
        var full = IntegerImage.Read(Pack(model, data, small.Path("snips-full.nii"), "--test-vectors", "2"));
        var pruned = IntegerImage.Read(Pack(model, data, small.Path("snips-pruned1.nii"), "--test-vectors", "2", "--prune-vocabulary"));
        var expected = Expected(model, data, 1);
        Assert.Equal(expected.Vocabulary.Count, pruned.Model.Dims.VocabSize);
        Assert.Equal(expected.Vocabulary.Tokens.Order(StringComparer.Ordinal), pruned.Vocabulary.Tokens.Order(StringComparer.Ordinal));
        Assert.True(pruned.Vocabulary.Count < full.Vocabulary.Count, $"{pruned.Vocabulary.Count} of {full.Vocabulary.Count} strings");
        // Training utterances tokenize alike, so calibration and quantization are the same: same rows, same tensors.
        foreach (var token in pruned.Vocabulary.Tokens) Assert.Equal(Row(full, token), Row(pruned, token));
        foreach (var (id, t) in full.Model.Tensors().Where(kv => kv.Value != full.Model.WordEmbeddings))
        {
            Assert.Equal(t.Data, pruned.Model.Tensors()[id].Data);
            Assert.Equal(t.Params, pruned.Model.Tensors()[id].Params);
        }
        Assert.Equal(full.Model.QuantParams.ToBytes(), pruned.Model.QuantParams.ToBytes());
    }

    [Fact]
    public void Int8_MinCountTwo_VerifiesRunsInCAndEvaluates()
    {
        Assert.Equal(0, small.Train.ExitCode);
        string path = small.Path("pruned2.nii"), data = FewerTrainingUtterances(small.DataDir, small.Path("fewer"));
        var run = CliRun.Of("pack", "--model", small.ModelDir, "--calibration-data", data, "--out", path, "--test-vectors", "6", "--prune-vocabulary", "2");
        Assert.True(run.ExitCode == 0, run.Error);
        var expected = Expected(small.ModelDir, data, 2);
        Assert.Contains($"vocabulary pruned to {expected.Vocabulary.Count} of {expected.OriginalCount} strings", run.Out);
        var image = IntegerImage.Read(path);
        Assert.Equal(expected.Vocabulary.Count, image.Model.Dims.VocabSize);
        Assert.True(expected.Vocabulary.Count < expected.OriginalCount, $"{expected.Vocabulary.Count} of {expected.OriginalCount} strings");
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("6 test vectors match", verify.Out);
        NativeImage.AssertReproducesTestVectors(path, "cli-tiny-pruned.nii");
        // The test vectors are the test utterances as the pruned image tokenizes them.
        var tokenizer = new WordPieceTokenizer(image.Vocabulary);
        var test = DatasetLoader.Load(data).Test.Select(e => tokenizer.Encode(e.Text, image.Model.Dims.MaxPositions)).ToList();
        foreach (var v in image.TestVectors!.Where(v => v.Tokens.Length < image.Model.Dims.MaxPositions))
            Assert.Contains(test, ids => ids.Select(i => (ushort)i).SequenceEqual(v.Tokens));

        var eval = CliRun.Of("eval", "--model", path, "--data", data, "--json");
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.Contains($"\"n\":{TinyIntentData.TestCount}", eval.Out.Replace(" ", ""));
    }

    [Fact]
    public void W1A1_PrunedImageVerifiesAndRunsInC()
    {
        Assert.True(binarized.Student.ExitCode == 0, binarized.Student.Error);
        string data = FewerTrainingUtterances(binarized.DataDir, binarized.Path("fewer"));
        string path = Pack(binarized.StudentDir, data, binarized.Path("pruned.nii"), "--test-vectors", "6", "--prune-vocabulary", "2");
        var image = IntegerImage.Read(path);
        var expected = Expected(binarized.StudentDir, data, 2);
        Assert.True(expected.Vocabulary.Count < expected.OriginalCount, $"{expected.Vocabulary.Count} of {expected.OriginalCount} strings");
        Assert.Equal(expected.Vocabulary.Count, image.Model.Dims.VocabSize);
        var verify = CliRun.Of("verify", path);
        Assert.True(verify.ExitCode == 0, verify.Error);
        Assert.Contains("6 test vectors match", verify.Out);
        NativeImage.AssertReproducesTestVectors(path, "cli-tiny-w1a1-pruned.nii");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    [InlineData("1.5")]
    public void ABadMinCountIsAOneLineErrorAndWritesNothing(string value)
    {
        string path = small.Path($"bad-{value}.nii");
        var run = CliRun.Of("pack", "--model", small.ModelDir, "--calibration-data", small.DataDir, "--out", path, "--prune-vocabulary", value);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: --prune-vocabulary: '{value}' is not a min-count (a whole number, 1 or more)", Assert.Single(run.ErrorLines));
        Assert.False(File.Exists(path));
    }
}
