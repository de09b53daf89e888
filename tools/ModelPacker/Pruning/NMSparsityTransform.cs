using ModelPacker.Model;

namespace ModelPacker.Pruning;

/// <summary>
/// The forward of 2:4 fine-tuning: every 2:4 weight (<see cref="NMSparsity.SparseWeights"/>) goes through its magnitude
/// 2:4 mask, recomputed from the master weights at each of the first <c>recomputeSteps</c> weight snapshots (training
/// steps and validations) and then fixed. The gradient passes to every master weight while the masks move (the
/// straight-through estimator, so a pruned weight can grow back); once they are fixed it reaches only kept weights.
/// </summary>
public sealed class NMSparsityTransform : IWeightTransform
{
    private readonly Dictionary<string, bool[]> _masks = new(StringComparer.Ordinal);
    private readonly string _first;
    private readonly int _recomputeSteps;
    private int _snapshots;

    public NMSparsityTransform(AlbertParameters p, int recomputeSteps)
    {
        foreach (var t in NMSparsity.SparseWeights(p)) _masks[t.Name] = new bool[t.Data.Length];
        _first = NMSparsity.SparseWeights(p)[0].Name;
        _recomputeSteps = recomputeSteps;
    }

    /// <summary>True once the masks no longer change.</summary>
    public bool Fixed => _snapshots > _recomputeSteps;

    public void TransformWeight(NamedTensor master, Span<float> effective)
    {
        master.Data.CopyTo(effective);
        if (!_masks.TryGetValue(master.Name, out var mask)) return;
        if (master.Name == _first) _snapshots++; // one snapshot = one pass over every tensor, the mapping-in first
        if (!Fixed) NMSparsity.MagnitudeMask(master.Data, master.Cols, mask);
        for (int i = 0; i < mask.Length; i++) if (!mask[i]) effective[i] = 0f;
    }

    public void TransformLinearInput(string weightName, Span<float> input) { }

    public void TransformGradient(NamedTensor master, Span<float> gradient)
    {
        if (!Fixed || !_masks.TryGetValue(master.Name, out var mask)) return;
        for (int i = 0; i < mask.Length; i++) if (!mask[i]) gradient[i] = 0f;
    }

    /// <summary>Zeroes the pruned master weights of <paramref name="p"/> under the current masks (the checkpoint written).</summary>
    public void Apply(AlbertParameters p)
    {
        foreach (var t in NMSparsity.SparseWeights(p))
        {
            var mask = _masks[t.Name];
            for (int i = 0; i < mask.Length; i++) if (!mask[i]) t.Data[i] = 0f;
        }
    }
}
