namespace ModelPacker.Training;

/// <summary>
/// The <c>"attention_span"</c> section of a training config: how <c>modelpacker span</c> learns one attention span
/// per head (docs/numerics.md, "Adaptive attention span"). The loss gains penalty·Σ_h (z_h + ramp), an L1 penalty on
/// the spans (z_h + ramp ≥ 0 is how far the mask reaches); the spans move at their own peak learning rate (in tokens
/// per step, on the run's schedule), since the weights' rate would move them a few tokens in a whole run.
/// </summary>
public sealed class AttentionSpanConfig
{
    public float Ramp = 8f;
    public float Penalty = 0.01f;
    public float LearningRate = 0.05f;

    public void Validate(string source)
    {
        if (!(Ramp >= 1 && Ramp <= 64)) throw new InvalidDataException($"{source}: attention_span.ramp {Ramp} must be in 1..64 tokens");
        if (!(Penalty >= 0 && float.IsFinite(Penalty))) throw new InvalidDataException($"{source}: attention_span.penalty must be a finite number >= 0");
        if (!(LearningRate > 0 && LearningRate <= 10)) throw new InvalidDataException($"{source}: attention_span.learning_rate must be in (0, 10]");
    }
}
