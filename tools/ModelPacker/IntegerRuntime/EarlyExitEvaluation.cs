using ModelPacker.Data;

namespace ModelPacker.IntegerRuntime;

/// <summary>Accuracy of the device loop (early exit with the image's thresholds) and the mean layers it runs.</summary>
public sealed record EarlyExitStatistics(int Count, int Correct, double MeanLayers, int[] ExitHistogram)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    public static EarlyExitStatistics Measure(IntegerClassifier classifier, IReadOnlyList<IntentExample> examples, CancellationToken ct = default)
    {
        var labelIds = classifier.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        var exitLayer = new int[examples.Count];
        var right = new bool[examples.Count];
        Parallel.For(0, examples.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var r = classifier.ClassifyEarlyExit(classifier.Encode(examples[i].Text));
            exitLayer[i] = r.ExitLayer;
            right[i] = labelIds.TryGetValue(examples[i].Label, out int id) && r.Final.Predicted == id;
        });
        var hist = new int[classifier.ExitCount];
        foreach (int l in exitLayer) hist[l]++;
        return new EarlyExitStatistics(examples.Count, right.Count(x => x), examples.Count == 0 ? 0 : exitLayer.Average(l => l + 1.0), hist);
    }
}
