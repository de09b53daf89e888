using System.Text.Json;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Evaluation;
using ModelPacker.Tests.Checkpoints;

namespace ModelPacker.Tests.Cli;

public class EvalCommandTests(CliFixture fixture) : IClassFixture<CliFixture>
{
    [Fact]
    public void Json_is_one_object_with_the_scores_the_model_really_gets()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        var run = CliRun.Of("eval", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal("", run.Error);
        Assert.Single(run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var json = JsonDocument.Parse(run.Out);
        var root = json.RootElement;

        // Independent computation of the same numbers.
        var classifier = new CheckpointClassifier(CheckpointDirectory.Load(fixture.ModelDir));
        var test = DatasetLoader.Load(fixture.DataDir).Test;
        var predicted = test.Select(e => classifier.Labels[ExitStatistics.ArgMax(classifier.Classify(classifier.Encode(e.Text))[^1])]).ToList();
        double accuracy = test.Zip(predicted).Count(p => p.First.Label == p.Second) / (double)test.Count;
        var inScope = test.Zip(predicted).Where(p => p.First.Label != "oos").ToList();

        Assert.Equal(TinyIntentData.TestCount, root.GetProperty("n").GetInt32());
        Assert.Equal(accuracy, root.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(inScope.Count(p => p.First.Label == p.Second) / (double)inScope.Count, root.GetProperty("in_scope_accuracy").GetDouble(), 12);
        Assert.True(root.TryGetProperty("out_of_scope_recall", out _));
        Assert.InRange(root.GetProperty("macro_f1").GetDouble(), 0, 1);
        var exits = root.GetProperty("per_exit_accuracy").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(2, exits.Count);
        Assert.Equal(accuracy, exits[^1], 12);
        Assert.Equal(2, root.GetProperty("per_exit_in_scope_accuracy").GetArrayLength());
        Assert.Equal("test", root.GetProperty("split").GetString());
        Assert.Equal(test.Select(e => e.Label).Distinct().Count(),
            root.GetProperty("per_intent").EnumerateArray().Count(m => m.GetProperty("support").GetInt32() > 0));
    }

    [Fact]
    public void Errors_lists_the_utterances_the_model_really_gets_wrong_in_data_order()
    {
        Assert.Equal(0, fixture.Train.ExitCode);
        var classifier = new CheckpointClassifier(CheckpointDirectory.Load(fixture.ModelDir));
        var test = DatasetLoader.Load(fixture.DataDir).Test;
        var scored = test.Select((e, i) => (Index: i, e.Text, e.Label, Predicted: classifier.Labels[ExitStatistics.ArgMax(classifier.Classify(classifier.Encode(e.Text))[^1])]))
            .Where(p => p.Label != p.Predicted).ToList();
        var wrong = scored.Select(p => (p.Text, p.Label, p.Predicted)).ToList();
        Assert.True(wrong.Count >= 2, $"{wrong.Count} errors: the tiny model must get at least two wrong, or a limit of 1 checks nothing");

        foreach (int asked in new[] { 1, wrong.Count + 5 })
        {
            var run = CliRun.Of("eval", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--json", "--errors", asked.ToString());
            Assert.True(run.ExitCode == 0, run.Error);
            using var json = JsonDocument.Parse(run.Out);
            Assert.Equal(wrong.Count, json.RootElement.GetProperty("errors_total").GetInt32());
            var listed = json.RootElement.GetProperty("errors").EnumerateArray().ToList();
            Assert.Equal(wrong.Take(asked).ToList(),
                listed.Select(e => (e.GetProperty("text").GetString()!, e.GetProperty("gold").GetString()!, e.GetProperty("predicted").GetString()!)).ToList());
            Assert.Equal(scored.Take(asked).Select(p => p.Index), listed.Select(e => e.GetProperty("index").GetInt32()));
            Assert.All(listed, e => Assert.InRange(e.GetProperty("confidence").GetDouble(), 1.0 / classifier.Labels.Count, 1));
        }

        var text = CliRun.Of("eval", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--errors", "1000");
        Assert.True(text.ExitCode == 0, text.Error);
        Assert.Contains($"Utterances the last exit gets wrong ({wrong.Count} of {wrong.Count})", text.Out);
        var one = CliRun.Of("eval", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--errors", "1");
        Assert.True(one.ExitCode == 0, one.Error);
        Assert.Contains($"Utterances the last exit gets wrong (1 of {wrong.Count})", one.Out);
        var table = one.Out[one.Out.IndexOf("Utterances the last exit gets wrong", StringComparison.Ordinal)..];
        Assert.Contains(wrong[0].Text.Split(' ')[0], table); // its first word: the table may wrap a long utterance
        Assert.Contains(wrong[0].Predicted, table);
        Assert.DoesNotContain("Utterances the last exit gets wrong", CliRun.Of("eval", "--model", fixture.ModelDir, "--data", fixture.DataDir).Out);

        var bad = CliRun.Of("eval", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--errors", "-1");
        Assert.Equal(ModelPacker.Cli.ExitCodes.Usage, bad.ExitCode);
        Assert.Contains("--errors must be 0 or more", bad.Error);
        Assert.Equal("", bad.Out);
    }

    [Fact]
    public void Text_report_shows_accuracy_exits_intents_and_confusion()
    {
        var run = CliRun.Of("eval", "--model", fixture.ModelDir, "--data", fixture.DataDir);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("Accuracy", run.Out);
        Assert.Contains("Macro-F1", run.Out);
        Assert.Contains("In-scope accuracy", run.Out);
        Assert.Contains("Accuracy of every exit layer", run.Out);
        Assert.Contains("Per intent", run.Out);
        Assert.Contains("Confusion", run.Out);
    }

    [Fact]
    public void Split_all_scores_every_utterance()
    {
        var run = CliRun.Of("eval", "--model", fixture.ModelDir, "--data", fixture.DataDir, "--split", "all", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        var data = DatasetLoader.Load(fixture.DataDir);
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(data.Train.Count + data.Validation.Count + data.Test.Count, json.RootElement.GetProperty("n").GetInt32());
    }

    [Fact]
    public void Unknown_intents_in_the_data_are_a_warning_and_count_as_errors()
    {
        using var temp = new TempDirectory();
        File.WriteAllLines(temp["extra.jsonl"], Enumerable.Range(0, 10).Select(i => $"{{\"text\": \"transfer {i} dollars\", \"intent\": \"Transfer\"}}"));
        var run = CliRun.Of("eval", "--model", fixture.ModelDir, "--data", temp["extra.jsonl"], "--split", "all", "--json");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.StartsWith("warning: ", Assert.Single(run.ErrorLines));
        using var json = JsonDocument.Parse(run.Out);
        Assert.Equal(0.0, json.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal("Transfer", json.RootElement.GetProperty("unknown_intents")[0].GetString());
    }

    [Fact]
    public void Imported_checkpoint_without_exit_heads_warns_on_stderr_and_still_scores()
    {
        using var temp = new TempDirectory();
        string copy = temp["imported"];
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(fixture.ModelDir)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        string weights = Path.Combine(copy, "model.safetensors");
        var file = SafeTensorsReader.Read(weights);
        var kept = file.Entries.Where(e => !e.Name.Contains(".highway.")).Select(e =>
        {
            var t = new ModelPacker.Model.NamedTensor(e.Name, e.Shape);
            file.ReadFloat32(e.Name).CopyTo(t.Data, 0);
            return t;
        }).Append(new ModelPacker.Model.NamedTensor("predictions.bias", 4)).ToList();
        File.Delete(weights);
        SafeTensorsWriter.Write(weights, kept);

        var run = CliRun.Of("eval", "--model", copy, "--data", fixture.DataDir, "--json", "--verbose");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(2, run.ErrorLines.Length);
        Assert.Equal($"warning: {weights}: no early-exit heads for layer 0; initialised them from the final pooler and classifier (train to make early exit useful)", run.ErrorLines[0]);
        Assert.Equal($"note: {weights}: ignored 1 tensor this model does not use: predictions.bias", run.ErrorLines[1]);
        using var json = JsonDocument.Parse(run.Out);
        var exits = json.RootElement.GetProperty("per_exit_accuracy").EnumerateArray().Select(e => e.GetDouble()).ToList();
        Assert.Equal(2, exits.Count);
    }

    [Fact]
    public void Missing_model_is_one_line_error_and_no_stdout()
    {
        using var temp = new TempDirectory();
        var run = CliRun.Of("eval", "--model", temp["none"], "--data", fixture.DataDir, "--json");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal($"error: {temp["none"]}: checkpoint directory not found", Assert.Single(run.ErrorLines));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Corrupt_weights_are_one_line_error_naming_the_file()
    {
        using var temp = new TempDirectory();
        string copy = temp["m"];
        Directory.CreateDirectory(copy);
        foreach (var f in Directory.GetFiles(fixture.ModelDir)) File.Copy(f, Path.Combine(copy, Path.GetFileName(f)));
        string weights = Path.Combine(copy, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..^10]);
        var run = CliRun.Of("eval", "--model", copy, "--data", fixture.DataDir);
        Assert.Equal(1, run.ExitCode);
        var line = Assert.Single(run.ErrorLines);
        Assert.StartsWith($"error: {weights}: ", line);
        Assert.Contains("truncated", line);
    }
}
