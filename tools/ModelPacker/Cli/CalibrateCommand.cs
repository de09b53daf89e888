using System.CommandLine;
using ModelPacker.Data;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker calibrate --image file --data path</c>: runs the image through the integer reference on the
/// validation split, prints accuracy against mean layers executed for a sweep of exit entropy thresholds, and writes
/// the chosen per-layer thresholds into the image (atomically, the calibrated flag set).
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
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("calibrate", "Choose early-exit entropy thresholds on a validation split and write them into an image")
        {
            imagePath, data, split, maxDrop, textColumn, labelColumn,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            double drop = result.GetValue(maxDrop);
            if (drop < 0 || drop > 100) throw new UsageException("--max-accuracy-drop must be between 0 and 100");
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
            Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellation }, i =>
            {
                var exits = classifier.RunAll(classifier.Encode(examples[i].Text));
                int label = labelIds.TryGetValue(examples[i].Label, out int id) ? id : -1;
                entropies[i] = exits.Select(e => e.EntropyQ16).ToArray();
                correct[i] = exits.Select(e => e.Predicted == label).ToArray();
            });

            var table = new Table().AddColumn(new TableColumn("threshold (nats)").RightAligned())
                .AddColumn(new TableColumn("accuracy").RightAligned()).AddColumn(new TableColumn("mean layers").RightAligned());
            foreach (var p in ThresholdSweep.SharedSweep(entropies, correct, layers).Where((_, k) => k % 4 == 0))
                table.AddRow($"{p.ThresholdsQ16[0] / 65536.0:F4}", $"{p.Accuracy:P2}", $"{p.MeanLayers:F2}");
            env.Console.Write(table);
            var full = ThresholdSweep.Evaluate(entropies, correct, new int[layers]);
            var chosen = ThresholdSweep.Choose(entropies, correct, layers, drop / 100);
            env.Console.MarkupLine(Markup.Escape($"full depth: accuracy {full.Accuracy:P2}, {layers} layers; chosen: accuracy {chosen.Accuracy:P2}, " +
                                                 $"mean {chosen.MeanLayers:F2} layers; thresholds (nats) " +
                                                 string.Join(" ", chosen.ThresholdsQ16.Select(t => (t / 65536.0).ToString("F4")))));

            var updated = new IntegerImage
            {
                Model = image.Model, Vocabulary = image.Vocabulary, Labels = image.Labels, TestVectors = image.TestVectors,
                BoardId = image.BoardId, Flags = image.Flags | FlashImageFormat.FlagThresholdsCalibrated,
                ThresholdsQ16 = chosen.ThresholdsQ16,
            };
            ModelPacker.IO.AtomicFile.WriteAllBytes(file, updated.Build());
            env.Console.MarkupLine(Markup.Escape($"wrote thresholds into {file}"));
            return ExitCodes.Success;
        })));
        return command;
    }

    private static byte[] ReadImage(string file)
    {
        try { return File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new InvalidDataException($"{file}: cannot read the image: {e.Message}"); }
    }
}
