namespace ModelPacker.Data;

/// <summary>A labelled intent dataset with train, validation and test splits.</summary>
public sealed class IntentDataset
{
    /// <summary>Label of CLINC150's out-of-scope utterances.</summary>
    public const string OutOfScopeLabel = "oos";

    /// <summary>"clinc150", "banking77", or the directory name (e.g. "snips") / file name without extension.</summary>
    public required string Name { get; init; }

    public required string SourcePath { get; init; }
    public required IReadOnlyList<IntentExample> Train { get; init; }
    public required IReadOnlyList<IntentExample> Validation { get; init; }
    public required IReadOnlyList<IntentExample> Test { get; init; }

    /// <summary>Every label seen in any split, ordinal-sorted: the stable label-id order.</summary>
    public required string[] Labels { get; init; }

    /// <summary>"train", "validation" (or "val") or "test", case-insensitive.</summary>
    public IReadOnlyList<IntentExample> Split(string name) => name.ToLowerInvariant() switch
    {
        "train" => Train,
        "validation" or "val" => Validation,
        "test" => Test,
        _ => throw new ArgumentException($"unknown split '{name}': expected train, validation (val) or test", nameof(name)),
    };

    /// <summary>Index of <paramref name="label"/> in <see cref="Labels"/> (the class id); unknown -> ArgumentException.</summary>
    public int LabelId(string label)
    {
        int i = Array.BinarySearch(Labels, label, StringComparer.Ordinal);
        return i >= 0 ? i : throw new ArgumentException($"unknown label '{label}' in dataset {Name}", nameof(label));
    }

    /// <summary>Ordinal-sorted distinct labels of the given splits.</summary>
    internal static string[] CollectLabels(params IReadOnlyList<IntentExample>[] splits)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var split in splits)
            foreach (var e in split)
                set.Add(e.Label);
        var labels = set.ToArray();
        Array.Sort(labels, StringComparer.Ordinal);
        return labels;
    }
}
