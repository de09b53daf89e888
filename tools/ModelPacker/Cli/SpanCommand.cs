using System.CommandLine;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker span --model dir --data path --out dir [--config span.json]</c>: fine-tunes a checkpoint with one
/// learned attention span per head (soft mask, L1 penalty; docs/numerics.md "Adaptive attention span") and keeps the
/// last epoch (the penalty is what shrinks the spans, so the best validation epoch would undo it).
/// </summary>
internal static class SpanCommand
{
    /// <summary>What the command trains without --config (the file overrides these keys): 3 epochs at a tenth of
    /// training's rate, ramp 8, penalty 0.01, spans at 0.05 tokens per step. Changes and returns <paramref name="c"/>.</summary>
    public static TrainConfig Defaults(TrainConfig c)
    {
        c.Epochs = 3;
        c.LearningRate = 2e-4f;
        c.AttentionSpan = new AttentionSpanConfig();
        return c;
    }

    public static Command Create(CliEnvironment env)
    {
        var model = CommonOptions.Checkpoint();
        var data = CommonOptions.Data("The model's training data");
        var output = new Option<string>("--out") { Description = "Checkpoint directory to write", Required = true, HelpName = "dir" };
        var config = new Option<string?>("--config")
        {
            Description = "Training config overrides (e.g. {\"epochs\": 3, \"attention_span\": {\"ramp\": 8, \"penalty\": 0.01}})",
            HelpName = "file",
        };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("span", "Fine-tune a checkpoint with a learned attention span per head (EdgeBERT's adaptive span)")
        {
            model, data, output, config, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string modelDir = result.GetValue(model)!, outDir = result.GetValue(output)!;
            if (Path.GetFullPath(modelDir) == Path.GetFullPath(outDir)) throw new UsageException("--out must differ from --model");
            var checkpoint = CheckpointDirectory.Load(modelDir);
            var dataset = DatasetLoader.Load(result.GetValue(data)!, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            var trainConfigPath = Path.Combine(modelDir, TrainCommand.TrainConfigFile);
            var cfg = Defaults(File.Exists(trainConfigPath) ? TrainConfig.Load(trainConfigPath) : TrainConfig.Default);
            if (result.GetValue(config) is { } path) cfg = TrainConfig.LoadOverrides(path, cfg).Config;
            var span = cfg.AttentionSpan ?? throw new UsageException("the config must keep an attention_span section");
            var p = AttentionSpanTraining.WithSpans(checkpoint.Parameters, span.Ramp);
            var tokenizer = new WordPieceTokenizer(checkpoint.Vocabulary);
            var labelIds = p.Config.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
            var train = dataset.Train.Where(e => labelIds.ContainsKey(e.Label)).ToList();
            var val = dataset.Validation.Where(e => labelIds.ContainsKey(e.Label)).ToList();
            if (train.Count == 0) throw new InvalidDataException($"{dataset.SourcePath}: no training utterance carries one of the model's intents");
            var (trainX, trainY) = TrainingPipeline.Encode(train, tokenizer, labelIds, p.Config.MaxPositionEmbeddings);
            var (valX, valY) = TrainingPipeline.Encode(val, tokenizer, labelIds, p.Config.MaxPositionEmbeddings);
            var tuned = TrainingProgressView.Run(env, progress =>
                TrainingPipeline.Train(p, checkpoint.Vocabulary, cfg, trainX, trainY, valX, valY, progress, cancellation, keepLast: true));
            cancellation.ThrowIfCancellationRequested();
            CheckpointDirectory.Save(outDir, tuned.Parameters, tuned.Vocabulary,
                new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = tuned.TrainConfig.ToJson() + "\n" });
            var z = tuned.Parameters.AttentionSpan!.Data;
            int max = p.Config.MaxPositionEmbeddings;
            env.Out.WriteLine($"learned spans (z per head): {string.Join(", ", z.Select(v => v.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}; " +
                              $"hard spans: {string.Join(", ", z.Select(v => Model.AttentionSpanSettings.HardSpan(v, span.Ramp, max)))} of {max}; " +
                              $"validation accuracy {tuned.BestValidationAccuracy:P2} (last epoch); wrote {outDir}");
            return ExitCodes.Success;
        })));
        return command;
    }
}
