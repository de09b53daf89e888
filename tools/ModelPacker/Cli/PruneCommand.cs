using System.CommandLine;
using System.Globalization;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Pruning;
using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker prune --model dir --data path --method magnitude|movement --sparsity s [--block 1|4|4x4] --out dir
/// [--config overrides.json]</c>: fine-tunes a checkpoint while pruning its encoder and pooler weights to sparsity s
/// (per tensor, in blocks of 1, 4 or 4x4; docs/cli.md) and writes the pruned fp32 checkpoint for <c>pack --scheme int8-sparse</c>.
/// </summary>
internal static class PruneCommand
{
    /// <summary>What the command trains without --config: 10 epochs at half of training's default rate (the cubic
    /// schedule prunes from 10 % to 70 % of the steps, the rest recovers).</summary>
    public static TrainConfig Defaults(TrainConfig c)
    {
        c.Epochs = 10;
        c.LearningRate = 1e-3f;
        return c;
    }

    public static Command Create(CliEnvironment env)
    {
        var model = CommonOptions.Checkpoint();
        var data = CommonOptions.Data("The model's training data");
        var output = new Option<string>("--out") { Description = "Checkpoint directory to write", Required = true, HelpName = "dir" };
        var method = new Option<string>("--method") { Description = "magnitude (gradual magnitude pruning) or movement (learned scores, Sanh et al. 2020)", Required = true };
        method.AcceptOnlyFromAmong("magnitude", "movement");
        var sparsity = new Option<double>("--sparsity") { Description = "Share of each pruned tensor's weights set to 0, in [0, 1) (e.g. 0.7)", Required = true };
        var block = new Option<string>("--block") { Description = "Prune blocks of 1 (unstructured), 4 consecutive weights of a row, or 4x4 (4 rows x 4 columns)", DefaultValueFactory = _ => "1" };
        block.AcceptOnlyFromAmong("1", "4", "4x4");
        var config = new Option<string?>("--config") { Description = "Training config overrides (e.g. {\"epochs\": 10, \"learning_rate\": 0.001})", HelpName = "file" };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("prune", "Fine-tune a checkpoint while pruning its encoder and pooler weights (magnitude or movement) for pack --scheme int8-sparse")
        {
            model, data, output, method, sparsity, block, config, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string modelDir = result.GetValue(model)!, outDir = result.GetValue(output)!;
            if (Path.GetFullPath(modelDir) == Path.GetFullPath(outDir)) throw new UsageException("--out must differ from --model");
            double s = result.GetValue(sparsity);
            if (!(s >= 0 && s < 1)) throw new UsageException($"--sparsity {s.ToString(CultureInfo.InvariantCulture)} is not a share in [0, 1)");
            var settings = new PruningSettings(result.GetValue(method) == "movement" ? PruningMethod.Movement : PruningMethod.Magnitude, s, BlockShape.Parse(result.GetValue(block)!));
            var checkpoint = CheckpointDirectory.Load(modelDir);
            if (checkpoint.Parameters.Config.Binarization is not null)
                throw new UsageException($"{Path.Combine(modelDir, "config.json")}: a binarized checkpoint cannot be pruned for int8-sparse; prune the fp32 one");
            var dataset = DatasetLoader.Load(result.GetValue(data)!, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            var trainConfigPath = Path.Combine(modelDir, TrainCommand.TrainConfigFile);
            var cfg = Defaults(File.Exists(trainConfigPath) ? TrainConfig.Load(trainConfigPath) : TrainConfig.Default);
            if (result.GetValue(config) is { } path) cfg = TrainConfig.LoadOverrides(path, cfg).Config;
            var p = TrainingPipeline.Clone(checkpoint.Parameters);
            var (tuned, acc) = TrainingProgressView.Run(env, progress =>
                PruningFineTuning.Run(p, checkpoint.Vocabulary, dataset, cfg, settings, progress, cancellation));
            cancellation.ThrowIfCancellationRequested();
            CheckpointDirectory.Save(outDir, tuned.Parameters, tuned.Vocabulary,
                new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = tuned.TrainConfig.ToJson() + "\n" });
            var per = PruningFineTuning.Sparsities(tuned.Parameters, settings.Block);
            env.Out.WriteLine($"{settings.Method.ToString().ToLowerInvariant()} pruning to {s:P0} in blocks of {settings.Block}: " +
                              $"per tensor {per.Min(x => x.Sparsity):P2} to {per.Max(x => x.Sparsity):P2} of blocks zero; " +
                              $"validation accuracy {acc:P2} (last epoch, pruned); wrote {outDir}");
            return ExitCodes.Success;
        })));
        return command;
    }
}
