using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Training;
using ModelPacker.Cli;
using ModelPacker.Model;
using ModelPacker.Teacher;
using ModelPacker.Tests.Checkpoints;
using ModelPacker.Tests.Teacher;

namespace ModelPacker.Tests.Cli;

/// <summary>35 real SNIPS utterances (3 train, 1 validation, 1 test per intent) and a teacher fitted on them with the
/// packaged encoder, shared by the tests of <c>train --teacher</c>.</summary>
public sealed class SnipsTeacherFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public SnipsTeacherFixture()
    {
        TeacherCommandTests.WriteSnipsSubset(Data, train: 3, validation: 1, test: 1);
        TinyIntentData.WriteConfig(Config);
        File.WriteAllText(Config, File.ReadAllText(Config).Replace("\"vocab_size\": 64", "\"vocab_size\": 200")); // SNIPS's characters need more
        var run = CliRun.Of("teacher", "--data", Data, "--out", TeacherDir, "--cache", Cache);
        if (run.ExitCode != 0) throw new InvalidOperationException(run.Error);
    }

    public string Data => _temp["snips-35"];
    public string Config => _temp["tiny.json"];
    public string TeacherDir => _temp["teacher"];
    public string Cache => _temp["cache"];
    public string this[string name] => _temp[name];

    public void Dispose() => _temp.Dispose();
}

public class TrainWithTeacherTests(SnipsTeacherFixture f) : IClassFixture<SnipsTeacherFixture>
{
    [Fact]
    public void Trains_with_the_teacher_writes_a_plain_checkpoint_and_repeats_from_the_cache()
    {
        string outDir = f["distilled"];
        var run = CliRun.Of("train", "--data", f.Data, "--config", f.Config, "--teacher", f.TeacherDir, "--cache", f.Cache, "--out", outDir);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        Assert.Matches(@"Teacher +.*: 21 utterances \+ \d+ transfer copies; \d+ encoded", run.Out);
        Assert.Contains("CE + 1·KD(T=2) + 1·(1 − cos) (per exit projection), 1 transfer copy per utterance, word embeddings kept at the encoder's", run.Out);
        Assert.Contains("Test accuracy", run.Out);
        // The settings are kept with the checkpoint; the projections are not in it.
        Assert.Contains("\"distil\": {", File.ReadAllText(Path.Combine(outDir, TrainCommand.TrainConfigFile)));
        var checkpoint = CheckpointDirectory.Load(outDir);
        Assert.Empty(checkpoint.Warnings);
        var names = SafeTensorsReader.Read(Path.Combine(outDir, CheckpointDirectory.WeightsFile)).Entries.Select(e => e.Name).Order();
        Assert.Equal(new AlbertParameters(checkpoint.Config).All.Select(t => t.Name).Order(), names);

        // Again: the transfer set is the same (seeded), so every text comes from the cache, and so do the weights.
        string again = f["again"];
        var second = CliRun.Of("train", "--data", f.Data, "--config", f.Config, "--teacher", f.TeacherDir, "--cache", f.Cache, "--out", again);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Matches(@"Teacher +.*transfer copies; 0 encoded", second.Out);
        Assert.Equal(File.ReadAllBytes(Path.Combine(outDir, CheckpointDirectory.WeightsFile)), File.ReadAllBytes(Path.Combine(again, CheckpointDirectory.WeightsFile)));
    }

    [Fact]
    public void Without_teacher_train_fits_one_in_the_cache_then_reuses_it_and_the_config_overrides_the_recipe()
    {
        string first = f["default-1"], second = f["default-2"];
        var run = CliRun.Of("train", "--data", f.Data, "--config", f.Config, "--cache", f.Cache, "--out", first);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        string teachers = Path.Combine(f.Cache, "teachers");
        string dir = Assert.Single(Directory.GetDirectories(teachers));
        Assert.True(File.Exists(Path.Combine(dir, TeacherHeadFile.FileName)));
        Assert.Contains($"Teacher head   {dir}: ", run.Out);
        Assert.Contains("CE + 1·KD(T=2)", run.Out);
        Assert.Matches(@"Recipe +vocab \d+ \(from ", run.Out);
        Assert.Matches(@"max_length \d+ \(from [^—]*— overridden", run.Out);
        Assert.Matches(@"Overrides +vocab_size, embedding_size", run.Out);

        // Keys the config leaves out are the recipe's: this data has 3 utterances per intent, so dropout 0.05, not 0.1.
        var kept = TrainConfig_(first);
        var (recipe, _) = DefaultRecipe.Choose(DatasetLoader.Load(f.Data), 1);
        Assert.Equal(recipe.TokenDropout, kept.TokenDropout);
        Assert.Equal(0.05f, kept.AttentionDropout);
        Assert.Equal(16, kept.MaxLength);

        var again = CliRun.Of("train", "--data", f.Data, "--config", f.Config, "--cache", f.Cache, "--out", second);
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Contains($"Teacher head   {dir} (fitted earlier on this data)", again.Out);
        Assert.Single(Directory.GetDirectories(teachers));
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, CheckpointDirectory.WeightsFile)), File.ReadAllBytes(Path.Combine(second, CheckpointDirectory.WeightsFile)));
    }

    [Fact]
    public void The_recipe_counts_the_transfer_copies_the_config_asks_for_in_an_epochs_steps()
    {
        string config = f["no-copies.json"];
        File.WriteAllText(config, File.ReadAllText(f.Config).TrimEnd().TrimEnd('}') + ", \"distil\": { \"transfer_copies\": 0 } }");
        var run = CliRun.Of("train", "--data", f.Data, "--config", config, "--teacher", f.TeacherDir, "--cache", f.Cache, "--out", f["no-copies"]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("= 875 steps at 1 per epoch, within", run.Out); // 21 utterances in batches of 32; with a copy each, 2
        Assert.Matches(@"Teacher +.*: 21 utterances \+ 0 transfer copies", run.Out);
    }

    [Fact]
    public void The_word_embeddings_keep_the_encoders_geometry_unless_the_config_lets_them_train()
    {
        // Runs of 1 and 3 epochs end with word embeddings that differ only by weight decay's common factor (the table
        // gets no gradient) while the rest of the model trains on; with freeze_embeddings false they move apart.
        string oneEpoch = f["one-epoch.json"], free = f["free.json"];
        File.WriteAllText(oneEpoch, File.ReadAllText(f.Config).Replace("\"epochs\": 3", "\"epochs\": 1"));
        File.WriteAllText(free, File.ReadAllText(f.Config).TrimEnd().TrimEnd('}') + ", \"distil\": { \"freeze_embeddings\": false } }");
        Dictionary<string, float[]> Weights(string config, string outDir)
        {
            var run = CliRun.Of("train", "--data", f.Data, "--config", config, "--teacher", f.TeacherDir, "--cache", f.Cache, "--out", outDir);
            Assert.True(run.ExitCode == 0, run.Error);
            return CheckpointDirectory.Load(outDir).Parameters.All.ToDictionary(t => t.Name, t => t.Data);
        }
        var three = Weights(f.Config, f["frozen-3"]);
        var one = Weights(oneEpoch, f["frozen-1"]);
        var moved = Weights(free, f["free"]);
        var names = new AlbertParameters(CheckpointDirectory.Load(f["frozen-3"]).Config);
        string words = names.WordEmbeddings.Name, ffn = names.FfnWeight.Name;
        // The spread of the element-wise ratio a/b: 0 when a is b times one factor.
        static double RatioSpread(float[] a, float[] b)
        {
            var r = a.Zip(b).Where(p => Math.Abs(p.Second) > 1e-3).Select(p => (double)p.First / p.Second).ToArray();
            return r.Max() - r.Min();
        }
        Assert.True(RatioSpread(three[words], one[words]) < 1e-4, $"{RatioSpread(three[words], one[words])}");
        Assert.NotEqual(one[words], three[words]); // decay did act: the runs' schedules differ
        Assert.NotEqual(one[ffn], three[ffn]);
        Assert.True(RatioSpread(moved[words], one[words]) > 0.1, $"{RatioSpread(moved[words], one[words])}");
        Assert.Contains("\"freeze_embeddings\": false", File.ReadAllText(Path.Combine(f["free"], TrainCommand.TrainConfigFile)));
    }

    private static TrainConfig TrainConfig_(string checkpoint) => TrainConfig.Load(Path.Combine(checkpoint, TrainCommand.TrainConfigFile));

    [Fact]
    public void A_teacher_of_other_intents_is_one_line_naming_its_head_file_and_no_output()
    {
        string other = f["other-teacher"];
        Directory.CreateDirectory(other);
        var head = TeacherHeadFile.Read(Path.Combine(f.TeacherDir, TeacherHeadFile.FileName));
        var labels = head.Labels.Select(l => l == "PlayMusic" ? "PlaySong" : l).ToArray();
        string file = Path.Combine(other, TeacherHeadFile.FileName);
        TeacherHeadFile.Write(file, head with { Labels = labels });
        string outDir = f["never"];
        var run = CliRun.Of("train", "--data", f.Data, "--config", f.Config, "--teacher", other, "--cache", f.Cache, "--out", outDir);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {file}: the teacher's 7 intents are not the data's 7 (the data's 'PlayMusic' missing; 'PlaySong' not in the data); " +
                     "fit the teacher on this data (modelpacker teacher)", Assert.Single(run.ErrorLines));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_missing_teacher_is_one_line_naming_the_file_and_no_output()
    {
        string missing = f["no-teacher"], outDir = f["never2"];
        var run = CliRun.Of("train", "--data", f.Data, "--config", f.Config, "--teacher", missing, "--cache", f.Cache, "--out", outDir);
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {Path.Combine(missing, TeacherHeadFile.FileName)}: no such teacher head file", Assert.Single(run.ErrorLines));
        Assert.False(Directory.Exists(outDir));
    }

    [Fact]
    public void A_distil_section_without_a_teacher_is_a_usage_error()
    {
        string config = f["distil.json"];
        File.WriteAllText(config, File.ReadAllText(f.Config).TrimEnd().TrimEnd('}') + ", \"distil\": { \"transfer_copies\": 0 } }");
        var run = CliRun.Of("train", "--data", f.Data, "--config", config, "--teacher", "none", "--out", f["never3"]);
        Assert.Equal(2, run.ExitCode);
        Assert.Equal($"error: {config}: the distil section needs a teacher (not --teacher none)", Assert.Single(run.ErrorLines));
    }

    [Fact]
    public void Binarize_adds_the_sentence_teacher_to_the_fp32_teachers_losses()
    {
        string fp32Config = f["w1a1-sizes.json"], fp32 = f["fp32"], student = f["w1a1"];
        File.WriteAllText(fp32Config, """
            { "vocab_size": 200, "embedding_size": 32, "hidden_size": 32, "num_attention_heads": 1, "intermediate_size": 32,
              "num_hidden_layers": 2, "max_length": 16, "epochs": 2, "batch_size": 8, "min_token_frequency": 1 }
            """);
        var teacher = CliRun.Of("train", "--data", f.Data, "--config", fp32Config, "--teacher", "none", "--out", fp32);
        Assert.True(teacher.ExitCode == 0, teacher.Error);
        string studentConfig = f["w1a1.json"];
        File.WriteAllText(studentConfig, """{ "epochs": 2, "batch_size": 8, "distil": { "projection": "shared", "transfer_copies": 1 } }""");
        var run = CliRun.Of("binarize", "--teacher", fp32, "--data", f.Data, "--config", studentConfig, "--sentence-teacher", f.TeacherDir,
            "--cache", f.Cache, "--out", student);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Matches(@"Teacher +.*: 21 utterances \+ \d+ transfer copies", run.Out);
        Assert.Contains("+ sentence teacher: 1·KD(T=1) + 1·(1 − cos) (shared projection)", run.Out);
        string kept = File.ReadAllText(Path.Combine(student, TrainCommand.TrainConfigFile));
        Assert.Contains("\"projection\": \"shared\"", kept);
        Assert.Contains("\"binarize\": {", kept);
        Assert.NotNull(CheckpointDirectory.Load(student).Config.Binarization);
    }
}
