using ModelPacker.Data;

namespace ModelPacker.Evaluation;

/// <summary>Runs a classifier over labelled examples and scores every exit layer.</summary>
public static class Evaluator
{
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
        for (int i = 0; i < examples.Count; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var logits = classifier.Classify(classifier.Encode(examples[i].Text));
            if (logits.Length != exits)
                throw new InvalidOperationException($"classifier returned {logits.Length} exits, expected {exits}");
            for (int l = 0; l < exits; l++) predicted[l][i] = ExitStatistics.ArgMax(logits[l]);
            if ((i + 1) % 64 == 0 || i + 1 == examples.Count) progress?.Report(i + 1);
        }

        var perExit = new ClassificationReport[exits];
        for (int l = 0; l < exits; l++) perExit[l] = ClassificationReport.Compute(labels, gold, predicted[l]);
        return new EvaluationReport(perExit, unknown);
    }
}
