namespace ModelPacker.Quantization;

/// <summary>
/// One (test vector, exit layer) whose integer-reference output differs from what the image expects. Layer is
/// 0-based like the C runtime's <c>ni_exit_head(l)</c>; <see cref="What"/> names the first differing logit and
/// how many differ, and the entropy when it differs.
/// </summary>
public sealed record TestVectorMismatch(int Vector, int Layer, string What)
{
    public override string ToString() => $"test vector {Vector} layer {Layer}: {What}";

    /// <summary>Null when the logits and the entropy the reference computed equal the expected ones.</summary>
    public static TestVectorMismatch? Compare(int vector, int layer, int[] expectedLogits, int[] gotLogits,
                                              int expectedEntropy, int gotEntropy)
    {
        var parts = new List<string>();
        if (expectedLogits.Length != gotLogits.Length)
            parts.Add($"{gotLogits.Length} logits, expected {expectedLogits.Length}");
        else
        {
            var differ = Enumerable.Range(0, gotLogits.Length).Where(j => gotLogits[j] != expectedLogits[j]).ToList();
            if (differ.Count > 0)
                parts.Add($"logit {differ[0]} is {gotLogits[differ[0]]}, expected {expectedLogits[differ[0]]} ({differ.Count} of {gotLogits.Length} logits differ)");
        }
        if (gotEntropy != expectedEntropy) parts.Add($"entropy_q16 is {gotEntropy}, expected {expectedEntropy}");
        return parts.Count == 0 ? null : new TestVectorMismatch(vector, layer, string.Join("; ", parts));
    }
}
