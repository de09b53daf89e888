using ModelPacker.Data;
using ModelPacker.Text;

namespace ModelPacker.Training;

/// <summary>One setting the recipe chose and the measurement of the data it came from.</summary>
/// <param name="ConfigKeys">The training config's keys it sets (a config file may override them).</param>
public sealed record RecipeChoice(string Name, string Value, string Reason, params string[] ConfigKeys);

/// <summary>
/// The settings <c>modelpacker train</c> uses when no config file says otherwise, chosen from the training split
/// by one rule for every dataset (docs/cli.md, "The default recipe"). The model's shape is fixed (the default size,
/// whose int8 image stays under 1 MB); what depends on the data:
/// <list type="bullet">
/// <item>vocabulary: every word piece seen at least twice in train, at most <see cref="MaxVocabulary"/> (the
/// embedding table is most of the image);</item>
/// <item>max_length: the 99th percentile of word pieces per training utterance plus [CLS] and [SEP], rounded up to a
/// multiple of 8, within 16..64;</item>
/// <item>epochs: <see cref="StepsPerIntent"/> optimizer steps per intent (more intents need more steps before every
/// boundary is learnt), spread over the epochs one pass of train and its transfer copies takes, within
/// <see cref="MinEpochs"/>..<see cref="MaxEpochs"/>;</item>
/// <item>attention and token dropout: from the training utterances per intent, 0.05 at 100 rising by 0.04 per
/// decade to 0.1 (many examples per intent tolerate more noise; few need every word);</item>
/// <item>initializer_range: from the number of intents, 0.02 at 7 rising with log(intents) to 0.06 at 151 (a wide
/// classifier over a narrow init sits on a long plateau).</item>
/// <item>with a teacher, frozen word embeddings (distil.freeze_embeddings): below <see cref="FreezeBelowPerIntent"/>
/// training utterances per intent the encoder's embeddings generalise better than what so few examples teach; above
/// it the data teaches better ones. The soft labels' <see cref="Temperature"/> is the same for every dataset.</item>
/// </list>
/// The constants were chosen on SNIPS and CLINC150 (docs/results.md, "The default recipe").
/// </summary>
public static class DefaultRecipe
{
    public const int MaxVocabulary = 5000;
    public const int StepsPerIntent = 125;
    public const int MinEpochs = 4, MaxEpochs = 30;
    public const double LengthPercentile = 0.99;
    public const int MinLength = 16, MaxLength = 64;
    /// <summary>Between CLINC150's 100 utterances per intent (frozen: +0.8 to +0.9 point in scope) and SNIPS's 1,772
    /// (frozen: −0.3 to −0.9 point), near their geometric mean (421).</summary>
    public const int FreezeBelowPerIntent = 500;
    /// <summary>The soft labels' temperature: 2 validated best of 1, 2 and 4 on CLINC150 (frozen embeddings) and better
    /// than 1 on SNIPS (docs/results.md, "Frozen word embeddings").</summary>
    public const float Temperature = 2f;

    /// <summary>The recipe's config for <paramref name="data"/> (a teacher is assumed: its transfer copies count in
    /// the steps of an epoch when <paramref name="transferCopies"/> is above 0), and why each value was chosen.</summary>
    public static (TrainConfig Config, IReadOnlyList<RecipeChoice> Choices) Choose(IntentDataset data, int transferCopies, bool withTeacher = true) =>
        Choose(data, transferCopies, out _, withTeacher);

    /// <summary>As above; <paramref name="vocabulary"/> is the one the chosen config trains
    /// (<see cref="TrainingPipeline.BuildVocabulary"/> gives the same while vocab_size and min_token_frequency stay).</summary>
    /// <param name="withTeacher">False for labels-only training: the config then has no distil section.</param>
    public static (TrainConfig Config, IReadOnlyList<RecipeChoice> Choices) Choose(IntentDataset data, int transferCopies, out Vocabulary vocabulary,
        bool withTeacher = true)
    {
        if (data.Train.Count == 0) throw new InvalidDataException($"{data.SourcePath}: no training utterances");
        var config = new TrainConfig();
        var choices = new List<RecipeChoice>();
        var texts = data.Train.Select(e => e.Text).ToList();
        int intents = data.Labels.Length;
        double perIntent = (double)data.Train.Count / intents;

        // Vocabulary: the trainer keeps pieces seen min_token_frequency times; the cap bounds the image.
        config.VocabSize = MaxVocabulary;
        var vocab = TrainingPipeline.BuildVocabulary(data, config); // the one train reuses while the config keeps its size and frequency
        choices.Add(new("vocab", $"{vocab.Count}", vocab.Count < MaxVocabulary
            ? $"from every piece seen ≥ {config.MinTokenFrequency} times in {texts.Count:N0} utterances"
            : $"the cap: more pieces are seen ≥ {config.MinTokenFrequency} times in {texts.Count:N0} utterances", "vocab_size"));

        var tokenizer = new WordPieceTokenizer(vocab);
        var lengths = texts.Select(t => tokenizer.TokenizeToIds(t).Length + 2).Order().ToArray();
        int p = lengths[Math.Min(lengths.Length - 1, (int)Math.Ceiling(LengthPercentile * lengths.Length) - 1)];
        config.MaxLength = Math.Clamp((p + 7) / 8 * 8, MinLength, MaxLength);
        int truncated = lengths.Count(l => l > config.MaxLength);
        choices.Add(new("max_length", $"{config.MaxLength}",
            $"from the 99th percentile, {p} pieces with [CLS] [SEP]; {truncated:N0} of {texts.Count:N0} truncated", "max_length"));

        int stepsPerEpoch = (int)Math.Ceiling((double)texts.Count * (1 + transferCopies) / config.BatchSize);
        int targetSteps = StepsPerIntent * intents;
        config.Epochs = Math.Clamp((int)Math.Round((double)targetSteps / stepsPerEpoch), MinEpochs, MaxEpochs);
        choices.Add(new("epochs", $"{config.Epochs}",
            $"from {StepsPerIntent} steps × {intents} intents = {targetSteps:N0} steps at {stepsPerEpoch:N0} per epoch" +
            (transferCopies > 0 ? $" (train + {transferCopies} transfer cop{(transferCopies == 1 ? "y" : "ies")})" : "") +
            $", within {MinEpochs}..{MaxEpochs}", "epochs"));

        float dropout = Round(Math.Clamp(0.05 + 0.04 * Math.Log10(perIntent / 100), 0.05, 0.1), 0.01);
        config.AttentionDropout = dropout;
        config.TokenDropout = dropout;
        choices.Add(new("attention/token dropout", $"{dropout:0.00}", $"from {perIntent:N0} training utterances per intent", "attention_dropout", "token_dropout"));

        float init = Round(Math.Clamp(0.02 + 0.04 * Math.Log(intents / 7.0) / Math.Log(151 / 7.0), 0.02, 0.06), 0.005);
        config.InitializerRange = init;
        choices.Add(new("initializer_range", $"{init:0.000}", $"from {intents} intents", "initializer_range"));

        if (withTeacher)
        {
            bool freeze = perIntent < FreezeBelowPerIntent;
            config.Distil = new DistilConfig { FreezeEmbeddings = freeze, Temperature = Temperature };
            choices.Add(new("word embeddings", freeze ? "frozen" : "trained",
                $"{perIntent:N0} training utterances per intent, {(freeze ? "under" : "at least")} {FreezeBelowPerIntent}", "distil.freeze_embeddings"));
        }
        config.Validate("the default recipe");
        vocabulary = vocab;
        return (config, choices);
    }

    private static float Round(double value, double step) => (float)(Math.Round(value / step) * step);
}
