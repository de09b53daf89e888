namespace ModelPacker.Model;

/// <summary>
/// The one point through which the forward pass reads every linear weight and embedding table, and every input of
/// a linear layer. Quantization-aware training plugs a fake-quantizer in here; gradients pass straight through
/// (the backward pass treats the transform as the identity, then <see cref="TransformGradient"/> may reshape the
/// weight gradient), so the master weights keep learning in fp32.
/// </summary>
public interface IWeightTransform
{
    /// <summary>Writes the weight the forward pass uses for <paramref name="master"/> into <paramref name="effective"/>
    /// (same length). Called once per training step (or once per <see cref="AlbertModel"/>).</summary>
    void TransformWeight(NamedTensor master, Span<float> effective);

    /// <summary>Transforms, in place, the input rows of the linear layer whose weight is named
    /// <paramref name="weightName"/> (Q, K and V share one input and report the query's name).</summary>
    void TransformLinearInput(string weightName, Span<float> input);

    /// <summary>Turns the gradient of the effective weight into the gradient applied to <paramref name="master"/> (in
    /// place). The default is the plain straight-through estimator: the gradient passes unchanged.</summary>
    void TransformGradient(NamedTensor master, Span<float> gradient) { }
}
