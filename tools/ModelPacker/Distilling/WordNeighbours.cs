using System.Numerics.Tensors;
using ModelPacker.Teacher;
using ModelPacker.Text;

namespace ModelPacker.Distilling;

/// <summary>
/// For each frequent word of the training utterances, its k nearest other such words by the cosine of the sentence
/// encoder's embedding of the word alone ("weather" → "forecast", "climate", ...): the replacements of the transfer
/// set. Only words the data already has are candidates, so the student's vocabulary covers them.
/// </summary>
public static class WordNeighbours
{
    /// <summary>Words (lower-cased, as <see cref="BertNormalizer"/> splits them) with a letter or digit, seen at least
    /// <paramref name="minFrequency"/> times, in first-seen order.</summary>
    public static List<string> FrequentWords(IEnumerable<string> texts, int minFrequency)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (string text in texts)
            foreach (string w in BertNormalizer.Split(text))
            {
                if (!w.Any(char.IsLetterOrDigit)) continue;
                if (counts.TryGetValue(w, out int n)) counts[w] = n + 1;
                else { counts[w] = 1; order.Add(w); }
            }
        return order.Where(w => counts[w] >= minFrequency).ToList();
    }

    public static Dictionary<string, string[]> Build(IReadOnlyList<string> words, Func<IReadOnlyList<string>, float[][]> embed, int k)
    {
        var result = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (words.Count < 2) return result;
        var vectors = embed(words);
        var norms = vectors.Select(v => TensorPrimitives.Norm(v)).ToArray();
        var lists = new string[words.Count][];
        Parallel.For(0, words.Count, i =>
        {
            var best = new PriorityQueue<int, float>();
            for (int j = 0; j < words.Count; j++)
            {
                if (j == i) continue;
                float cos = TensorPrimitives.Dot(vectors[i], vectors[j]) / (norms[i] * norms[j] + 1e-12f);
                best.Enqueue(j, cos);
                if (best.Count > k) best.Dequeue();
            }
            var row = new string[best.Count];
            for (int n = row.Length - 1; n >= 0; n--) row[n] = words[best.Dequeue()];
            lists[i] = row;
        });
        for (int i = 0; i < words.Count; i++) result[words[i]] = lists[i];
        return result;
    }
}
