using System.Text.Json.Serialization;

namespace ModelPacker.Model;

/// <summary>
/// Adaptive attention span (EdgeBERT's simplification of Sukhbaatar et al. 2019), recorded in config.json under
/// <c>"attention_span"</c>: each head h of the shared layer has a learned span z_h (checkpoint tensor
/// <see cref="AlbertParameters.AttentionSpan"/>), and its attention weights are multiplied by the soft mask
/// m(d) = clamp((R + z_h − d) / R, 0, 1) of the query–key distance d, then renormalised. [CLS]'s query row
/// (position 0) counts every key at distance 0: it sees the whole utterance while the head is alive. A config
/// without the section has no spans. docs/numerics.md, "Adaptive attention span".
/// </summary>
public sealed class AttentionSpanSettings
{
    /// <summary>The ramp R in tokens: the mask falls from 1 at d = z to 0 at d = z + R.</summary>
    [JsonPropertyName("ramp")] public float Ramp { get; set; } = 8;

    public void Validate(string source)
    {
        if (!(Ramp >= 1 && Ramp <= 64)) throw new InvalidDataException($"{source}: attention_span.ramp {Ramp} must be in 1..64 tokens");
    }

    /// <summary>The soft mask of a key at distance <paramref name="distance"/> from the query.</summary>
    public static float Mask(float span, float ramp, int distance) => Math.Clamp((ramp + span - distance) / ramp, 0f, 1f);

    /// <summary>The distance the mask reads: |i − j|, and 0 for [CLS]'s row (i = 0), which sees every key.</summary>
    public static int Distance(int query, int key) => query == 0 ? 0 : Math.Abs(query - key);

    /// <summary>The hard span the image stores: ceil(z + R) clamped to 0..<paramref name="maxPositions"/>, the
    /// number of distances whose soft mask is above 0 (keys with d &lt; span are kept). 0 = the head is skipped.</summary>
    public static int HardSpan(float span, float ramp, int maxPositions)
    {
        double s = Math.Ceiling((double)span + ramp);
        return s <= 0 ? 0 : (int)Math.Min(s, maxPositions);
    }
}
