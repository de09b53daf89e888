using System.CommandLine;
using System.Text.Json;
using ModelPacker.Evaluation;
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

    /// <summary>One exit layer's answer.</summary>
    internal sealed record ExitAnswer(int Layer, string Intent, double Confidence, double Entropy);

    internal sealed record Prediction(string Text, IReadOnlyList<ExitAnswer> Exits)
    {
        /// <summary>Index of the exit the device stops at (images: early exit by entropy threshold); null = last.</summary>
        public int? EarlyExit { get; init; }
        public ExitAnswer Final => Exits[EarlyExit ?? Exits.Count - 1];

        public static Prediction Of(IIntentClassifier classifier, string text)
        {
            var logits = classifier.Classify(classifier.Encode(text));
            var exits = new List<ExitAnswer>();
            for (int l = 0; l < logits.Length; l++)
            {
                var p = ExitStatistics.Softmax(logits[l]);
                int top = ExitStatistics.ArgMax(logits[l]);
                exits.Add(new ExitAnswer(l + 1, classifier.Labels[top], p[top], ExitStatistics.Entropy(p)));
            }
            int? early = classifier is IntegerRuntime.IntegerClassifier ic ? ic.ClassifyEarlyExit(classifier.Encode(text)).ExitLayer : null;
            return new Prediction(text, exits) { EarlyExit = early };
        }

        public string ToJson()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("text", Text);
                w.WriteString("intent", Final.Intent);
                w.WriteNumber("confidence", Final.Confidence);
                w.WriteNumber("exit_layer", Final.Layer);
                w.WriteStartArray("exits");
                foreach (var e in Exits)
                {
                    w.WriteStartObject();
                    w.WriteNumber("layer", e.Layer);
                    w.WriteString("intent", e.Intent);
                    w.WriteNumber("confidence", e.Confidence);
                    w.WriteNumber("entropy", e.Entropy);
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
            grid.AddRow("Intent", $"[bold]{Markup.Escape(Final.Intent)}[/]");
            grid.AddRow("Confidence", $"{Final.Confidence:P2}");
            if (EarlyExit is not null) grid.AddRow("Exit layer", $"{Final.Layer} of {Exits.Count} (early exit, integer runtime)");
            console.Write(grid);
            var table = new Table().AddColumn("exit layer").AddColumn("top intent")
                .AddColumn(new TableColumn("confidence").RightAligned()).AddColumn(new TableColumn("entropy (nats)").RightAligned());
            foreach (var e in Exits)
                table.AddRow(e.Layer.ToString(), Markup.Escape(e.Intent), $"{e.Confidence:P2}", $"{e.Entropy:F4}");
            console.Write(table);
        }
    }
}
