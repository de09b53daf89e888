using ModelPacker.Model;

namespace ModelPacker.Pruning;

/// <summary>
/// Attention-head pruning (docs/numerics.md section 12, "Pruned heads"): a pruned head's Q, K and V rows (weights and
/// biases) and its input columns of the attention output are 0, so its context is 0 and it contributes nothing; the
/// checkpoint then carries attention spans (ATTENTION_SPAN in the image) of 0 for the pruned heads and
/// max_position_embeddings for the others, which the runtime reads to skip the pruned heads' Q, K, V rows and their
/// attention.
/// </summary>
public static class HeadPruning
{
    /// <summary>The weights that hold a head's own rows or columns, and whether they are rows (Q, K, V) or columns
    /// (the attention output's input).</summary>
    private static IEnumerable<(NamedTensor Tensor, bool Rows)> HeadTensors(AlbertParameters p) =>
    [
        (p.QueryWeight, true), (p.QueryBias, true), (p.KeyWeight, true), (p.KeyBias, true), (p.ValueWeight, true),
        (p.ValueBias, true), (p.AttentionOutputWeight, false),
    ];

    /// <summary>Zeroes, in place, the rows and columns of heads <paramref name="pruned"/>.</summary>
    public static void Zero(AlbertParameters p, IReadOnlyCollection<int> pruned)
    {
        int dh = p.Config.HiddenSize / p.Config.NumAttentionHeads;
        foreach (var (t, rows) in HeadTensors(p))
            for (int i = 0; i < t.Data.Length; i++)
            {
                int unit = rows ? i / t.Cols : i % t.Cols;   // a bias: Cols 1, one row an element
                if (pruned.Contains(unit / dh)) t.Data[i] = 0f;
            }
    }

    /// <summary>A copy of <paramref name="p"/> (no spans yet) with attention spans: 0 for the pruned heads,
    /// max_position_embeddings for the others (ramp 1: the soft mask of a span-0 head is 0 everywhere).</summary>
    public static AlbertParameters WithPrunedSpans(AlbertParameters p, IReadOnlyCollection<int> pruned)
    {
        if (p.AttentionSpan is not null) throw new InvalidDataException("the checkpoint already has attention spans; head pruning starts from one without");
        var withSpans = Training.AttentionSpanTraining.WithSpans(p, ramp: 1f);
        foreach (int h in pruned) withSpans.AttentionSpan!.Data[h] = -1f;   // ceil(z + ramp) = 0: span 0
        return withSpans;
    }
}

/// <summary>Fine-tuning after head pruning: the pruned heads' rows and columns stay 0 (their gradient is dropped and
/// the forward sees them zeroed).</summary>
public sealed class HeadPruningTransform(AlbertParameters p, IReadOnlyCollection<int> pruned) : IWeightTransform
{
    private readonly HashSet<string> _names = [p.QueryWeight.Name, p.QueryBias.Name, p.KeyWeight.Name, p.KeyBias.Name, p.ValueWeight.Name, p.ValueBias.Name, p.AttentionOutputWeight.Name];
    private readonly int _dh = p.Config.HiddenSize / p.Config.NumAttentionHeads;
    private readonly string _dense = p.AttentionOutputWeight.Name;

    private bool Pruned(NamedTensor t, int i)
    {
        int unit = t.Name == _dense ? i % t.Cols : i / t.Cols;
        return pruned.Contains(unit / _dh);
    }

    public void TransformWeight(NamedTensor master, Span<float> effective)
    {
        master.Data.CopyTo(effective);
        if (!_names.Contains(master.Name)) return;
        for (int i = 0; i < effective.Length; i++) if (Pruned(master, i)) effective[i] = 0f;
    }

    public void TransformLinearInput(string weightName, Span<float> input) { }

    public void TransformGradient(NamedTensor master, Span<float> gradient)
    {
        if (!_names.Contains(master.Name)) return;
        for (int i = 0; i < gradient.Length; i++) if (Pruned(master, i)) gradient[i] = 0f;
    }
}
