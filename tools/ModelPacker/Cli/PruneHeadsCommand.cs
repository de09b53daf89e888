using System.CommandLine;
using System.Globalization;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Pruning;
using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker prune-heads --model dir --data path --heads k --out dir [--no-finetune] [--config overrides.json]</c>:
/// scores every attention head by E|∂L/∂ξ_h| on the validation split (<see cref="HeadImportance"/>), prunes the k least
/// important (<see cref="HeadPruning"/>), fine-tunes with them held at 0 (3 epochs at 2e-4 by default; the last epoch is
/// kept) and writes a checkpoint whose attention spans are 0 for the pruned heads, which <c>pack</c> puts in the image's
/// ATTENTION_SPAN section and the runtime skips.
/// </summary>
internal static class PruneHeadsCommand
{
    public static Command Create(CliEnvironment env)
    {
        var model = CommonOptions.Checkpoint();
        var data = CommonOptions.Data("The model's data (importance on its validation split, fine-tuning on its training split)");
        var heads = new Option<int>("--heads") { Description = "How many heads to prune (1 .. num_heads - 1)", Required = true, HelpName = "k" };
        var output = new Option<string>("--out") { Description = "Checkpoint directory to write", Required = true, HelpName = "dir" };
        var noFinetune = new Option<bool>("--no-finetune") { Description = "Prune without fine-tuning" };
        var config = new Option<string?>("--config") { Description = "Training config overrides of the fine-tune (e.g. {\"epochs\": 5})", HelpName = "file" };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("prune-heads", "Prune the least important attention heads (Michel et al. 2019) and fine-tune; the image skips them")
        {
            model, data, heads, output, noFinetune, config, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string modelDir = result.GetValue(model)!, outDir = result.GetValue(output)!;
            if (Path.GetFullPath(modelDir) == Path.GetFullPath(outDir)) throw new UsageException("--out must differ from --model");
            if (result.GetValue(noFinetune) && result.GetValue(config) is not null) throw new UsageException("--config applies to the fine-tune; --no-finetune does not train");
            var checkpoint = CheckpointDirectory.Load(modelDir);
            var p = checkpoint.Parameters;
            int k = result.GetValue(heads), total = p.Config.NumAttentionHeads;
            if (k < 1 || k >= total) throw new UsageException($"--heads {k}: the model has {total} heads; prune 1 to {total - 1}");
            if (p.Config.Binarization is not null) throw new UsageException($"{Path.Combine(modelDir, "config.json")}: head pruning applies to fp32 (softmax) checkpoints; this one is binarized");
            if (p.AttentionSpan is not null) throw new UsageException($"{Path.Combine(modelDir, "config.json")}: the checkpoint already has attention spans; prune the heads of one without");
            var dataset = DatasetLoader.Load(result.GetValue(data)!, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            var trainConfigPath = Path.Combine(modelDir, TrainCommand.TrainConfigFile);
            var cfg = SparsifyCommand.Defaults(File.Exists(trainConfigPath) ? TrainConfig.Load(trainConfigPath) : TrainConfig.Default);
            if (result.GetValue(config) is { } path) cfg = TrainConfig.LoadOverrides(path, cfg).Config;

            var (trainX, trainY, valX, valY) = FineTuneSplits.Of(p, checkpoint.Vocabulary, dataset);
            var (impX, impY) = valX.Length > 0 ? (valX, valY) : (trainX, trainY);
            var importance = HeadImportance.Estimate(p, impX, impY, cfg.ResolvedExitLossWeights());
            var pruned = HeadImportance.LeastImportant(importance, k);
            env.Out.WriteLine($"head importance E|dL/dxi_h| on {impX.Length} {(valX.Length > 0 ? "validation" : "training")} utterances: " +
                              string.Join(", ", importance.Select((v, h) => $"head {h} {v.ToString("G4", CultureInfo.InvariantCulture)}")) +
                              $"; pruning head{(k > 1 ? "s" : "")} {string.Join(", ", pruned)}");
            HeadPruning.Zero(p, pruned);
            var extra = File.Exists(trainConfigPath) ? new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = File.ReadAllText(trainConfigPath) } : null;
            string how = "pruned without fine-tuning";
            if (!result.GetValue(noFinetune))
            {
                var tuned = TrainingProgressView.Run(env, progress => TrainingPipeline.Train(p, checkpoint.Vocabulary, cfg, trainX, trainY, valX, valY,
                    progress, cancellation, new HeadPruningTransform(p, pruned), keepLast: true));
                cancellation.ThrowIfCancellationRequested();
                p = tuned.Parameters;
                HeadPruning.Zero(p, pruned);
                extra = new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = tuned.TrainConfig.ToJson() + "\n" };
                how = $"fine-tuned {cfg.Epochs} epochs, validation accuracy {tuned.BestValidationAccuracy:P2} (last epoch)";
            }
            CheckpointDirectory.Save(outDir, HeadPruning.WithPrunedSpans(p, pruned), checkpoint.Vocabulary, extra);
            env.Out.WriteLine($"{how}; attention spans 0 for the pruned heads; wrote {outDir}");
            return ExitCodes.Success;
        })));
        return command;
    }
}
