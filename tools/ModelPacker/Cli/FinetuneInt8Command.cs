using System.CommandLine;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Quantization;
using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker finetune-int8 --model dir --data path --out dir [--epochs N] [--learning-rate r]</c>: int8
/// quantization-aware fine-tuning (fake-quantized forward with the packer's rules, straight-through gradients).
/// </summary>
internal static class FinetuneInt8Command
{
    public static Command Create(CliEnvironment env)
    {
        var model = CommonOptions.Checkpoint();
        var data = CommonOptions.Data("The model's training data");
        var output = new Option<string>("--out") { Description = "Checkpoint directory to write", Required = true, HelpName = "dir" };
        var epochs = new Option<int>("--epochs") { Description = "Fine-tuning epochs", DefaultValueFactory = _ => 1 };
        var lr = new Option<float>("--learning-rate") { Description = "Peak learning rate (a tenth of training's is typical)", DefaultValueFactory = _ => 2e-4f };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("finetune-int8", "Quantization-aware fine-tuning of a checkpoint for the int8 scheme")
        {
            model, data, output, epochs, lr, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            int n = result.GetValue(epochs);
            float rate = result.GetValue(lr);
            if (n < 1) throw new UsageException("--epochs must be at least 1");
            if (!(rate > 0)) throw new UsageException("--learning-rate must be positive");
            string modelDir = result.GetValue(model)!, outDir = result.GetValue(output)!;
            if (Path.GetFullPath(modelDir) == Path.GetFullPath(outDir)) throw new UsageException("--out must differ from --model");
            var checkpoint = CheckpointDirectory.Load(modelDir);
            var dataset = DatasetLoader.Load(result.GetValue(data)!, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            var trainConfigPath = Path.Combine(modelDir, TrainCommand.TrainConfigFile);
            var config = File.Exists(trainConfigPath) ? TrainConfig.Load(trainConfigPath) : TrainConfig.Default;
            config.Epochs = n;
            config.LearningRate = rate;
            var tuned = TrainingProgressView.Run(env, progress =>
                QuantizationAwareFineTuning.Run(checkpoint.Parameters, checkpoint.Vocabulary, dataset, config, progress, cancellation));
            cancellation.ThrowIfCancellationRequested();
            CheckpointDirectory.Save(outDir, tuned.Parameters, tuned.Vocabulary,
                new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = tuned.TrainConfig.ToJson() + "\n" });
            env.Out.WriteLine($"fine-tuned {n} epoch(s) with int8 fake quantization; best epoch {tuned.BestEpoch}, " +
                              $"fake-quantized validation accuracy {tuned.BestValidationAccuracy:P2}; wrote {outDir}");
            return ExitCodes.Success;
        })));
        return command;
    }
}
