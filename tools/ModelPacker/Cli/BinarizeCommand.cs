using System.CommandLine;
using System.Diagnostics;
using ModelPacker.Binarization;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Evaluation;
using ModelPacker.FlashImage;
using ModelPacker.Model;
using ModelPacker.Training;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker binarize --teacher dir --data path --out dir</c>: trains the fully binarized (w1a1) student of an
/// fp32 checkpoint by distillation and writes it as a checkpoint (latent fp32 weights, input binarizers, config with
/// its <c>binarization</c> section); test accuracy is the binarized model's, simulated in fp32.
/// </summary>
internal static class BinarizeCommand
{
    /// <summary>The image's binary kernels work on 32-bit words.</summary>
    private const int Word = 32;

    public static Command Create(CliEnvironment env)
    {
        var teacher = new Option<string>("--teacher") { Description = "The fp32 checkpoint directory to binarize (and distil from)", Required = true, HelpName = "dir" };
        var data = CommonOptions.Data("Training data (the teacher's)");
        var config = new Option<string?>("--config")
        {
            Description = "Training configuration JSON with a \"binarize\" section (epochs, learning rate, loss weights); default: the built-in w1a1 defaults",
            HelpName = "file",
        };
        var activation = new Option<string?>("--activation")
        {
            Description = "Input binarizer, overriding the config's: elastic (learned scale and threshold), sign, or none (full-precision layer inputs: a first step for --init, not packable)",
        };
        activation.AcceptOnlyFromAmong(BinarizationSettings.Elastic, BinarizationSettings.Sign, BinarizationSettings.None);
        var poolerInput = new Option<string?>("--pooler-input")
        {
            Description = "What the exit poolers read, overriding the config's: binary (h[CLS] binarized) or int8 (1-bit pooler weights over the int8 h[CLS])",
        };
        poolerInput.AcceptOnlyFromAmong(BinarizationSettings.PoolerBinary, BinarizationSettings.PoolerInt8);
        var init = new Option<string?>("--init")
        {
            Description = "Start the student from an earlier binarize run of the same teacher (multi-step distillation: a run with --activation none first)",
            HelpName = "dir",
        };
        var assistant = new Option<string?>("--assistant")
        {
            Description = "Distil the logits (and hidden states, DMD) from an earlier binarize run of the same teacher instead of the fp32 teacher: " +
                          "a teacher assistant, typically the --init run (multi-step distillation)",
            HelpName = "dir",
        };
        var sentenceTeacher = new Option<string?>("--sentence-teacher")
        {
            Description = "Also distil a sentence-encoder teacher (a directory written by modelpacker teacher on this data), as train --teacher does " +
                          "(settings: the config's distil section)",
            HelpName = "dir",
        };
        var cache = SentenceTeacherOptions.Cache();
        var output = new Option<string>("--out") { Description = "Checkpoint directory to write", Required = true, HelpName = "dir" };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("binarize", "Train the fully binarized (w1a1, BiBERT) model of a checkpoint by distillation")
        {
            teacher, data, config, activation, poolerInput, init, assistant, sentenceTeacher, cache, output, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string teacherDir = result.GetValue(teacher)!, outDir = result.GetValue(output)!;
            if (Path.GetFullPath(teacherDir) == Path.GetFullPath(outDir)) throw new UsageException("--out must differ from --teacher");
            TrainCommand.CheckOutput(outDir);
            var checkpoint = CheckpointDirectory.Load(teacherDir);
            foreach (var warning in checkpoint.Warnings) env.Error.WriteLine("warning: " + warning);
            CheckShape(Path.Combine(teacherDir, CheckpointDirectory.ConfigFile), checkpoint.Config);
            string? configPath = result.GetValue(config);
            var trainConfig = configPath is null ? BinarizeConfig.DefaultTrainConfig() : TrainConfig.Load(configPath);
            trainConfig.Binarize ??= new BinarizeConfig();
            if (result.GetValue(activation) is { } a) trainConfig.Binarize.ActivationBinarizer = a;
            if (result.GetValue(poolerInput) is { } pi) trainConfig.Binarize.PoolerInput = pi;
            BinarizeConfig.UseTeacherShape(trainConfig, checkpoint.Config);
            if (trainConfig.IntermediateSize > FlashImageFormat.MaxDim)
                throw new InvalidDataException($"{configPath}: binarize.ffn_width {trainConfig.Binarize.FfnWidth} makes the FFN {trainConfig.IntermediateSize} wide; an image holds at most {FlashImageFormat.MaxDim}");
            if (trainConfig.EmbeddingSize > FlashImageFormat.MaxDim)
                throw new InvalidDataException($"{configPath}: binarize.embedding_width {trainConfig.Binarize.EmbeddingWidth} makes the embedding {trainConfig.EmbeddingSize} wide; an image holds at most {FlashImageFormat.MaxDim}");
            LoadedCheckpoint? start = null;
            if (result.GetValue(init) is { } initDir)
            {
                start = CheckpointDirectory.Load(initDir);
                string initConfig = Path.Combine(initDir, CheckpointDirectory.ConfigFile);
                if (start.Config.Binarization is null) throw new InvalidDataException($"{initConfig}: --init needs a binarized checkpoint (a binarize run)");
                if (!start.Vocabulary.Tokens.SequenceEqual(checkpoint.Vocabulary.Tokens))
                    throw new InvalidDataException($"{initConfig}: --init's vocabulary differs from the teacher's");
            }
            LoadedCheckpoint? helper = null;
            if (result.GetValue(assistant) is { } assistantDir)
            {
                helper = CheckpointDirectory.Load(assistantDir);
                string assistantConfig = Path.Combine(assistantDir, CheckpointDirectory.ConfigFile);
                if (helper.Config.Binarization is null) throw new InvalidDataException($"{assistantConfig}: --assistant needs a binarized checkpoint (a binarize run)");
                if (!helper.Vocabulary.Tokens.SequenceEqual(checkpoint.Vocabulary.Tokens))
                    throw new InvalidDataException($"{assistantConfig}: --assistant's vocabulary differs from the teacher's");
                if (!helper.Config.Labels.SequenceEqual(checkpoint.Config.Labels))
                    throw new InvalidDataException($"{assistantConfig}: --assistant's intents differ from the teacher's");
            }
            string? sentenceDir = result.GetValue(sentenceTeacher);
            if (trainConfig.Distil is not null && sentenceDir is null)
                throw new UsageException($"{configPath}: the distil section needs a sentence teacher (--sentence-teacher dir)");
            var dataset = DatasetLoader.Load(result.GetValue(data)!, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            return Run(env, checkpoint, dataset, trainConfig, configPath, outDir, cancellation, start, helper, sentenceDir, result.GetValue(cache));
        })));
        return command;
    }

    private static int Run(CliEnvironment env, LoadedCheckpoint teacher, IntentDataset dataset, TrainConfig config, string? configPath,
        string outDir, CancellationToken cancellation, LoadedCheckpoint? init, LoadedCheckpoint? assistant, string? sentenceDir, string? cacheDir)
    {
        var b = config.Binarize!;
        var header = new Grid().AddColumn().AddColumn();
        header.AddRow("Data", Markup.Escape($"{dataset.Name}: {dataset.Train.Count} train, {dataset.Validation.Count} validation, {dataset.Test.Count} test utterances"));
        header.AddRow("Student", Markup.Escape($"w1a1 of the teacher (L={config.NumHiddenLayers} H={config.HiddenSize} E={config.EmbeddingSize} FFN={config.IntermediateSize}), " +
                                               $"{b.ActivationBinarizer} input binarizers, {b.PoolerInput} pooler input, Bi-Attention" +
                                               (init is null ? "" : ", started from --init")));
        header.AddRow("Loss", Markup.Escape($"CE + {b.KdWeight}·KD(T={b.KdTemperature}) + {b.HiddenWeight}·hidden MSE + {b.DmdWeight}·DMD" +
                                            (assistant is null ? "" : " from the --assistant") +
                                            (sentenceDir is null ? "" : " + sentence teacher: " + SentenceTeacherOptions.Describe(config.Distil ?? new DistilConfig()))));
        header.AddRow("Training", Markup.Escape($"{config.Epochs} epochs, batch {config.BatchSize}, learning rate {config.LearningRate}, seed {config.Seed}" +
                                                (configPath is null ? " (default config)" : $" ({configPath})")));
        env.Console.Write(header);

        var clock = Stopwatch.StartNew();
        // The sentence teacher's targets cover the training utterances the fp32 teacher's intents include, in order.
        var labels = teacher.Config.Labels;
        var distil = sentenceDir is null ? null
            : SentenceTeacherOptions.Prepare(env, sentenceDir, cacheDir, dataset.Train.Where(e => labels.Contains(e.Label)).ToList(), labels, config, cancellation);
        var trained = TrainingProgressView.Run(env, progress =>
            BinarizationPipeline.Run(teacher.Parameters, teacher.Vocabulary, dataset, config, progress, cancellation, init?.Parameters, distil, assistant?.Parameters));
        var time = clock.Elapsed;
        cancellation.ThrowIfCancellationRequested();
        CheckpointDirectory.Save(outDir, trained.Parameters, trained.Vocabulary,
            new Dictionary<string, string> { [TrainCommand.TrainConfigFile] = trained.TrainConfig.ToJson() + "\n" });
        EvaluationReport? test = dataset.Test.Count == 0 ? null
            : Evaluator.Evaluate(new CheckpointClassifier(trained.Parameters, trained.Vocabulary), dataset.Test, null, cancellation);
        TrainCommand.PrintSummary(env, trained, test, time, outDir);
        return ExitCodes.Success;
    }

    /// <summary>The w1a1 image stores rows as 32-bit words: refuse a teacher it could not hold before training.</summary>
    private static void CheckShape(string source, AlbertConfig c)
    {
        foreach (var (name, value) in new[] { ("embedding_size", c.EmbeddingSize), ("hidden_size", c.HiddenSize),
                     ("intermediate_size", c.IntermediateSize), ("head size (hidden_size / num_attention_heads)", c.HeadSize) })
            if (value % Word != 0)
                throw new InvalidDataException($"{source}: {name} {value} is not a multiple of {Word}, which the w1a1 scheme requires");
        if (c.Binarization is not null) throw new InvalidDataException($"{source}: the model is already binarized; give its fp32 teacher");
    }
}
