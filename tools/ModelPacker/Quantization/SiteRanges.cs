namespace ModelPacker.Quantization;

/// <summary>
/// The largest magnitude seen at every quantization site of docs/numerics.md during calibration (what
/// <see cref="Calibrator.Scales"/> turns into <see cref="ActivationScales"/>). Filled by a recorder that watches a
/// float forward: the fp32 one (<see cref="ActivationRecorder"/>) or the binarized one (<see cref="BinaryActivationRecorder"/>).
/// </summary>
public abstract class SiteRanges
{
    protected SiteRanges(int exits) => TanhInput = new double[exits];

    public double EmbeddingSum, EmbeddingNorm, Hidden, Query, Key, Value, Context, AttentionSum, AttentionNorm,
        GeluInput, GeluOutput, FullSum;
    /// <summary>Pooler output (tanh input), one per exit.</summary>
    public double[] TanhInput { get; }

    protected static void Max(ref double field, ReadOnlySpan<float> x) =>
        field = Math.Max(field, Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(x)));  // MaxMagnitude keeps the sign
}
