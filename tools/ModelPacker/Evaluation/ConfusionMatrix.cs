namespace ModelPacker.Evaluation;

/// <summary>Counts of (gold, predicted) label pairs; rows are gold labels, columns predictions.</summary>
public sealed class ConfusionMatrix
{
    private readonly int[,] _counts;

    public ConfusionMatrix(IReadOnlyList<string> labels)
    {
        Labels = labels;
        _counts = new int[labels.Count, labels.Count];
    }

    public IReadOnlyList<string> Labels { get; }

    public int this[int gold, int predicted] => _counts[gold, predicted];

    internal void Add(int gold, int predicted) => _counts[gold, predicted]++;

    /// <summary>The most frequent mistakes (off-diagonal cells), largest first, ties by label order.</summary>
    public IReadOnlyList<Confusion> TopConfusions(int count)
    {
        var cells = new List<Confusion>();
        for (int g = 0; g < Labels.Count; g++)
            for (int p = 0; p < Labels.Count; p++)
                if (g != p && _counts[g, p] > 0) cells.Add(new Confusion(Labels[g], Labels[p], _counts[g, p]));
        return cells.OrderByDescending(c => c.Count).Take(count).ToList();
    }
}

/// <summary><see cref="Count"/> examples of <see cref="Gold"/> were classified as <see cref="Predicted"/>.</summary>
public sealed record Confusion(string Gold, string Predicted, int Count);
