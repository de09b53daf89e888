using System.Numerics.Tensors;
using ModelPacker.Model;
using ModelPacker.Text;

namespace ModelPacker.Binarization;

/// <summary>
/// A transfer set in the spirit of TinyBERT's data augmentation, built from the training utterances only: each copy of
/// an utterance has some of its pieces replaced by near neighbours in the teacher's word-embedding table (same kind:
/// word-initial or "##" continuation), and maybe one piece deleted or two neighbouring pieces swapped. Each copy is
/// labelled by the teacher's prediction at its last exit, so the student meets more of the teacher's function than
/// the training utterances show (its distillation losses see the teacher on every copy).
/// </summary>
public static class TransferSet
{
    public sealed record Options(int Copies, int Neighbours = 8, float ReplaceProbability = 0.25f, float EditProbability = 0.3f, int Seed = 1);

    public static (int[][] X, int[] Y) Build(AlbertParameters teacher, Vocabulary vocabulary, IReadOnlyList<int[]> utterances, Options o)
    {
        if (o.Copies <= 0 || utterances.Count == 0) return ([], []);
        var neighbours = NearestNeighbours(teacher, vocabulary, o.Neighbours);
        var rng = new Random(o.Seed);
        var x = new List<int[]>(utterances.Count * o.Copies);
        foreach (var u in utterances)
            for (int c = 0; c < o.Copies; c++)
                if (Perturb(u, neighbours, rng, o) is { } v) x.Add(v);
        var model = new AlbertModel(teacher);
        var logits = model.PredictMany(x);
        var y = logits.Select(l => ArgMax(l[^1])).ToArray();
        return (x.ToArray(), y);
    }

    /// <summary>A perturbed copy of [CLS] pieces [SEP], or null when nothing changed.</summary>
    public static int[]? Perturb(int[] ids, int[][] neighbours, Random rng, Options o)
    {
        var inner = ids.Skip(1).Take(ids.Length - 2).ToList();
        bool changed = false;
        for (int i = 0; i < inner.Count; i++)
            if (neighbours[inner[i]].Length > 0 && rng.NextSingle() < o.ReplaceProbability)
            {
                var n = neighbours[inner[i]];
                inner[i] = n[rng.Next(n.Length)];
                changed = true;
            }
        if (inner.Count > 2 && rng.NextSingle() < o.EditProbability)
        {
            int i = rng.Next(inner.Count - 1);
            if (rng.Next(2) == 0) inner.RemoveAt(i);
            else (inner[i], inner[i + 1]) = (inner[i + 1], inner[i]);
            changed = true;
        }
        return changed ? [ids[0], .. inner, ids[^1]] : null;
    }

    /// <summary>For every piece, the ids of its k most cosine-similar pieces of the same kind (none for special tokens).</summary>
    public static int[][] NearestNeighbours(AlbertParameters teacher, Vocabulary vocabulary, int k)
    {
        int v = vocabulary.Count, e = teacher.Config.EmbeddingSize;
        var table = teacher.WordEmbeddings.Data;
        var norms = new float[v];
        for (int i = 0; i < v; i++) norms[i] = TensorPrimitives.Norm(table.AsSpan(i * e, e));
        // each piece's kind once (0: no neighbours, 1: word-initial, 2: "##"), not once per pair in the V² loop below
        var kind = new byte[v];
        for (int i = 0; i < v; i++)
            kind[i] = Vocabulary.SpecialTokens.Contains(vocabulary[i]) || norms[i] == 0f ? (byte)0
                : vocabulary[i].StartsWith(Vocabulary.ContinuationPrefix, StringComparison.Ordinal) ? (byte)2 : (byte)1;
        var result = new int[v][];
        Parallel.For(0, v, i =>
        {
            if (kind[i] == 0) { result[i] = []; return; }
            var row = table.AsSpan(i * e, e);
            var best = new PriorityQueue<int, float>();
            for (int j = 0; j < v; j++)
            {
                if (j == i || kind[j] != kind[i]) continue;
                float cos = TensorPrimitives.Dot(row, table.AsSpan(j * e, e)) / (norms[i] * norms[j]);
                best.Enqueue(j, cos);
                if (best.Count > k) best.Dequeue();
            }
            result[i] = new int[best.Count];
            for (int n = result[i].Length - 1; n >= 0; n--) result[i][n] = best.Dequeue();
        });
        return result;
    }

    private static int ArgMax(float[] x)
    {
        int best = 0;
        for (int i = 1; i < x.Length; i++) if (x[i] > x[best]) best = i;
        return best;
    }
}
