using System.CommandLine;
using System.Globalization;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Pruning;
using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker layer-drop --model dir --out dir [--data path --rate p] [--depth k] [--no-finetune] [--config overrides.json]</c>:
/// fine-tunes with LayerDrop (<see cref="LayerDropSchedule"/>: every application of the shared layer after the first
/// skipped with probability p per batch, every exit trained; 3 epochs at 2e-4 by default, the last epoch kept), then
/// writes a checkpoint of depth k (<see cref="DepthTruncation"/>: num_hidden_layers = k, exits 1..k). With
/// <c>--no-finetune</c> it only truncates (the baseline: the unchanged model applied k times).
/// </summary>
internal static class LayerDropCommand
{
    public static Command Create(CliEnvironment env)
    {
        var model = CommonOptions.Checkpoint();
        var data = CommonOptions.Data("The model's data (fine-tuning on its training split, accuracy on its validation split)");
        data.Required = false;
        var rate = new Option<float?>("--rate") { Description = "Probability that an application of the layer after the first is skipped in a batch (0 ≤ p < 1)", HelpName = "p" };
        var depth = new Option<int?>("--depth") { Description = "Depth of the checkpoint written (1 .. the model's num_hidden_layers; default: the model's)", HelpName = "k" };
        var output = new Option<string>("--out") { Description = "Checkpoint directory to write", Required = true, HelpName = "dir" };
        var noFinetune = new Option<bool>("--no-finetune") { Description = "Only truncate to --depth (no training)" };
        var config = new Option<string?>("--config") { Description = "Training config overrides of the fine-tune (e.g. {\"epochs\": 1})", HelpName = "file" };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("layer-drop", "Fine-tune with LayerDrop (Fan et al. 2019) and write a checkpoint that applies the shared layer fewer times")
        {
            model, data, rate, depth, output, noFinetune, config, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string modelDir = result.GetValue(model)!, outDir = result.GetValue(output)!;
            if (Path.GetFullPath(modelDir) == Path.GetFullPath(outDir)) throw new UsageException("--out must differ from --model");
            bool train = !result.GetValue(noFinetune);
            if (!train && result.GetValue(config) is not null) throw new UsageException("--config applies to the fine-tune; --no-finetune does not train");
            if (!train && result.GetValue(rate) is not null) throw new UsageException("--rate applies to the fine-tune; --no-finetune does not train");
            if (train && result.GetValue(rate) is null) throw new UsageException("--rate is required to fine-tune (or give --no-finetune to only truncate)");
            if (train && result.GetValue(data) is null) throw new UsageException("--data is required to fine-tune (or give --no-finetune to only truncate)");
            float p = result.GetValue(rate) ?? 0f;
            if (!(p >= 0f && p < 1f)) throw new UsageException($"--rate {p.ToString(CultureInfo.InvariantCulture)}: must be in [0, 1)");
            var checkpoint = CheckpointDirectory.Load(modelDir);
            var parameters = checkpoint.Parameters;
            int layers = parameters.Config.NumHiddenLayers, k = result.GetValue(depth) ?? layers;
            if (k < 1 || k > layers) throw new UsageException($"--depth {k}: the model applies its layer {layers} times; keep 1 to {layers}");
            if (!train && k == layers) throw new UsageException($"--depth {k} is the model's own depth: --no-finetune would copy it unchanged");
            var (cfg, ownConfig) = FineTuneConfig.Load(modelDir, result.GetValue(config));
            FineTuneSplits? splits = result.GetValue(data) is { } dataPath
                ? FineTuneSplits.Of(parameters, checkpoint.Vocabulary, DatasetLoader.Load(dataPath, CommonOptions.DatasetOptions(result, textColumn, labelColumn)))
                : null;

            string how = "truncated without fine-tuning";
            // the checkpoint's own training config (truncation) or the fine-tune's, at depth k
            TrainConfig? written = ownConfig ? TrainConfig.Load(Path.Combine(modelDir, TrainCommand.TrainConfigFile)) : null;
            if (train)
            {
                var schedule = new LayerDropSchedule(p, cfg.Seed);
                var s = splits!;
                var tuned = TrainingProgressView.Run(env, progress => TrainingPipeline.Train(parameters, checkpoint.Vocabulary, cfg, s.TrainX, s.TrainY,
                    s.ValX, s.ValY, progress, cancellation, keepLast: true, layerDrop: schedule));
                cancellation.ThrowIfCancellationRequested();
                parameters = tuned.Parameters;
                written = tuned.TrainConfig;
                how = $"fine-tuned {cfg.Epochs} epochs with LayerDrop rate {p.ToString(CultureInfo.InvariantCulture)}";
            }
            var shallow = DepthTruncation.Truncate(parameters, k);
            if (splits is { ValX.Length: > 0 })
            {
                var acc = TrainingPipeline.ExitAccuracies(new Model.AlbertModel(shallow), splits.ValX, splits.ValY);
                how += $"; validation accuracy at depth {k} by exit: {string.Join(", ", acc.Select(a => a.ToString("P2", CultureInfo.InvariantCulture)))}";
            }
            Dictionary<string, string>? extra = null;
            if (written is not null)
            {
                written.NumHiddenLayers = k;
                if (written.ExitLossWeights is { } w) written.ExitLossWeights = w[..k];
                extra = new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = written.ToJson() + "\n" };
            }
            CheckpointDirectory.Save(outDir, shallow, checkpoint.Vocabulary, extra);
            env.Out.WriteLine($"{how}; depth {k} (exits 1..{k}); wrote {outDir}");
            return ExitCodes.Success;
        })));
        return command;
    }
}
