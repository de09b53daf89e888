using System.CommandLine;
using System.Text.Json;
using ModelPacker.Evaluation;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary><c>modelpacker classify --model dir "text"</c>: the intent, its confidence, and what every exit layer says.</summary>
internal static class ClassifyCommand
{
    public static Command Create(CliEnvironment env)
    {
        var model = CommonOptions.Model();
        var json = CommonOptions.Json("the prediction");
        var verbose = CommonOptions.Verbose();
        var text = new Argument<string>("text") { Description = "The utterance to classify (quote it)" };
        var command = new Command("classify", "Classify one utterance and show each exit layer's entropy") { model, json, verbose, text };
        command.SetAction(result => CommandRunner.Execute(env, () =>
        {
            string utterance = result.GetValue(text)!;
            if (string.IsNullOrWhiteSpace(utterance)) throw new UsageException("the text to classify is empty");
            var classifier = ModelSource.Open(result.GetValue(model)!, env, result.GetValue(verbose));
            var prediction = Prediction.Of(classifier, utterance);
            if (result.GetValue(json)) env.Out.WriteLine(prediction.ToJson());
            else prediction.Print(env.Console);
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// One exit layer's answer. For an image, <see cref="EntropyQ16"/> and <see cref="ThresholdQ16"/> are what the
    /// device compares (exit when entropy &lt; threshold) and <see cref="Entropy"/> is EntropyQ16 / 65536, so the
    /// printed numbers explain the exit taken; for a checkpoint, Entropy is the float softmax entropy.
    /// </summary>
    internal sealed record ExitAnswer(int Layer, string Intent, double Confidence, double Entropy, int? EntropyQ16 = null, int? ThresholdQ16 = null);

    internal sealed record Prediction(string Text, IReadOnlyList<ExitAnswer> Exits)
    {
        /// <summary>Index of the exit the device stops at (images: early exit by entropy threshold); null = last.</summary>
        public int? EarlyExit { get; init; }
        /// <summary>Images: whether the image's rejection rule answers unknown at the exit the device stops at.</summary>
        public bool Unknown { get; init; }
        /// <summary>Images: the rule, as <see cref="RejectionRule.Describe"/> prints it.</summary>
        public string? Rejection { get; init; }
        public ExitAnswer Final => Exits[EarlyExit ?? Exits.Count - 1];
        /// <summary>The answer: the final exit's intent, or <see cref="RejectionRule.UnknownName"/>.</summary>
        public string Answer => Unknown ? RejectionRule.UnknownName : Final.Intent;
        private bool FromImage => EarlyExit is not null;

        public static Prediction Of(IIntentClassifier classifier, string text)
        {
            var ids = classifier.Encode(text);
            if (classifier is IntegerClassifier ic) return OfImage(ic, text, ids);
            var logits = classifier.Classify(ids);
            var exits = new List<ExitAnswer>();
            for (int l = 0; l < logits.Length; l++)
            {
                var p = ExitStatistics.Softmax(logits[l]);
                int top = ExitStatistics.ArgMax(logits[l]);
                exits.Add(new ExitAnswer(l + 1, classifier.Labels[top], p[top], ExitStatistics.Entropy(p)));
            }
            return new Prediction(text, exits);
        }

        /// <summary>Entropy from the integer runtime's Q16 value, the one early exit compares; confidence from the Q16 logits.</summary>
        private static Prediction OfImage(IntegerClassifier classifier, string text, int[] ids)
        {
            var outputs = classifier.RunAll(ids);
            var logits = IntegerClassifier.ToFloat(outputs);
            var exits = new List<ExitAnswer>();
            for (int l = 0; l < outputs.Length; l++)
            {
                var p = ExitStatistics.Softmax(logits[l]);
                int top = ExitStatistics.ArgMax(logits[l]);
                int entropyQ16 = outputs[l].EntropyQ16;
                exits.Add(new ExitAnswer(l + 1, classifier.Labels[top], p[top], entropyQ16 / 65536.0, entropyQ16, classifier.ThresholdsQ16[l]));
            }
            var early = classifier.ClassifyEarlyExit(ids);
            return new Prediction(text, exits)
            {
                EarlyExit = early.ExitLayer,
                Unknown = classifier.Answer(early.Final) == RejectionRule.Unknown,
                Rejection = classifier.Rejection.Describe(classifier.Labels),
            };
        }

        public string ToJson()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("text", Text);
                w.WriteString("intent", Answer);
                w.WriteNumber("confidence", Final.Confidence);
                w.WriteNumber("exit_layer", Final.Layer);
                if (FromImage)
                {
                    w.WriteBoolean("unknown", Unknown);
                    w.WriteString("predicted", Final.Intent);
                    w.WriteString("unknown_when", Rejection);
                }
                w.WriteStartArray("exits");
                foreach (var e in Exits)
                {
                    w.WriteStartObject();
                    w.WriteNumber("layer", e.Layer);
                    w.WriteString("intent", e.Intent);
                    w.WriteNumber("confidence", e.Confidence);
                    w.WriteNumber("entropy", e.Entropy);
                    if (e.EntropyQ16 is { } q) w.WriteNumber("entropy_q16", q);
                    if (e.ThresholdQ16 is { } t) w.WriteNumber("threshold_q16", t);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
        }

        public void Print(IAnsiConsole console)
        {
            var grid = new Grid().AddColumn().AddColumn();
            grid.AddRow("Intent", $"[bold]{Markup.Escape(Answer)}[/]" + (Unknown ? Markup.Escape($" (the model says {Final.Intent})") : ""));
            grid.AddRow("Confidence", $"{Final.Confidence:P2}");
            if (FromImage) grid.AddRow("Unknown when", Markup.Escape(Rejection!));
            if (FromImage) grid.AddRow("Exit layer", $"{Final.Layer} of {Exits.Count} (early exit, integer runtime)");
            console.Write(grid);
            var table = new Table().AddColumn("exit layer").AddColumn("top intent").AddColumn(new TableColumn("confidence").RightAligned());
            if (!FromImage)
            {
                table.AddColumn(new TableColumn("entropy (nats)").RightAligned());
                foreach (var e in Exits)
                    table.AddRow(e.Layer.ToString(), Markup.Escape(e.Intent), $"{e.Confidence:P2}", $"{e.Entropy:F4}");
                console.Write(table);
                return;
            }
            // The raw Q16 integers make the exit decision visible even where the 4-decimal nats round equal.
            table.AddColumn(new TableColumn("entropy (nats, Q16)").RightAligned()).AddColumn(new TableColumn("exit threshold (nats, Q16)").RightAligned());
            foreach (var e in Exits)
                table.AddRow(e.Layer.ToString(), Markup.Escape(e.Intent), $"{e.Confidence:P2}",
                    FormattableString.Invariant($"{e.Entropy:F4} ({e.EntropyQ16})"),
                    FormattableString.Invariant($"{e.ThresholdQ16 / 65536.0:F4} ({e.ThresholdQ16})"));
            console.Write(table);
            console.WriteLine("Entropy is the integer runtime's Q16 fixed-point value / 65536, the number the device compares: " +
                              "it stops at the first layer whose entropy is below that layer's threshold.");
        }
    }
}
