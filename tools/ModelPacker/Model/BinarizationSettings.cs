using System.Text.Json.Serialization;

namespace ModelPacker.Model;

/// <summary>
/// The fully binarized (w1a1, BiBERT) variant of the model, recorded in config.json under <c>"binarization"</c>: when
/// present, every linear layer but the exit classifiers uses row-centred sign weights, binarized inputs and
/// Bi-Attention (see docs/numerics.md), and the checkpoint holds each binary layer's input binarizer
/// (<c>act_alpha</c>, <c>act_beta</c>). A config without the section is the fp32 model.
/// </summary>
public sealed class BinarizationSettings
{
    public const string W1A1 = "w1a1";
    /// <summary>alpha_x·sign(x − beta) with alpha_x and beta learned (BiT's elastic binarization).</summary>
    public const string Elastic = "elastic";
    /// <summary>alpha_x·sign(x) with alpha_x fixed at its calibrated mean |x| and beta = 0.</summary>
    public const string Sign = "sign";
    /// <summary>Layer inputs stay full precision (1-bit weights, Bi-Attention): the first step of BiT's multi-step
    /// distillation, whose weights then start a w1a1 run (<c>binarize --init</c>). Training only: no image packs it.</summary>
    public const string None = "none";
    /// <summary>Pooler input: h[CLS] binarized like every other layer input (the only choice before the setting existed).</summary>
    public const string PoolerBinary = "binary";
    /// <summary>Pooler input: h[CLS] as the int8 residual stream holds it, fake-quantized to that grid in training; the
    /// poolers' weights stay 1-bit (image encoding binary_s8). 150 intents need more than 128 sign bits of h[CLS].</summary>
    public const string PoolerInt8 = "int8";

    [JsonPropertyName("scheme")] public string Scheme { get; set; } = W1A1;
    [JsonPropertyName("activation_binarizer")] public string ActivationBinarizer { get; set; } = Sign;
    /// <summary>Attention weight a_ij = (s_ij ≥ threshold), s_ij = Σ_d sign(q_id)·sign(k_jd) (0 maximises entropy).</summary>
    [JsonPropertyName("attention_threshold")] public int AttentionThreshold { get; set; }
    /// <summary>What the exit poolers read: <see cref="PoolerBinary"/> (the default, so configs without the key keep
    /// their meaning) or <see cref="PoolerInt8"/>.</summary>
    [JsonPropertyName("pooler_input")] public string PoolerInput { get; set; } = PoolerBinary;

    [JsonIgnore] public bool LearnsActivationBinarizers => ActivationBinarizer == Elastic;
    /// <summary>False for the <see cref="None"/> step: layer inputs are not binarized.</summary>
    [JsonIgnore] public bool BinarizesInputs => ActivationBinarizer != None;
    /// <summary>True when the poolers take the int8 h[CLS] (1-bit weights, no input binarizer).</summary>
    [JsonIgnore] public bool PoolerReadsInt8 => PoolerInput == PoolerInt8;

    public void Validate(string source, int headSize)
    {
        if (Scheme != W1A1) throw new InvalidDataException($"{source}: binarization scheme '{Scheme}' is not supported (only {W1A1})");
        if (ActivationBinarizer is not (Elastic or Sign or None))
            throw new InvalidDataException($"{source}: activation_binarizer '{ActivationBinarizer}' must be {Elastic}, {Sign} or {None}");
        if (PoolerInput is not (PoolerBinary or PoolerInt8))
            throw new InvalidDataException($"{source}: pooler_input '{PoolerInput}' must be {PoolerBinary} or {PoolerInt8}");
        if (Math.Abs(AttentionThreshold) > headSize)
            throw new InvalidDataException($"{source}: attention_threshold {AttentionThreshold} is outside ±{headSize} (the head size)");
    }

    public BinarizationSettings Clone() => (BinarizationSettings)MemberwiseClone();
}
