using ModelPacker.Model;

namespace ModelPacker.Pruning;

/// <summary>
/// Movement pruning (Sanh et al. 2020) through <see cref="IWeightTransform"/>: a learned score S per block of each
/// pruned tensor (initially 0); the forward uses W ⊙ TopK(S) at the <see cref="CubicSchedule"/>'s sparsity; the
/// straight-through estimator gives dS = Σ over the block of dL/dW' ⊙ W (<see cref="ScoreGradient"/>) and the weights
/// dW = dL/dW' ⊙ TopK(S). The scores take an Adam step of their own (rate <see cref="PruningSettings.ScoreLearningRate"/>)
/// per training step, so weights moving away from zero gain score and weights moving toward it lose it. The step is
/// counted by <see cref="TransformGradient"/>, so evaluation passes use the current mask and move nothing.
/// </summary>
public sealed class MovementPruning : IWeightTransform
{
    private sealed class State(int blocks)
    {
        public readonly float[] Scores = new float[blocks], M = new float[blocks], V = new float[blocks];
        public float[]? Mask;
        public long Steps, MaskStep = -1;
    }

    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;
    private readonly Dictionary<string, State> _states = new();
    private readonly PruningSettings _settings;
    private readonly CubicSchedule _schedule;

    public MovementPruning(AlbertParameters p, PruningSettings settings, long totalSteps)
    {
        settings.Validate();
        _settings = settings;
        _schedule = CubicSchedule.Of(settings, totalSteps);
        foreach (var t in PruningSettings.Tensors(p))
        {
            settings.Block.CheckTiles(t);
            _states[t.Name] = new State(settings.Block.Count(t));
        }
    }

    /// <summary>The scores of tensor <paramref name="name"/> (one per block).</summary>
    public float[] Scores(string name) => _states[name].Scores;

    private float[] MaskOf(State s)
    {
        if (s.Mask is null || s.MaskStep != s.Steps)
        {
            s.Mask = BlockMask.AsFloats(BlockMask.TopK(s.Scores, _schedule.At(s.Steps)));
            s.MaskStep = s.Steps;
        }
        return s.Mask;
    }

    public void TransformWeight(NamedTensor master, Span<float> effective)
    {
        if (!_states.TryGetValue(master.Name, out var s)) { master.Data.AsSpan().CopyTo(effective); return; }
        BlockMask.Apply(master.Data, MaskOf(s), _settings.Block, master.Cols, effective);
    }

    public void TransformLinearInput(string weightName, Span<float> input) { }

    /// <summary>dL/dS for each block of a tensor of <paramref name="cols"/> columns: Σ_block dL/dW'_i · W_i (W' = W ⊙ M,
    /// the mask's straight-through gradient).</summary>
    public static float[] ScoreGradient(ReadOnlySpan<float> effectiveGradient, ReadOnlySpan<float> w, BlockShape block, int cols)
    {
        var g = new float[block.Count(w.Length / cols, cols)];
        for (int i = 0; i < w.Length; i++) g[block.Of(i, cols)] += effectiveGradient[i] * w[i];
        return g;
    }

    public void TransformGradient(NamedTensor master, Span<float> gradient)
    {
        if (!_states.TryGetValue(master.Name, out var s)) return;
        var mask = MaskOf(s);
        var g = ScoreGradient(gradient, master.Data, _settings.Block, master.Cols);
        long t = s.Steps + 1;
        float lr = (float)_settings.ScoreLearningRate, c1 = 1 - MathF.Pow(Beta1, t), c2 = 1 - MathF.Pow(Beta2, t);
        for (int k = 0; k < g.Length; k++)
        {
            s.M[k] = Beta1 * s.M[k] + (1 - Beta1) * g[k];
            s.V[k] = Beta2 * s.V[k] + (1 - Beta2) * g[k] * g[k];
            s.Scores[k] -= lr * (s.M[k] / c1) / (MathF.Sqrt(s.V[k] / c2) + Epsilon);
        }
        for (int i = 0; i < gradient.Length; i++) gradient[i] *= mask[_settings.Block.Of(i, master.Cols)];
        s.Steps++;
    }

    /// <summary>Writes W ⊙ TopK(S) at the final sparsity into <paramref name="p"/>: the pruned checkpoint.</summary>
    public void Finish(AlbertParameters p)
    {
        foreach (var t in PruningSettings.Tensors(p))
            BlockMask.Zero(t.Data, BlockMask.TopK(_states[t.Name].Scores, _settings.Sparsity), _settings.Block, t.Cols);
    }
}
