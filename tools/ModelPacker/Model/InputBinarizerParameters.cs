namespace ModelPacker.Model;

/// <summary>
/// The learned binarizer in front of one binary linear layer: its input x enters as alpha_x·sign(x − beta), sign(0) =
/// +1. Stored as two one-element tensors, <c>{prefix}act_alpha</c> and <c>{prefix}act_beta</c>.
/// </summary>
public sealed class InputBinarizerParameters
{
    public InputBinarizerParameters(string prefix, bool thresholdIsZero)
    {
        Alpha = new NamedTensor(prefix + "act_alpha", 1);
        Beta = new NamedTensor(prefix + "act_beta", 1);
        Alpha.Data[0] = 1f;
        ThresholdIsZero = thresholdIsZero;
    }

    /// <summary>alpha_x, the scale of the binarized input (positive).</summary>
    public NamedTensor Alpha { get; }
    /// <summary>beta, the threshold the input is compared with.</summary>
    public NamedTensor Beta { get; }
    /// <summary>True where the format fixes beta at 0 (the attention context: the image binarizes it by its sign).</summary>
    public bool ThresholdIsZero { get; }
}
