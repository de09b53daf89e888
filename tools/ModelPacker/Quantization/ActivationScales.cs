namespace ModelPacker.Quantization;

/// <summary>
/// The activation scale (real value of one integer step) at every quantization site of docs/numerics.md, shared by
/// every depth of the one shared layer. int8 sites: range / 127; int16 sites (LayerNorm inputs): range / 32767.
/// </summary>
public sealed record ActivationScales
{
    public required double EmbeddingSum { get; init; }       // int16: word + position + type, LayerNorm input
    public required double EmbeddingNorm { get; init; }      // int8: embedding LayerNorm output
    public required double Hidden { get; init; }             // int8: layer input h (embedding mapping and full LN output)
    public required double Query { get; init; }
    public required double Key { get; init; }
    public required double Value { get; init; }
    public required double Context { get; init; }            // int8: attention context
    public required double AttentionSum { get; init; }       // int16: h + dense(ctx)
    public required double AttentionNorm { get; init; }      // int8: attention LayerNorm output a
    public required double GeluInput { get; init; }          // int8
    public required double GeluOutput { get; init; }         // int8
    public required double FullSum { get; init; }            // int16: a + ffn_output(g)
    public required double[] TanhInput { get; init; }        // int8, one per exit
}
