using ModelPacker.Model;

namespace ModelPacker.Tests.Model;

/// <summary>A weight transform that changes nothing: it only sends the trainer down its whole-table gradient path.</summary>
public sealed class IdentityTransform : IWeightTransform
{
    public void TransformWeight(NamedTensor master, Span<float> effective) => master.Data.CopyTo(effective);
    public void TransformLinearInput(string weightName, Span<float> input) { }
}
