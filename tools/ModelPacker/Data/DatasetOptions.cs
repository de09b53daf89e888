namespace ModelPacker.Data;

/// <summary>How <see cref="DatasetLoader"/> reads user CSV/JSONL files and splits them.</summary>
public sealed class DatasetOptions
{
    /// <summary>Column (CSV header name or JSON property) holding the utterance.</summary>
    public string TextColumn { get; set; } = "text";

    /// <summary>
    /// Column holding the intent. When it is left at the default "intent" and a file has no such column, the
    /// loader falls back to "label" and then "category" (Banking77's header), in that order. A column set
    /// explicitly to anything else must exist: no fallback, so a typo is an error rather than a silent guess.
    /// </summary>
    public string LabelColumn { get; set; } = DefaultLabelColumn;

    /// <summary>Fraction of each intent's training examples moved to validation when a set has no validation split.</summary>
    public double ValidationFraction { get; set; } = 0.1;

    /// <summary>Keep CLINC150's out-of-scope splits (label <see cref="IntentDataset.OutOfScopeLabel"/>).</summary>
    public bool IncludeOutOfScope { get; set; } = true;

    internal const string DefaultLabelColumn = "intent";
    internal static readonly string[] LabelColumnFallbacks = ["label", "category"];

    /// <summary>Label column names to try, in order.</summary>
    internal IReadOnlyList<string> LabelColumnCandidates =>
        LabelColumn == DefaultLabelColumn ? [DefaultLabelColumn, .. LabelColumnFallbacks] : [LabelColumn];

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(TextColumn)) throw new ArgumentException("DatasetOptions.TextColumn is empty");
        if (string.IsNullOrWhiteSpace(LabelColumn)) throw new ArgumentException("DatasetOptions.LabelColumn is empty");
        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
            throw new ArgumentException($"DatasetOptions.ValidationFraction must be in [0, 1), got {ValidationFraction}");
    }
}
