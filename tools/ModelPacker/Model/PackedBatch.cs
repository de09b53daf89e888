namespace ModelPacker.Model;

/// <summary>
/// Sequences laid end to end without padding: token t of sequence s is row Offsets[s] + t of every activation
/// matrix. Token-wise layers run on all rows at once; attention runs per sequence on its own rows, so sequences of
/// different lengths mix freely. Tokens equal to the pad id are masked as attention keys.
/// </summary>
public sealed class PackedBatch
{
    public PackedBatch(IReadOnlyList<int[]> sequences, IReadOnlyList<int>? labels = null, int firstExampleIndex = 0,
        IReadOnlyList<int>? exampleIds = null)
    {
        Offsets = new int[sequences.Count + 1];
        for (int s = 0; s < sequences.Count; s++)
        {
            if (sequences[s].Length == 0) throw new ArgumentException($"sequence {s} is empty");
            Offsets[s + 1] = Offsets[s] + sequences[s].Length;
        }
        Tokens = new int[Offsets[^1]];
        for (int s = 0; s < sequences.Count; s++) sequences[s].CopyTo(Tokens, Offsets[s]);
        Labels = labels?.ToArray() ?? new int[sequences.Count];
        if (Labels.Length != sequences.Count) throw new ArgumentException("one label per sequence is required");
        FirstExampleIndex = firstExampleIndex;
        ExampleIds = exampleIds?.ToArray();
        if (ExampleIds is not null && ExampleIds.Length != sequences.Count) throw new ArgumentException("one example id per sequence is required");
    }

    public int[] Tokens { get; }
    public int[] Offsets { get; }
    public int[] Labels { get; }
    /// <summary>Index of the first sequence within its training batch (seeds per-example dropout streams).</summary>
    public int FirstExampleIndex { get; }
    /// <summary>Index of each sequence in the training set, when the trainer knows it (per-example distillation
    /// targets are looked up by it).</summary>
    public int[]? ExampleIds { get; }
    public int Count => Offsets.Length - 1;
    public int TokenCount => Tokens.Length;
    public int Length(int s) => Offsets[s + 1] - Offsets[s];
    public int MaxLength { get { int m = 0; for (int s = 0; s < Count; s++) m = Math.Max(m, Length(s)); return m; } }
}
