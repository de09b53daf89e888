using System.Text.Json;
using ModelPacker.Evaluation;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>Prints an <see cref="EvaluationReport"/> as tables or as one JSON object (keys in docs/cli.md).</summary>
internal sealed record EvalSummary(string Model, string Data, string Split, EvaluationReport Report)
{
    /// <summary>Up to this many labels the full confusion matrix is printed; above, the top confusions.</summary>
    private const int FullMatrixLabels = 12;

    public string ToJson(int topConfusions, int errors)
    {
        var final = Report.Final;
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("model", Model);
            w.WriteString("data", Data);
            w.WriteString("split", Split);
            w.WriteNumber("n", Report.Count);
            w.WriteNumber("accuracy", Report.Accuracy);
            w.WriteNumber("macro_f1", Report.MacroF1);
            if (final.InScopeAccuracy is { } inScope) w.WriteNumber("in_scope_accuracy", inScope);
            if (final.OutOfScopeRecall is { } oos) w.WriteNumber("out_of_scope_recall", oos);
            w.WriteStartArray("per_exit_accuracy");
            foreach (double a in Report.PerExitAccuracy) w.WriteNumberValue(a);
            w.WriteEndArray();
            if (final.InScopeAccuracy is not null)
            {
                w.WriteStartArray("per_exit_in_scope_accuracy");
                foreach (var r in Report.PerExit) w.WriteNumberValue(r.InScopeAccuracy!.Value);
                w.WriteEndArray();
            }
            w.WriteStartArray("per_intent");
            foreach (var m in final.PerLabel)
            {
                w.WriteStartObject();
                w.WriteString("intent", m.Label);
                w.WriteNumber("precision", m.Precision);
                w.WriteNumber("recall", m.Recall);
                w.WriteNumber("f1", m.F1);
                w.WriteNumber("support", m.Support);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("top_confusions");
            foreach (var c in final.Confusion.TopConfusions(topConfusions))
            {
                w.WriteStartObject();
                w.WriteString("gold", c.Gold);
                w.WriteString("predicted", c.Predicted);
                w.WriteNumber("count", c.Count);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("unknown_intents");
            foreach (var label in Report.UnknownLabels) w.WriteStringValue(label);
            w.WriteEndArray();
            w.WriteNumber("errors_total", Report.Errors.Count);
            w.WriteStartArray("errors");
            foreach (var e in Report.Errors.Take(errors))
            {
                w.WriteStartObject();
                w.WriteNumber("index", e.Index);
                w.WriteString("text", e.Text);
                w.WriteString("gold", e.Gold);
                w.WriteString("predicted", e.Predicted);
                w.WriteNumber("confidence", e.Confidence);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public void Print(IAnsiConsole console, int topConfusions, int errors)
    {
        var final = Report.Final;
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("Model", Markup.Escape(Model));
        grid.AddRow("Data", Markup.Escape($"{Data} ({Split}, {Report.Count} utterances)"));
        grid.AddRow("Accuracy", $"[bold]{Report.Accuracy:P2}[/] ({final.Correct}/{final.Count})");
        grid.AddRow("Macro-F1", $"{Report.MacroF1:P2}");
        if (final.InScopeAccuracy is { } inScope) grid.AddRow("In-scope accuracy", $"[bold]{inScope:P2}[/] ({final.InScopeCount} utterances)");
        if (final.OutOfScopeRecall is { } oos) grid.AddRow("Out-of-scope recall", $"{oos:P2} ({final.OutOfScopeCount} utterances)");
        console.Write(grid);
        console.WriteLine();

        console.MarkupLine("[bold]Accuracy of every exit layer[/]");
        var exits = new Table().AddColumn("exit layer").AddColumn(new TableColumn("accuracy").RightAligned());
        bool withInScope = final.InScopeAccuracy is not null;
        if (withInScope) exits.AddColumn(new TableColumn("in-scope").RightAligned());
        for (int l = 0; l < Report.PerExit.Count; l++)
        {
            var r = Report.PerExit[l];
            if (withInScope) exits.AddRow((l + 1).ToString(), $"{r.Accuracy:P2}", $"{r.InScopeAccuracy:P2}");
            else exits.AddRow((l + 1).ToString(), $"{r.Accuracy:P2}");
        }
        console.Write(exits);

        console.MarkupLine("[bold]Per intent (last exit)[/]");
        var intents = new Table().AddColumn("intent")
            .AddColumn(new TableColumn("precision").RightAligned()).AddColumn(new TableColumn("recall").RightAligned())
            .AddColumn(new TableColumn("F1").RightAligned()).AddColumn(new TableColumn("support").RightAligned());
        foreach (var m in final.PerLabel)
            intents.AddRow(Markup.Escape(m.Label), $"{m.Precision:P1}", $"{m.Recall:P1}", $"{m.F1:P1}", m.Support.ToString());
        console.Write(intents);

        if (final.Labels.Count <= FullMatrixLabels) PrintMatrix(console, final);
        else PrintTopConfusions(console, final, topConfusions);
        if (errors > 0) PrintErrors(console, Report.Errors, errors);
    }

    private static void PrintErrors(IAnsiConsole console, IReadOnlyList<Misclassified> all, int count)
    {
        console.MarkupLine($"[bold]Utterances the last exit gets wrong[/] ({Math.Min(count, all.Count)} of {all.Count})");
        if (all.Count == 0) return;
        var table = new Table().AddColumn("utterance").AddColumn("true intent").AddColumn("predicted")
            .AddColumn(new TableColumn("confidence").RightAligned());
        foreach (var e in all.Take(count))
            table.AddRow(Markup.Escape(e.Text), Markup.Escape(e.Gold), Markup.Escape(e.Predicted), $"{e.Confidence:P1}");
        console.Write(table);
    }

    private static void PrintMatrix(IAnsiConsole console, ClassificationReport r)
    {
        console.MarkupLine("[bold]Confusion (rows: true intent, columns: predicted)[/]");
        var table = new Table().AddColumn("");
        for (int p = 0; p < r.Labels.Count; p++) table.AddColumn(new TableColumn(Markup.Escape(Abbreviate(r.Labels[p]))).RightAligned());
        for (int g = 0; g < r.Labels.Count; g++)
        {
            var row = new List<string> { Markup.Escape(r.Labels[g]) };
            for (int p = 0; p < r.Labels.Count; p++) row.Add(r.Confusion[g, p] == 0 ? "." : r.Confusion[g, p].ToString());
            table.AddRow(row.ToArray());
        }
        console.Write(table);
    }

    private static void PrintTopConfusions(IAnsiConsole console, ClassificationReport r, int count)
    {
        var top = r.Confusion.TopConfusions(count);
        if (top.Count == 0) return;
        console.MarkupLine("[bold]Most frequent confusions[/]");
        var table = new Table().AddColumn("true intent").AddColumn("predicted as")
            .AddColumn(new TableColumn("count").RightAligned());
        foreach (var c in top) table.AddRow(Markup.Escape(c.Gold), Markup.Escape(c.Predicted), c.Count.ToString());
        console.Write(table);
    }

    private static string Abbreviate(string label) => label.Length <= 10 ? label : label[..9] + "…";
}
