namespace ModelPacker.Evaluation;

/// <summary>
/// Scores of one set of predictions against gold labels: accuracy, macro-F1, per-intent precision/recall/F1, the
/// confusion matrix, and, when the label set has an out-of-scope label (CLINC150's <c>oos</c>), in-scope accuracy
/// and out-of-scope recall as Larson et al. (2019) define them.
/// </summary>
public sealed class ClassificationReport
{
    /// <summary>The out-of-scope label of CLINC150.</summary>
    public const string OutOfScopeLabel = "oos";

    private ClassificationReport(IReadOnlyList<string> labels, int n, int correct, IReadOnlyList<LabelMetrics> perLabel,
        ConfusionMatrix confusion, double? inScopeAccuracy, double? outOfScopeRecall, int inScopeCount, int outOfScopeCount)
    {
        Labels = labels;
        Count = n;
        Correct = correct;
        PerLabel = perLabel;
        Confusion = confusion;
        InScopeAccuracy = inScopeAccuracy;
        OutOfScopeRecall = outOfScopeRecall;
        InScopeCount = inScopeCount;
        OutOfScopeCount = outOfScopeCount;
    }

    public IReadOnlyList<string> Labels { get; }
    public int Count { get; }
    public int Correct { get; }
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Every label that occurs as gold or as prediction, in label order.</summary>
    public IReadOnlyList<LabelMetrics> PerLabel { get; }

    /// <summary>Unweighted mean F1 over <see cref="PerLabel"/> (scikit-learn's macro average).</summary>
    public double MacroF1 => PerLabel.Count == 0 ? 0 : PerLabel.Average(m => m.F1);

    public ConfusionMatrix Confusion { get; }

    /// <summary>Accuracy over examples whose gold label is not <c>oos</c>; null without an <c>oos</c> label.</summary>
    public double? InScopeAccuracy { get; }

    /// <summary>Share of <c>oos</c> examples predicted as <c>oos</c>; null without out-of-scope examples.</summary>
    public double? OutOfScopeRecall { get; }

    public int InScopeCount { get; }
    public int OutOfScopeCount { get; }

    /// <param name="labels">Label names; <paramref name="gold"/> and <paramref name="predicted"/> index into them.</param>
    public static ClassificationReport Compute(IReadOnlyList<string> labels, ReadOnlySpan<int> gold, ReadOnlySpan<int> predicted)
    {
        if (gold.Length != predicted.Length)
            throw new ArgumentException($"{gold.Length} gold labels but {predicted.Length} predictions");
        int c = labels.Count;
        var confusion = new ConfusionMatrix(labels);
        var support = new int[c];
        var predictedCount = new int[c];
        var truePositives = new int[c];
        int correct = 0;
        for (int i = 0; i < gold.Length; i++)
        {
            int g = gold[i], p = predicted[i];
            if ((uint)g >= (uint)c || (uint)p >= (uint)c)
                throw new ArgumentOutOfRangeException(nameof(gold), $"example {i}: label index out of range 0..{c - 1}");
            confusion.Add(g, p);
            support[g]++;
            predictedCount[p]++;
            if (g == p)
            {
                truePositives[g]++;
                correct++;
            }
        }

        var perLabel = new List<LabelMetrics>();
        for (int k = 0; k < c; k++)
            if (support[k] > 0 || predictedCount[k] > 0)
                perLabel.Add(new LabelMetrics(labels[k], support[k], predictedCount[k], truePositives[k]));

        double? inScope = null, oosRecall = null;
        int inScopeCount = 0, oosCount = 0;
        int oos = IndexOf(labels, OutOfScopeLabel);
        if (oos >= 0)
        {
            int inScopeCorrect = 0;
            for (int i = 0; i < gold.Length; i++)
            {
                if (gold[i] == oos) oosCount++;
                else
                {
                    inScopeCount++;
                    if (predicted[i] == gold[i]) inScopeCorrect++;
                }
            }
            if (inScopeCount > 0) inScope = (double)inScopeCorrect / inScopeCount;
            if (oosCount > 0) oosRecall = (double)truePositives[oos] / oosCount;
        }
        return new ClassificationReport(labels, gold.Length, correct, perLabel, confusion, inScope, oosRecall, inScopeCount, oosCount);
    }

    private static int IndexOf(IReadOnlyList<string> labels, string label)
    {
        for (int i = 0; i < labels.Count; i++)
            if (labels[i] == label) return i;
        return -1;
    }
}
