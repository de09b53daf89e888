using System.CommandLine;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Quantization;
using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker finetune-int8 --model dir --data path --out dir [--epochs N] [--learning-rate r] [--scheme int8|int4|ipq
/// [--noise-rate p] [--block-size b] [--int4-clip max|mse] [--ipq-codes K]]</c>: quantization-aware fine-tuning (fake-quantized forward
/// with the packer's rules, straight-through gradients); for scheme int4 with Quant-Noise (docs/cli.md).
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
        var scheme = new Option<string>("--scheme") { Description = "The scheme to fine-tune for: int8, or int4 or ipq with Quant-Noise", DefaultValueFactory = _ => "int8" };
        scheme.AcceptOnlyFromAmong("int8", "int4", "ipq");
        var noiseRate = new Option<double?>("--noise-rate") { Description = "Schemes int4 and ipq: share of weight blocks fake-quantized each step (1 = plain QAT, 0 = no noise; default 0.1)" };
        var blockSize = new Option<int?>("--block-size") { Description = $"Schemes int4 and ipq: weights per noise block, a run within a row (default {QuantNoiseSettings.DefaultBlockSize}); for ipq the codeword size d, pack with the same --ipq-block" };
        var int4Clip = new Option<string?>("--int4-clip") { Description = "Scheme int4: per-row scale from max|w| (max) or the least-squared-error clip (mse, the default); pack with the same" };
        int4Clip.AcceptOnlyFromAmong("max", "mse");
        var ipqCodes = new Option<int?>("--ipq-codes") { Description = $"Scheme ipq: codewords per tensor, 1..256 (default {IpqSettings.DefaultCodes}); pack with the same", HelpName = "K" };
        var command = new Command("finetune-int8", "Quantization-aware fine-tuning of a checkpoint for the int8 scheme (or int4 or ipq with Quant-Noise)")
        {
            model, data, output, epochs, lr, textColumn, labelColumn, scheme, noiseRate, blockSize, int4Clip, ipqCodes,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            int n = result.GetValue(epochs);
            float rate = result.GetValue(lr);
            if (n < 1) throw new UsageException("--epochs must be at least 1");
            if (!(rate > 0)) throw new UsageException("--learning-rate must be positive");
            bool isIpq = result.GetValue(scheme) == "ipq";
            var ipq = IpqNoise(isIpq, result.GetValue(noiseRate), result.GetValue(blockSize), result.GetValue(ipqCodes), result.GetValue(int4Clip));
            var int4 = isIpq ? null : Int4Settings(result.GetValue(scheme)!, result.GetValue(noiseRate), result.GetValue(blockSize), result.GetValue(int4Clip));
            string modelDir = result.GetValue(model)!, outDir = result.GetValue(output)!;
            if (Path.GetFullPath(modelDir) == Path.GetFullPath(outDir)) throw new UsageException("--out must differ from --model");
            var checkpoint = CheckpointDirectory.Load(modelDir);
            var dataset = DatasetLoader.Load(result.GetValue(data)!, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            var trainConfigPath = Path.Combine(modelDir, TrainCommand.TrainConfigFile);
            var config = File.Exists(trainConfigPath) ? TrainConfig.Load(trainConfigPath) : TrainConfig.Default;
            config.Epochs = n;
            config.LearningRate = rate;
            var tuned = TrainingProgressView.Run(env, progress =>
                QuantizationAwareFineTuning.Run(checkpoint.Parameters, checkpoint.Vocabulary, dataset, config, progress, cancellation, int4, ipq));
            cancellation.ThrowIfCancellationRequested();
            CheckpointDirectory.Save(outDir, tuned.Parameters, tuned.Vocabulary,
                new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = tuned.TrainConfig.ToJson() + "\n" });
            env.Out.WriteLine($"fine-tuned {n} epoch(s) with {(ipq is null ? Describe(int4) : Describe(ipq))}; best epoch {tuned.BestEpoch}, " +
                              $"fake-quantized validation accuracy {tuned.BestValidationAccuracy:P2}; wrote {outDir}");
            return ExitCodes.Success;
        })));
        return command;
    }

    /// <summary>The Quant-Noise settings for --scheme int4 (null for int8); the noise options are refused with int8.</summary>
    private static QuantNoiseSettings? Int4Settings(string scheme, double? rate, int? block, string? clip)
    {
        if (scheme != "int4")
        {
            if (rate is not null || block is not null || clip is not null)
                throw new UsageException("--noise-rate, --block-size and --int4-clip apply to --scheme int4 only");
            return null;
        }
        double p = rate ?? 0.1;
        int b = block ?? QuantNoiseSettings.DefaultBlockSize;
        if (!(p >= 0 && p <= 1)) throw new UsageException($"--noise-rate {p}: a share of blocks, 0 to 1");
        if (b < 1) throw new UsageException($"--block-size {b}: at least 1 weight");
        return new QuantNoiseSettings(p, b, clip == "max" ? Int4Clip.Max : clip == "mse" ? Int4Clip.Mse : Int4Quantizer.DefaultClip);
    }

    /// <summary>The Quant-Noise settings for --scheme ipq (null otherwise; --ipq-codes is refused with another scheme).</summary>
    private static IpqNoiseSettings? IpqNoise(bool ipq, double? rate, int? block, int? codes, string? clip)
    {
        if (!ipq)
        {
            if (codes is not null) throw new UsageException("--ipq-codes applies to --scheme ipq only");
            return null;
        }
        if (clip is not null) throw new UsageException("--int4-clip applies to --scheme int4 only");
        double p = rate ?? IpqNoiseSettings.DefaultRate;
        int d = block ?? IpqSettings.DefaultBlock, k = codes ?? IpqSettings.DefaultCodes;
        if (!(p >= 0 && p <= 1)) throw new UsageException($"--noise-rate {p}: a share of blocks, 0 to 1");
        if (d is < 1 or > ModelPacker.Encodings.IpqEncoding.MaxBlock) throw new UsageException($"--block-size {d}: scheme ipq's codewords are 1 to {ModelPacker.Encodings.IpqEncoding.MaxBlock} weights");
        if (k is < 1 or > ModelPacker.Encodings.IpqEncoding.MaxCodes) throw new UsageException($"--ipq-codes {k}: 1 to {ModelPacker.Encodings.IpqEncoding.MaxCodes} codewords (8-bit indices)");
        return new IpqNoiseSettings(p, new IpqSettings(k, d));
    }

    private static string Describe(IpqNoiseSettings s) => $"ipq Quant-Noise (rate {s.Rate}, {s.Codebook.Codes} codewords of {s.Codebook.Block})";

    private static string Describe(QuantNoiseSettings? s) => s is null ? "int8 fake quantization"
        : $"int4 Quant-Noise (rate {s.Rate}, block {s.BlockSize}, clip {s.Clip.ToString().ToLowerInvariant()})";
}
