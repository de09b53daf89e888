using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Tests.Training;

/// <summary>The three real datasets, loaded once for the recipe's tests.</summary>
public sealed class RealDatasets
{
    public IntentDataset Snips { get; } = DatasetLoader.Load(TestPaths.Dataset("snips"));
    public IntentDataset Clinc150 { get; } = DatasetLoader.Load(TestPaths.Dataset("clinc150"));
    public IntentDataset Banking77 { get; } = DatasetLoader.Load(TestPaths.Dataset("banking77"));
    public IEnumerable<IntentDataset> All => [Snips, Clinc150, Banking77];
}

public class DefaultRecipeTests(RealDatasets data) : IClassFixture<RealDatasets>
{
    private static int StepsPerEpoch(IntentDataset d, int copies, TrainConfig c) =>
        (int)Math.Ceiling((double)d.Train.Count * (1 + copies) / c.BatchSize);

    [Fact]
    public void Epochs_give_the_target_steps_per_intent_to_within_half_an_epoch_unless_clamped()
    {
        foreach (var d in data.All)
            foreach (int copies in new[] { 0, 1 })
            {
                var (c, _) = DefaultRecipe.Choose(d, copies);
                int steps = StepsPerEpoch(d, copies, c) * c.Epochs, target = DefaultRecipe.StepsPerIntent * d.Labels.Length;
                if (c.Epochs is > DefaultRecipe.MinEpochs and < DefaultRecipe.MaxEpochs)
                    Assert.True(Math.Abs(steps - target) <= StepsPerEpoch(d, copies, c) / 2.0, $"{d.Name}: {steps} steps for {target}");
                else
                    Assert.True(c.Epochs == DefaultRecipe.MinEpochs ? steps >= target : steps <= target, $"{d.Name}: clamp at {c.Epochs} epochs");
            }
        // A transfer copy per utterance doubles an epoch, so it halves the epochs (within rounding) where nothing clamps.
        var (plain, _) = DefaultRecipe.Choose(data.Clinc150, 0);
        var (distilled, _) = DefaultRecipe.Choose(data.Clinc150, 1);
        Assert.True(distilled.Epochs < plain.Epochs);
    }

    [Fact]
    public void Max_length_is_the_shortest_multiple_of_8_that_truncates_at_most_1_percent()
    {
        foreach (var d in data.All)
        {
            var (c, _) = DefaultRecipe.Choose(d, 1);
            var tokenizer = new WordPieceTokenizer(WordPieceTrainer.Train(d.Train.Select(e => e.Text), c.VocabSize, c.MinTokenFrequency));
            var lengths = d.Train.Select(e => tokenizer.TokenizeToIds(e.Text).Length + 2).ToArray();
            double Truncated(int max) => (double)lengths.Count(l => l > max) / lengths.Length;
            Assert.Equal(0, c.MaxLength % 8);
            Assert.InRange(c.MaxLength, DefaultRecipe.MinLength, DefaultRecipe.MaxLength);
            Assert.True(Truncated(c.MaxLength) <= 0.01 || c.MaxLength == DefaultRecipe.MaxLength, $"{d.Name}: {Truncated(c.MaxLength):P2} truncated");
            if (c.MaxLength > DefaultRecipe.MinLength)
                Assert.True(Truncated(c.MaxLength - 8) > 0.01, $"{d.Name}: {c.MaxLength - 8} would do");
        }
        // Banking77's long questions need more room than SNIPS's commands.
        Assert.True(DefaultRecipe.Choose(data.Banking77, 1).Config.MaxLength > DefaultRecipe.Choose(data.Snips, 1).Config.MaxLength);
    }

    [Fact]
    public void The_vocabulary_is_capped_so_the_default_size_stays_under_a_million_parameters()
    {
        foreach (var d in data.All)
        {
            var (c, choices) = DefaultRecipe.Choose(d, 1);
            var vocab = WordPieceTrainer.Train(d.Train.Select(e => e.Text), c.VocabSize, c.MinTokenFrequency);
            Assert.True(vocab.Count <= DefaultRecipe.MaxVocabulary);
            Assert.Equal(vocab.Count.ToString(), choices.Single(x => x.Name == "vocab").Value);
            // An int8 image holds about one byte per parameter: at the cap, even 151 intents stay under 1 MB.
            var p = new AlbertParameters(c.ToAlbertConfig(DefaultRecipe.MaxVocabulary, data.Clinc150.Labels));
            Assert.True(p.ParameterCount < 900_000, $"{p.ParameterCount:N0} parameters");
        }
        // Banking77 sees fewer distinct pieces twice than the cap; SNIPS more.
        Assert.NotEqual(DefaultRecipe.MaxVocabulary.ToString(), DefaultRecipe.Choose(data.Banking77, 1).Choices.Single(x => x.Name == "vocab").Value);
        Assert.Equal(DefaultRecipe.MaxVocabulary.ToString(), DefaultRecipe.Choose(data.Snips, 1).Choices.Single(x => x.Name == "vocab").Value);
    }

    [Fact]
    public void The_rule_gives_back_the_settings_tuned_by_hand_on_snips_and_clinc150()
    {
        // The constants were chosen so: SNIPS's config had dropout 0.1 and init 0.02, CLINC150's dropout 0.05, init 0.06
        // and 20 epochs with the teacher's transfer copy (docs/results.md, "The default recipe").
        var (snips, _) = DefaultRecipe.Choose(data.Snips, 1);
        var (clinc, _) = DefaultRecipe.Choose(data.Clinc150, 1);
        Assert.Equal((0.1f, 0.1f, 0.02f), (snips.AttentionDropout, snips.TokenDropout, snips.InitializerRange));
        Assert.Equal((0.05f, 0.05f, 0.06f, 20), (clinc.AttentionDropout, clinc.TokenDropout, clinc.InitializerRange, clinc.Epochs));
        // Banking77 (held out) falls between them where it lies between them: 77 intents, few utterances each.
        var (banking, _) = DefaultRecipe.Choose(data.Banking77, 1);
        Assert.InRange(banking.InitializerRange, snips.InitializerRange, clinc.InitializerRange);
        Assert.Equal(clinc.TokenDropout, banking.TokenDropout);
    }

    [Fact]
    public void Every_choice_names_the_config_keys_it_sets_and_the_config_is_valid()
    {
        static IEnumerable<string> Keys(Type t, string prefix) => t.GetFields().Where(f => !f.IsLiteral)
            .Select(f => prefix + System.Text.Json.JsonNamingPolicy.SnakeCaseLower.ConvertName(f.Name));
        var known = Keys(typeof(TrainConfig), "").Concat(Keys(typeof(DistilConfig), "distil.")).ToHashSet();
        foreach (var d in data.All)
        {
            var (c, choices) = DefaultRecipe.Choose(d, 1);
            c.Validate();
            Assert.All(choices, x => Assert.All(x.ConfigKeys, k => Assert.Contains(k, known)));
            Assert.All(choices, x => Assert.NotEmpty(x.Reason));
        }
    }

    [Fact]
    public void Word_embeddings_freeze_below_500_utterances_per_intent_and_only_with_a_teacher()
    {
        // CLINC150 (100 per intent) and Banking77 (117) freeze them; SNIPS (1,772) trains them.
        Assert.Equal([false, true, true], data.All.Select(d => DefaultRecipe.Choose(d, 1).Config.Distil!.FreezeEmbeddings));
        var (labelsOnly, choices) = DefaultRecipe.Choose(data.Clinc150, 0, withTeacher: false);
        Assert.Null(labelsOnly.Distil);
        Assert.DoesNotContain(choices, c => c.ConfigKeys.Contains("distil.freeze_embeddings"));
        Assert.Contains(DefaultRecipe.Choose(data.Clinc150, 1).Choices, c => c.Name == "word embeddings" && c.Value == "frozen");
    }

    [Fact]
    public void A_partial_distil_override_keeps_the_recipes_other_distil_settings()
    {
        using var temp = new ModelPacker.Tests.Checkpoints.TempDirectory();
        string file = temp["t1.json"];
        File.WriteAllText(file, """{ "distil": { "temperature": 1 } }""");
        var (recipe, _) = DefaultRecipe.Choose(data.Clinc150, 1);
        Assert.Equal(DefaultRecipe.Temperature, recipe.Distil!.Temperature);
        var (merged, keys) = TrainConfig.LoadOverrides(file, recipe);
        Assert.Equal(["distil.temperature"], keys);
        Assert.Equal(1f, merged.Distil!.Temperature);
        Assert.True(merged.Distil.FreezeEmbeddings);
    }

    [Fact]
    public void A_tiny_dataset_gets_clamped_values()
    {
        using var temp = new ModelPacker.Tests.Checkpoints.TempDirectory();
        var d = DatasetLoader.Load(ModelPacker.Tests.Cli.TinyIntentData.WriteDataset(temp["data"]));
        var (c, _) = DefaultRecipe.Choose(d, 1);
        Assert.Equal(DefaultRecipe.MinLength, c.MaxLength);
        Assert.Equal(DefaultRecipe.MaxEpochs, c.Epochs); // 4 intents × 125 steps on a handful of utterances
        Assert.Equal(0.05f, c.TokenDropout);
        Assert.Equal(0.02f, c.InitializerRange);
    }
}
