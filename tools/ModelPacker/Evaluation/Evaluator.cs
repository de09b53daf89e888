using ModelPacker.Data;

namespace ModelPacker.Evaluation;

/// <summary>Runs a classifier over labelled examples and scores every exit layer.</summary>
public static class Evaluator
{
    /// <summary>Utterances handed to the classifier at once (between progress reports and cancellation checks).</summary>
    private const int Chunk = 256;

    /// <param name="progress">Reports the number of examples done so far.</param>
    public static EvaluationReport Evaluate(IIntentClassifier classifier, IReadOnlyList<IntentExample> examples,
        IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        // Gold labels the model never learnt get indices after the model's own, so they count as errors and still
        // show up in the per-intent table instead of being dropped.
        var labels = classifier.Labels.ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < labels.Count; i++) index.TryAdd(labels[i], i);
        var unknown = new List<string>();
        var gold = new int[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            if (!index.TryGetValue(examples[i].Label, out int g))
            {
                g = labels.Count;
                labels.Add(examples[i].Label);
                index.Add(examples[i].Label, g);
                unknown.Add(examples[i].Label);
            }
            gold[i] = g;
        }

        int exits = classifier.ExitCount;
        var predicted = new int[exits][];
        for (int l = 0; l < exits; l++) predicted[l] = new int[examples.Count];
        var errors = new List<Misclassified>();
        for (int start = 0; start < examples.Count; start += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int count = Math.Min(Chunk, examples.Count - start);
            var tokens = new int[count][];
            for (int i = 0; i < count; i++) tokens[i] = classifier.Encode(examples[start + i].Text);
            var logits = classifier.ClassifyMany(tokens);
            for (int i = 0; i < count; i++)
            {
                if (logits[i].Length != exits)
                    throw new InvalidOperationException($"classifier returned {logits[i].Length} exits, expected {exits}");
                for (int l = 0; l < exits; l++) predicted[l][start + i] = ExitStatistics.ArgMax(logits[i][l]);
                int n = start + i, answer = predicted[^1][n];
                if (answer != gold[n]) // a softmax only where it is listed
                    errors.Add(new(n, examples[n].Text, examples[n].Label, labels[answer], ExitStatistics.Softmax(logits[i][^1])[answer]));
            }
            progress?.Report(start + count);
        }

        var perExit = new ClassificationReport[exits];
        for (int l = 0; l < exits; l++) perExit[l] = ClassificationReport.Compute(labels, gold, predicted[l]);
        return new EvaluationReport(perExit, unknown, errors);
    }
}
