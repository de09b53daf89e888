namespace ModelPacker.Data;

/// <summary>
/// Deterministic, stratified hold-out: from every label, the examples whose text hashes lowest (64-bit FNV-1a over
/// the UTF-16 code units, salted per purpose) are taken. No Random, so the split is the same on every run, machine
/// and .NET version, and adding examples of one intent never moves examples of another.
/// </summary>
internal static class StratifiedSplit
{
    /// <summary>
    /// Takes round(n * fraction) examples of each label (always leaving at least one behind) and returns both
    /// parts in their original order.
    /// </summary>
    public static (List<IntentExample> Kept, List<IntentExample> Taken) Take(
        IReadOnlyList<IntentExample> examples, double fraction, string salt)
    {
        var take = new bool[examples.Count];
        var byLabel = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int i = 0; i < examples.Count; i++)
        {
            if (!byLabel.TryGetValue(examples[i].Label, out var list)) byLabel[examples[i].Label] = list = [];
            list.Add(i);
        }

        foreach (var indices in byLabel.Values)
        {
            int k = Math.Min((int)Math.Round(indices.Count * fraction, MidpointRounding.AwayFromZero), indices.Count - 1);
            if (k <= 0) continue;
            var keys = indices.Select(i => (Hash: Hash(salt, examples[i].Text), Index: i)).ToArray();
            Array.Sort(keys, (a, b) =>
            {
                int c = a.Hash.CompareTo(b.Hash);
                if (c != 0) return c;
                c = string.CompareOrdinal(examples[a.Index].Text, examples[b.Index].Text);
                return c != 0 ? c : a.Index.CompareTo(b.Index);
            });
            for (int j = 0; j < k; j++) take[keys[j].Index] = true;
        }

        var kept = new List<IntentExample>(examples.Count);
        var taken = new List<IntentExample>();
        for (int i = 0; i < examples.Count; i++) (take[i] ? taken : kept).Add(examples[i]);
        return (kept, taken);
    }

    internal static ulong Hash(string salt, string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in salt) h = (h ^ c) * 1099511628211UL;
        h = (h ^ 0xFFFF) * 1099511628211UL; // separator: a salt/text boundary cannot be faked by the text
        foreach (char c in text) h = (h ^ c) * 1099511628211UL;
        return h;
    }
}
