using System.CommandLine;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Pruning;
using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker sparsify --pattern 2:4 --model dir --data path --out dir [--one-shot] [--config overrides.json]</c>:
/// makes a checkpoint 2:4 sparse (docs/numerics.md section 3m) for <c>pack --scheme int8-2of4</c>: magnitude 2:4
/// masks recomputed during fine-tuning, then fixed (<see cref="NMSparsityFineTuning"/>), or with --one-shot the
/// magnitude masks of the checkpoint as it is, no training.
/// </summary>
internal static class SparsifyCommand
{
    /// <summary>What the fine-tune trains without --config: 3 epochs at a tenth of training's rate. Changes and returns <paramref name="c"/>.</summary>
    public static TrainConfig Defaults(TrainConfig c)
    {
        c.Epochs = 3;
        c.LearningRate = 2e-4f;
        return c;
    }

    public static Command Create(CliEnvironment env)
    {
        var pattern = new Option<string>("--pattern") { Description = "The sparsity pattern: 2:4 (2 kept weights of every 4 input columns)", Required = true };
        pattern.AcceptOnlyFromAmong("2:4");
        var model = CommonOptions.Checkpoint();
        var data = CommonOptions.Data("The model's training data");
        var output = new Option<string>("--out") { Description = "Checkpoint directory to write", Required = true, HelpName = "dir" };
        var oneShot = new Option<bool>("--one-shot") { Description = "Prune by magnitude without fine-tuning" };
        var config = new Option<string?>("--config") { Description = "Training config overrides of the fine-tune (e.g. {\"epochs\": 5})", HelpName = "file" };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("sparsify", "Make a checkpoint 2:4 sparse (magnitude masks, fine-tuned) for pack --scheme int8-2of4")
        {
            pattern, model, data, output, oneShot, config, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string modelDir = result.GetValue(model)!, outDir = result.GetValue(output)!;
            if (Path.GetFullPath(modelDir) == Path.GetFullPath(outDir)) throw new UsageException("--out must differ from --model");
            if (result.GetValue(oneShot) && result.GetValue(config) is not null) throw new UsageException("--config applies to the fine-tune; --one-shot does not train");
            var checkpoint = CheckpointDirectory.Load(modelDir);
            var p = checkpoint.Parameters;
            if (p.Config.Binarization is not null) throw new UsageException($"{Path.Combine(modelDir, "config.json")}: 2:4 sparsity applies to fp32 checkpoints; this one is binarized");
            foreach (var t in NMSparsity.SparseWeights(p))
                if (t.Cols % NMSparsity.GroupSize != 0) throw new InvalidDataException($"{modelDir}: tensor '{t.Name}' has {t.Cols} columns, not a multiple of 4");
            var dataset = DatasetLoader.Load(result.GetValue(data)!, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            var trainConfigPath = Path.Combine(modelDir, TrainCommand.TrainConfigFile);
            var cfg = Defaults(File.Exists(trainConfigPath) ? TrainConfig.Load(trainConfigPath) : TrainConfig.Default);
            if (result.GetValue(config) is { } path) cfg = TrainConfig.LoadOverrides(path, cfg).Config;
            Model.AlbertParameters sparse;
            string how;
            var extra = File.Exists(trainConfigPath) ? new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = File.ReadAllText(trainConfigPath) } : null;
            if (result.GetValue(oneShot))
            {
                NMSparsity.Prune(p);
                sparse = p;
                how = "one-shot magnitude 2:4";
            }
            else
            {
                var tuned = TrainingProgressView.Run(env, progress => NMSparsityFineTuning.Run(p, checkpoint.Vocabulary, dataset, cfg, progress, cancellation));
                cancellation.ThrowIfCancellationRequested();
                sparse = tuned.Parameters;
                extra = new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = tuned.TrainConfig.ToJson() + "\n" };
                how = $"2:4 fine-tuned {cfg.Epochs} epochs, validation accuracy {tuned.BestValidationAccuracy:P2} (last epoch)";
            }
            TwoOfFourQuantizer.RequireTwoOfFour(sparse, outDir);
            CheckpointDirectory.Save(outDir, sparse, checkpoint.Vocabulary, extra);
            env.Out.WriteLine($"{how}: every 2:4 weight keeps 2 of 4 columns; wrote {outDir}");
            return ExitCodes.Success;
        })));
        return command;
    }
}
