using ModelPacker.Data;
using ModelPacker.FlashImage;
using ModelPacker.Quantization;

namespace ModelPacker.IntegerRuntime;

/// <summary>Accuracy of the device loop (early exit with the image's thresholds), the mean layers it runs, and what
/// its answers score under the image's rejection rule (in-scope accuracy and out-of-scope recall, "unknown"
/// counting as wrong in scope and right out of scope).</summary>
public sealed record EarlyExitStatistics(int Count, int Correct, int InScopeCount, int InScopeCorrect, double MeanLayers, int[] ExitHistogram,
    RejectionPoint Answers)
{
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Accuracy over the in-scope utterances alone (the label, never "unknown"); null when every utterance is
    /// in scope (then it is <see cref="Accuracy"/>).</summary>
    public double? InScopeAccuracy => InScopeCount == Count || InScopeCount == 0 ? null : (double)InScopeCorrect / InScopeCount;

    public static EarlyExitStatistics Measure(IntegerClassifier classifier, IReadOnlyList<IntentExample> examples, CancellationToken ct = default)
    {
        var labelIds = classifier.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        var exitLayer = new int[examples.Count];
        var right = new bool[examples.Count];
        var samples = new RejectionSample[examples.Count];
        Parallel.For(0, examples.Count, new ParallelOptions { CancellationToken = ct }, i =>
        {
            var r = classifier.ClassifyEarlyExit(classifier.Encode(examples[i].Text));
            exitLayer[i] = r.ExitLayer;
            int gold = labelIds.TryGetValue(examples[i].Label, out int id) ? id : -1;
            right[i] = r.Final.Predicted == gold;
            samples[i] = new RejectionSample(r.Final.Predicted, gold, examples[i].Label == IntentDataset.OutOfScopeLabel,
                r.Final.EntropyQ16, classifier.ConfidenceQ16(r.Final));
        });
        var hist = new int[classifier.ExitCount];
        foreach (int l in exitLayer) hist[l]++;
        var inScope = Enumerable.Range(0, examples.Count).Where(i => examples[i].Label != IntentDataset.OutOfScopeLabel).ToList();
        return new EarlyExitStatistics(examples.Count, right.Count(x => x), inScope.Count, inScope.Count(i => right[i]),
            examples.Count == 0 ? 0 : exitLayer.Average(l => l + 1.0), hist,
            RejectionSweep.Evaluate(samples, classifier.Rejection));
    }
}
