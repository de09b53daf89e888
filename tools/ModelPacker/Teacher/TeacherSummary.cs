using System.Text.Json;
using ModelPacker.Evaluation;

namespace ModelPacker.Teacher;

/// <summary><see cref="TeacherResult"/> as the lines <c>modelpacker teacher</c> prints and as teacher.json (keys in
/// docs/cli.md).</summary>
public static class TeacherSummary
{
    public const string FileName = "teacher.json";

    public static IEnumerable<string> Lines(TeacherResult r, string data)
    {
        yield return $"Teacher        {r.Teacher.EncoderId} + {r.Teacher.Options.Describe()} (chosen on validation)";
        yield return $"Data           {data}: {r.Train.Count} train, {r.Validation.Count} validation, {r.Test?.Count ?? 0} test, {r.Teacher.Labels.Length} intents";
        foreach (var (split, report) in Splits(r, "Train", "Validation", "Test"))
            yield return $"{split + " accuracy",-22} {report.Accuracy:P2} ({report.Correct}/{report.Count})" + Scope(report);
        yield return $"Encoding       {r.Encoded} encoded in {r.EncodingTime.TotalSeconds:F1} s" +
                     (r.Encoded > 0 ? $" ({r.Encoded / Math.Max(r.EncodingTime.TotalSeconds, 1e-9):F0}/s)" : "") +
                     $", {r.CacheHits} cache hits of {r.Utterances}";
        yield return $"Head fitting   {r.Candidates.Count} candidates in {r.HeadTime.TotalSeconds:F1} s";
    }

    /// <summary>The scored splits (the test split only when it was scored).</summary>
    private static IEnumerable<(string Name, ClassificationReport Report)> Splits(TeacherResult r, string train, string validation, string test) =>
        r.Test is null ? [(train, r.Train), (validation, r.Validation)] : [(train, r.Train), (validation, r.Validation), (test, r.Test)];

    private static string Scope(ClassificationReport report) =>
        (report.InScopeAccuracy is { } inScope ? $", in-scope {inScope:P2}" : "") +
        (report.OutOfScopeRecall is { } oos ? $", out-of-scope recall {oos:P2}" : "");

    public static string ToJson(TeacherResult r, string data)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("encoder", r.Teacher.EncoderId);
            w.WriteString("data", data);
            w.WriteString("head", r.Teacher.Options.Hidden == 0 ? "logistic_regression" : "mlp");
            w.WriteNumber("hidden", r.Teacher.Options.Hidden);
            w.WriteNumber("l2", r.Teacher.Options.L2);
            w.WriteNumber("epochs", r.Teacher.Options.Epochs);
            w.WriteStartArray("candidates");
            foreach (var c in r.Candidates)
            {
                w.WriteStartObject();
                w.WriteNumber("hidden", c.Options.Hidden);
                w.WriteNumber("l2", c.Options.L2);
                w.WriteNumber("epochs", c.Options.Epochs);
                w.WriteNumber("validation_accuracy", c.ValidationAccuracy);
                if (c.Test is { } test) w.WriteNumber("test_accuracy", test.Accuracy);
                if (c.Test?.InScopeAccuracy is { } inScope) w.WriteNumber("test_in_scope_accuracy", inScope);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            foreach (var (split, report) in Splits(r, "train", "validation", "test"))
            {
                w.WriteStartObject(split);
                w.WriteNumber("n", report.Count);
                w.WriteNumber("accuracy", report.Accuracy);
                if (report.InScopeAccuracy is { } inScope) w.WriteNumber("in_scope_accuracy", inScope);
                if (report.OutOfScopeRecall is { } oos) w.WriteNumber("out_of_scope_recall", oos);
                w.WriteEndObject();
            }
            w.WriteNumber("utterances", r.Utterances);
            w.WriteNumber("encoded", r.Encoded);
            w.WriteNumber("cache_hits", r.CacheHits);
            w.WriteNumber("encoding_seconds", Math.Round(r.EncodingTime.TotalSeconds, 2));
            w.WriteNumber("head_seconds", Math.Round(r.HeadTime.TotalSeconds, 2));
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
