using System.CommandLine;
using ModelPacker.Data;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker calibrate --image file --data path</c>: runs the image through the integer reference on the
/// validation split, prints accuracy against mean layers executed for a sweep of exit entropy thresholds, chooses the
/// per-layer thresholds, then the out-of-scope rejection rule on the answers of those exits (docs/cli.md), and writes
/// both into the image (atomically, the calibrated flag set, the test vectors' answers recomputed).
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(CliEnvironment env)
    {
        var imagePath = new Option<string>("--image") { Description = "Flash image to calibrate (rewritten in place)", Required = true, HelpName = "file" };
        var data = CommonOptions.Data("Labelled utterances whose validation split chooses the thresholds");
        var split = new Option<string>("--split") { Description = "Split to calibrate on", DefaultValueFactory = _ => "validation" };
        split.AcceptOnlyFromAmong(EvalCommand.Splits);
        var maxDrop = new Option<double>("--max-accuracy-drop") { Description = "Largest accuracy loss (percentage points) early exit may cost on that split", DefaultValueFactory = _ => 0.5 };
        var noEarlyExit = new Option<bool>("--no-early-exit")
        {
            Description = "Store thresholds that never stop early: every utterance runs all layers (rejection then acts on the last exit)",
        };
        var reject = new Option<string>("--reject")
        {
            Description = "Out-of-scope rejection by the answering exit's entropy (default; on data without out-of-scope utterances only when given), its confidence, or off",
            DefaultValueFactory = _ => "entropy",
        };
        reject.AcceptOnlyFromAmong(RejectModes);
        var maxInScopeDrop = new Option<double>("--max-in-scope-drop")
        {
            Description = "Largest in-scope accuracy loss (percentage points) the rejection threshold may cost on that split",
            DefaultValueFactory = _ => DefaultMaxInScopeDrop,
        };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("calibrate", "Choose early-exit thresholds and the out-of-scope rejection threshold on a validation split and write them into an image")
        {
            imagePath, data, split, maxDrop, noEarlyExit, reject, maxInScopeDrop, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            double drop = result.GetValue(maxDrop);
            if (drop < 0 || drop > 100) throw new UsageException("--max-accuracy-drop must be between 0 and 100");
            double inScopeDrop = result.GetValue(maxInScopeDrop);
            if (inScopeDrop < 0 || inScopeDrop > 100) throw new UsageException("--max-in-scope-drop must be between 0 and 100");
            if (result.GetValue(noEarlyExit) && result.GetResult(maxDrop) is { Implicit: false })
                throw new UsageException("--no-early-exit and --max-accuracy-drop exclude each other: without early exit there is no accuracy to trade");
            string file = result.GetValue(imagePath)!, dataPath = result.GetValue(data)!;
            var bytes = ReadImage(file);
            var content = ImageReader.Read(bytes, file).Content;
            var image = IntegerImage.FromContent(content, file);
            var dataset = DatasetLoader.Load(dataPath, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            var examples = EvalCommand.Select(dataset, result.GetValue(split)!);
            if (examples.Count == 0) throw new InvalidDataException($"{dataPath}: the {result.GetValue(split)} split has no utterances");

            var classifier = image.Classifier();
            var labelIds = image.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
            int n = examples.Count, layers = image.Model.Dims.NumLayers;
            var entropies = new int[n][];
            var correct = new bool[n][];
            var outputs = new ExitOutput[n][];
            var gold = new int[n];
            Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellation }, i =>
            {
                var exits = outputs[i] = classifier.RunAll(classifier.Encode(examples[i].Text));
                int label = gold[i] = labelIds.TryGetValue(examples[i].Label, out int id) ? id : -1;
                entropies[i] = exits.Select(e => e.EntropyQ16).ToArray();
                correct[i] = exits.Select(e => e.Predicted == label).ToArray();
            });

            var table = new Table().AddColumn(new TableColumn("threshold (nats)").RightAligned())
                .AddColumn(new TableColumn("accuracy").RightAligned()).AddColumn(new TableColumn("mean layers").RightAligned());
            foreach (var p in ThresholdSweep.SharedSweep(entropies, correct, layers).Where((_, k) => k % 4 == 0))
                table.AddRow($"{p.ThresholdsQ16[0] / 65536.0:F4}", $"{p.Accuracy:P2}", $"{p.MeanLayers:F2}");
            env.Console.Write(table);
            var full = ThresholdSweep.Evaluate(entropies, correct, new int[layers]);
            var chosen = result.GetValue(noEarlyExit) ? full : ThresholdSweep.Choose(entropies, correct, layers, drop / 100);
            env.Console.MarkupLine(Markup.Escape($"full depth: accuracy {full.Accuracy:P2}, {layers} layers; chosen: accuracy {chosen.Accuracy:P2}, " +
                                                 $"mean {chosen.MeanLayers:F2} layers; thresholds (nats) " +
                                                 string.Join(" ", chosen.ThresholdsQ16.Select(t => (t / 65536.0).ToString("F4")))));

            // the answers of the exits the device stops at with these thresholds: what rejection acts on
            var samples = Enumerable.Range(0, n).Select(i =>
            {
                var exit = outputs[i][ThresholdSweep.ExitLayer(entropies[i], chosen.ThresholdsQ16)];
                return new RejectionSample(exit.Predicted, gold[i], examples[i].Label == IntentDataset.OutOfScopeLabel,
                    exit.EntropyQ16, classifier.ConfidenceQ16(exit));
            }).ToList();
            var rejection = ChooseRejection(env, samples, result.GetValue(reject)!, result.GetResult(reject) is { Implicit: false },
                inScopeDrop / 100, image.Labels);

            var updated = new IntegerImage
            {
                Model = image.Model, Vocabulary = image.Vocabulary, Labels = image.Labels,
                TestVectors = image.TestVectorsAnswering(rejection),
                BoardId = image.BoardId, Flags = image.Flags | FlashImageFormat.FlagThresholdsCalibrated,
                ThresholdsQ16 = chosen.ThresholdsQ16, Rejection = rejection,
                MaxWordChars = image.MaxWordChars, VocabularyFlags = image.VocabularyFlags, Normalizer = image.Normalizer,
            };
            ModelPacker.IO.AtomicFile.WriteAllBytes(file, updated.Build());
            env.Console.MarkupLine(Markup.Escape($"wrote thresholds into {file}"));
            return ExitCodes.Success;
        })));
        return command;
    }

    internal static readonly string[] RejectModes = ["entropy", "confidence", "off"];
    /// <summary>Points of in-scope accuracy the rejection threshold may cost on the validation split.</summary>
    public const double DefaultMaxInScopeDrop = 1.0;

    /// <summary>Prints what a threshold of either kind does on the split and returns the rule of the asked kind
    /// (docs/cli.md: entropy by default, the better of the two on CLINC150).</summary>
    private static RejectionRule ChooseRejection(CliEnvironment env, IReadOnlyList<RejectionSample> samples, string mode, bool asked,
        double maxInScopeDrop, IReadOnlyList<string> labels)
    {
        if (mode == "off")
        {
            env.Console.MarkupLine("out-of-scope rejection: off (--reject off): the image never answers unknown");
            return RejectionRule.None;
        }
        if (!asked && !samples.Any(s => s.OutOfScope))
        {
            env.Console.MarkupLine("out-of-scope rejection: off (no out-of-scope utterances in the split to choose a threshold on; " +
                                   "--reject entropy or confidence answers unknown where in-scope accuracy allows)");
            return RejectionRule.None;
        }
        int oosLabel = labels.ToList().IndexOf(IntentDataset.OutOfScopeLabel);
        var kind = mode == "confidence" ? RejectKind.Confidence : RejectKind.Entropy;
        var never = RejectionSweep.Evaluate(samples, RejectionSweep.Never(kind, oosLabel));
        var table = new Table().AddColumn("rule").AddColumn(new TableColumn("in-scope accuracy").RightAligned())
            .AddColumn(new TableColumn("out-of-scope recall").RightAligned()).AddColumn(new TableColumn("in scope answered unknown").RightAligned());
        void Row(string name, RejectionPoint p) => table.AddRow(Markup.Escape(name), $"{p.InScopeAccuracy:P2}",
            p.OutOfScopeRecall is { } r ? $"{r:P2}" : "-", $"{p.InScopeRejectedShare:P2}");
        Row(oosLabel >= 0 ? $"no threshold (label '{IntentDataset.OutOfScopeLabel}' only)" : "no threshold", never);
        RejectionPoint chosen = null!;
        // both kinds, so that the table shows what the other would have done
        foreach (var k in new[] { RejectKind.Entropy, RejectKind.Confidence })
        {
            var p = RejectionSweep.Choose(samples, k, oosLabel, maxInScopeDrop);
            Row(p.Rule.Describe(labels) + (k == kind ? " (chosen)" : ""), p);
            if (k == kind) chosen = p;
        }
        env.Console.Write(table);
        env.Console.MarkupLine(Markup.Escape($"out-of-scope rejection: unknown when {chosen.Rule.Describe(labels)} (in-scope accuracy at most " +
                                             $"{maxInScopeDrop * 100:0.##} points below no threshold)"));
        return chosen.Rule;
    }

    private static byte[] ReadImage(string file)
    {
        try { return File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new InvalidDataException($"{file}: cannot read the image: {e.Message}"); }
    }
}
