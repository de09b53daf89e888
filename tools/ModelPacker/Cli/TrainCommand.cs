using System.CommandLine;
using System.Diagnostics;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Distilling;
using ModelPacker.Evaluation;
using ModelPacker.Teacher;
using ModelPacker.Training;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker train --data path --out dir</c>: learns the WordPiece vocabulary and the ALBERT, keeps the epoch
/// best on validation, writes the checkpoint directory atomically and reports test accuracy.
/// </summary>
internal static class TrainCommand
{
    /// <summary>The training config is kept next to the weights so a checkpoint says how it was made.</summary>
    public const string TrainConfigFile = "train_config.json";

    public static Command Create(CliEnvironment env)
    {
        var data = CommonOptions.Data("Training data");
        var config = new Option<string?>("--config")
        {
            Description = "Overrides of the default recipe (JSON: only the keys it sets change, e.g. {\"epochs\": 30}); default: the recipe's values, chosen from the data",
            HelpName = "file",
        };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var output = new Option<string>("--out")
        {
            Description = "Checkpoint directory to write (an existing checkpoint there is replaced once training succeeds)",
            Required = true,
            HelpName = "dir",
        };
        var teacher = new Option<string?>("--teacher")
        {
            Description = "The sentence-encoder teacher to distil (a directory written by modelpacker teacher on this data): its soft labels, " +
                          "its sentence embeddings and a transfer set it labels (settings: the config's distil section). " +
                          "Default: the teacher fitted on this data in the cache, fitted there first if missing; 'none': labels only",
            HelpName = "dir",
        };
        var cache = SentenceTeacherOptions.Cache();
        var command = new Command("train", "Train an intent classifier and write a checkpoint directory")
        {
            data, config, teacher, cache, textColumn, labelColumn, output,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
            Run(env, result.GetValue(data)!, result.GetValue(config), CommonOptions.DatasetOptions(result, textColumn, labelColumn),
                result.GetValue(output)!, result.GetValue(teacher), result.GetValue(cache), cancellation))));
        return command;
    }

    /// <summary>The <c>--teacher</c> value that trains on the labels alone.</summary>
    public const string NoTeacher = "none";

    private static int Run(CliEnvironment env, string dataPath, string? configPath, DatasetOptions datasetOptions, string outDir,
        string? teacherDir, string? cacheDir, CancellationToken cancellation)
    {
        // Fail before hours of training, not after.
        CheckOutput(outDir);
        bool withTeacher = teacherDir != NoTeacher;
        // A bad file fails before the data is read; its transfer copies (if it sets them) count in the recipe's epochs.
        var fileConfig = configPath is null ? null : TrainConfig.Load(configPath);
        int transferCopies = withTeacher ? (fileConfig?.Distil ?? new DistilConfig()).TransferCopies : 0;
        var dataset = DatasetLoader.Load(dataPath, datasetOptions);
        if (dataset.Train.Count == 0) throw new InvalidDataException($"{dataPath}: no training utterances");

        var clock = Stopwatch.StartNew();
        var (trainConfig, choices) = DefaultRecipe.Choose(dataset, transferCopies, out var recipeVocabulary, withTeacher);
        var recipeConfig = trainConfig;
        IReadOnlyList<string> overridden = [];
        if (configPath is not null) (trainConfig, overridden) = TrainConfig.LoadOverrides(configPath, trainConfig);
        if (trainConfig.Distil is not null && !withTeacher)
            throw new UsageException($"{configPath}: the distil section needs a teacher (not --teacher {NoTeacher})");

        var header = new Grid().AddColumn().AddColumn();
        header.AddRow("Data", Markup.Escape($"{dataset.Name}: {dataset.Train.Count} train, {dataset.Validation.Count} validation, " +
                                            $"{dataset.Test.Count} test utterances, {dataset.Labels.Length} intents"));
        for (int i = 0; i < choices.Count; i++)
        {
            var c = choices[i];
            bool over = c.ConfigKeys.Any(overridden.Contains);
            header.AddRow(i == 0 ? "Recipe" : "", Markup.Escape($"{c.Name} {c.Value} ({c.Reason})" + (over ? " — overridden" : "")));
        }
        if (overridden.Count > 0) header.AddRow("Overrides", Markup.Escape($"{string.Join(", ", overridden)} ({configPath})"));
        header.AddRow("Model", Markup.Escape($"ALBERT L={trainConfig.NumHiddenLayers} H={trainConfig.HiddenSize} E={trainConfig.EmbeddingSize} " +
                                             $"heads={trainConfig.NumAttentionHeads} FFN={trainConfig.IntermediateSize} max length {trainConfig.MaxLength}, " +
                                             $"vocabulary up to {trainConfig.VocabSize}"));
        header.AddRow("Training", Markup.Escape($"{trainConfig.Epochs} epochs, batch {trainConfig.BatchSize}, seed {trainConfig.Seed}, " +
                                                $"dropout {trainConfig.HiddenDropout}/{trainConfig.AttentionDropout}/{trainConfig.TokenDropout} " +
                                                $"(hidden/attention/token), init {trainConfig.InitializerRange}"));
        header.AddRow("Distillation", Markup.Escape(withTeacher ? "CE + " + SentenceTeacherOptions.Describe(trainConfig.Distil ?? new DistilConfig(), fromScratch: true)
            : $"none (--teacher {NoTeacher}): labels only"));
        env.Console.Write(header);

        // The recipe has trained the vocabulary already; only a config that changes its size or frequency trains another.
        var vocabulary = trainConfig.VocabSize == recipeConfig.VocabSize && trainConfig.MinTokenFrequency == recipeConfig.MinTokenFrequency
            ? recipeVocabulary : TrainingPipeline.BuildVocabulary(dataset, trainConfig);
        DistilSet? distil = null;
        if (withTeacher)
        {
            string cache = cacheDir ?? TeacherCache.DefaultDirectory();
            var encoder = new MiniLmEmbedder();
            string dir = teacherDir ?? CachedTeacher.Ensure(env, dataset, cache, encoder, cancellation);
            distil = SentenceTeacherOptions.Prepare(env, dir, cache, dataset.Train, dataset.Labels, trainConfig, encoder, cancellation, vocabulary);
        }
        var trained = TrainingProgressView.Run(env, progress => TrainingPipeline.Run(dataset, trainConfig, progress, cancellation, distil, vocabulary));
        var trainingTime = clock.Elapsed;
        cancellation.ThrowIfCancellationRequested();

        CheckpointDirectory.Save(outDir, trained.Parameters, trained.Vocabulary,
            new Dictionary<string, string> { [TrainConfigFile] = trained.TrainConfig.ToJson() + "\n" });

        EvaluationReport? test = dataset.Test.Count == 0 ? null
            : Evaluator.Evaluate(new CheckpointClassifier(trained.Parameters, trained.Vocabulary), dataset.Test, null, cancellation);
        PrintSummary(env, trained, test, trainingTime, outDir);
        return ExitCodes.Success;
    }

    internal static void CheckOutput(string outDir)
    {
        if (File.Exists(outDir)) throw new IOException($"{outDir}: exists and is a file, not a directory");
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !CheckpointDirectory.IsCheckpoint(outDir))
            throw new IOException($"{outDir}: exists and is not a checkpoint directory; refusing to replace it (choose another output directory)");
    }

    internal static void PrintSummary(CliEnvironment env, TrainedModel trained, EvaluationReport? test, TimeSpan time, string outDir)
    {
        if (trained.History.Count > 0)
        {
            env.Console.MarkupLine("[bold]Epochs[/] (* = kept: best on validation)");
            var epochs = new Table().AddColumn("epoch").AddColumn(new TableColumn("loss").RightAligned())
                .AddColumn(new TableColumn("train acc").RightAligned()).AddColumn(new TableColumn("val acc").RightAligned())
                .AddColumn(new TableColumn("time").RightAligned());
            foreach (var e in trained.History)
                epochs.AddRow(e.Epoch.ToString() + (e.Epoch == trained.BestEpoch ? " *" : ""), $"{e.Loss:F4}", $"{e.TrainAccuracy:P2}",
                    $"{e.ValidationAccuracy:P2}", TrainingProgressView.Clock(e.Elapsed));
            env.Console.Write(epochs);
        }

        var summary = new Grid().AddColumn().AddColumn();
        summary.AddRow("Parameters", $"{trained.Parameters.ParameterCount:N0} (vocabulary {trained.Vocabulary.Count} tokens, {trained.Config.NumLabels} intents)");
        summary.AddRow("Best epoch", $"{trained.BestEpoch} (validation accuracy {trained.BestValidationAccuracy:P2})");
        if (test is not null)
        {
            summary.AddRow("Test accuracy", $"[bold]{test.Accuracy:P2}[/] ({test.Final.Correct}/{test.Count}), macro-F1 {test.MacroF1:P2}");
            if (test.Final.InScopeAccuracy is { } inScope) summary.AddRow("In-scope accuracy", $"[bold]{inScope:P2}[/]");
            if (test.Final.OutOfScopeRecall is { } oos) summary.AddRow("Out-of-scope recall", $"{oos:P2}");
            summary.AddRow("Exit accuracy", string.Join("  ", test.PerExitAccuracy.Select((a, l) => $"L{l + 1} {a:P1}")));
        }
        summary.AddRow("Training time", TrainingProgressView.Clock(time));
        summary.AddRow("Checkpoint", Markup.Escape(Path.GetFullPath(outDir)));
        env.Console.Write(summary);
    }
}
