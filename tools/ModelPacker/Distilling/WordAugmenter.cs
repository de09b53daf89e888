using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Distilling;

/// <summary>
/// Perturbed copies of an utterance for the transfer set, made at the word level (TinyBERT-style): each word may be
/// dropped or replaced by one of its neighbours (<see cref="WordNeighbours"/>), then two neighbouring words may swap
/// or a span of 2–3 words go. Working on the words <see cref="BertNormalizer"/> splits, joined by spaces, gives a text
/// that the sentence encoder and the student's WordPiece tokenizer both read as exactly these words, so teacher and
/// student see the same utterance (piece-level edits would need detokenizing, and can make non-words).
/// </summary>
public sealed class WordAugmenter(IReadOnlyDictionary<string, string[]> neighbours, DistilConfig config)
{
    /// <summary>The perturbed text, or null when the copy came out unchanged or empty.</summary>
    public string? Perturb(string text, Random rng)
    {
        var words = BertNormalizer.Split(text).ToList();
        if (words.Count == 0) return null;
        var original = string.Join(' ', words);
        var output = new List<string>(words.Count);
        foreach (string w in words)
        {
            if (words.Count > 1 && rng.NextSingle() < config.WordDropout) continue;
            if (neighbours.TryGetValue(w, out var near) && near.Length > 0 && rng.NextSingle() < config.ReplaceProbability)
                output.Add(near[rng.Next(near.Length)]);
            else output.Add(w);
        }
        if (output.Count > 2 && rng.NextSingle() < config.EditProbability)
        {
            if (rng.Next(2) == 0)
            {
                int i = rng.Next(output.Count - 1);
                (output[i], output[i + 1]) = (output[i + 1], output[i]);
            }
            else
            {
                int span = Math.Min(2 + rng.Next(2), output.Count - 1);
                output.RemoveRange(rng.Next(output.Count - span + 1), span);
            }
        }
        if (output.Count == 0) return null;
        string result = string.Join(' ', output);
        return result == original ? null : result;
    }
}
