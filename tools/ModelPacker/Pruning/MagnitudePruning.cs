using ModelPacker.Model;

namespace ModelPacker.Pruning;

/// <summary>
/// Gradual magnitude pruning (Zhu and Gupta 2017) plugged into the forward through <see cref="IWeightTransform"/>: every
/// <see cref="PruningSettings.MaskEvery"/> steps each pruned tensor's mask is recomputed from its blocks' |w| sums at
/// the <see cref="CubicSchedule"/>'s sparsity, and the pruned weights are set to 0 in the master weights and get no
/// gradient, so they stay 0 (the schedule only grows, and a zero block has the least magnitude). Other tensors pass
/// unchanged; the step is counted by <see cref="TransformGradient"/> (once per training step and tensor), so
/// evaluation passes do not move the schedule.
/// </summary>
public sealed class MagnitudePruning : IWeightTransform
{
    private sealed class State
    {
        public bool[]? Mask;
        public long Steps, MaskStep = -1;
    }

    private readonly Dictionary<string, State> _states = new();
    private readonly PruningSettings _settings;
    private readonly CubicSchedule _schedule;

    public MagnitudePruning(AlbertParameters p, PruningSettings settings, long totalSteps)
    {
        settings.Validate();
        _settings = settings;
        _schedule = CubicSchedule.Of(settings, totalSteps);
        foreach (var t in PruningSettings.Tensors(p))
        {
            settings.Block.CheckTiles(t);
            _states[t.Name] = new State();
        }
    }

    public void TransformWeight(NamedTensor master, Span<float> effective)
    {
        master.Data.AsSpan().CopyTo(effective);
        if (!_states.TryGetValue(master.Name, out var s)) return;
        if (s.Mask is null || (s.Steps % _settings.MaskEvery == 0 && s.Steps != s.MaskStep))
        {
            s.Mask = BlockMask.TopK(BlockMask.Magnitudes(master.Data, _settings.Block, master.Cols), _schedule.At(s.Steps));
            s.MaskStep = s.Steps;
            BlockMask.Zero(master.Data, s.Mask, _settings.Block, master.Cols);
        }
        BlockMask.Zero(effective, s.Mask, _settings.Block, master.Cols);
    }

    public void TransformLinearInput(string weightName, Span<float> input) { }

    public void TransformGradient(NamedTensor master, Span<float> gradient)
    {
        if (!_states.TryGetValue(master.Name, out var s)) return;
        if (s.Mask is not null) BlockMask.Zero(gradient, s.Mask, _settings.Block, master.Cols);
        s.Steps++;
    }

    /// <summary>Prunes <paramref name="p"/> in place to exactly the final sparsity by magnitude (the last step's mask).</summary>
    public static void Finish(AlbertParameters p, PruningSettings settings)
    {
        foreach (var t in PruningSettings.Tensors(p))
        {
            settings.Block.CheckTiles(t);
            BlockMask.Zero(t.Data, BlockMask.TopK(BlockMask.Magnitudes(t.Data, settings.Block, t.Cols), settings.Sparsity), settings.Block, t.Cols);
        }
    }
}
