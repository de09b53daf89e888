namespace ModelPacker.FlashImage;

/// <summary>How an exit's answer becomes "unknown" (THRESHOLDS' rejection fields, docs/flash-image.md).</summary>
public enum RejectKind : uint
{
    /// <summary>Never reject: the answer is the argmax label (an image without rejection fields).</summary>
    None = 0,
    /// <summary>Unknown when the softmax probability of the argmax (Q16) is below the threshold.</summary>
    Confidence = 1,
    /// <summary>Unknown when the exit entropy (Q16 nats) is above the threshold.</summary>
    Entropy = 2,
}

/// <summary>
/// The out-of-scope rule an image stores: the answer of the exit that stopped the device loop is
/// <see cref="Unknown"/> when the rule's score crosses <see cref="ThresholdQ16"/> or when the argmax is the model's own
/// out-of-scope label (<see cref="UnknownLabel"/>, -1 for none). Equal to the C runtime's <c>ni_exit_answer</c>.
/// </summary>
public sealed record RejectionRule(RejectKind Kind, int ThresholdQ16, int UnknownLabel)
{
    /// <summary>The reserved answer "I don't know" (NI_ANSWER_UNKNOWN).</summary>
    public const int Unknown = -1;
    /// <summary>How tools print the unknown answer (in parentheses: no label of a dataset is taken for it).</summary>
    public const string UnknownName = "(unknown)";
    /// <summary>No out-of-scope label (NI_LABEL_NONE).</summary>
    public const int NoLabel = -1;
    /// <summary>Confidence 1.0 in Q16: the largest confidence threshold (it rejects every answer below certainty).</summary>
    public const int ConfidenceOne = 65536;

    public static readonly RejectionRule None = new(RejectKind.None, 0, NoLabel);

    /// <summary>The exit's answer: <paramref name="argmax"/>, or <see cref="Unknown"/> when the rule rejects it.</summary>
    public int Answer(int argmax, int entropyQ16, int confidenceQ16) => Kind switch
    {
        RejectKind.None => argmax,
        _ when argmax == UnknownLabel => Unknown,
        RejectKind.Confidence => confidenceQ16 < ThresholdQ16 ? Unknown : argmax,
        _ => entropyQ16 > ThresholdQ16 ? Unknown : argmax,
    };

    /// <summary>Null when the fields are valid for <paramref name="labels"/> labels, else what is wrong (the loader's
    /// NI_ERR_THRESHOLDS checks).</summary>
    public string? Problem(int labels) => Kind switch
    {
        RejectKind.None => ThresholdQ16 == 0 && UnknownLabel == NoLabel ? null : "no rejection kind but rejection fields",
        RejectKind.Confidence when ThresholdQ16 is < 0 or > ConfidenceOne => $"confidence threshold {ThresholdQ16} outside 0..{ConfidenceOne}",
        RejectKind.Entropy when ThresholdQ16 < 0 => $"entropy threshold {ThresholdQ16} is negative",
        RejectKind.Confidence or RejectKind.Entropy when UnknownLabel < NoLabel || UnknownLabel >= labels =>
            $"unknown label {UnknownLabel} outside -1..{labels - 1}",
        RejectKind.Confidence or RejectKind.Entropy => null,
        _ => $"unknown rejection kind {(uint)Kind}",
    };

    /// <summary>"confidence &lt; 0.4213, or label oos" for messages.</summary>
    public string Describe(IReadOnlyList<string>? labels = null)
    {
        if (Kind == RejectKind.None) return "never";
        // a threshold nothing crosses (confidence 0, entropy 2^31 - 1) leaves only the label
        string? rule = Kind == RejectKind.Confidence ? ThresholdQ16 == 0 ? null : $"confidence < {ThresholdQ16 / 65536.0:F4}"
            : ThresholdQ16 == int.MaxValue ? null : $"entropy > {ThresholdQ16 / 65536.0:F4} nats";
        if (UnknownLabel == NoLabel) return rule ?? "never";
        string name = labels is not null && UnknownLabel < labels.Count ? labels[UnknownLabel] : UnknownLabel.ToString();
        return rule is null ? $"the label '{name}'" : $"{rule}, or the label '{name}'";
    }
}
