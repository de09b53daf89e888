using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Text;

namespace ModelPacker.Distilling;

/// <summary>
/// Starts the student's word embeddings from the teacher's knowledge instead of noise: every word piece is embedded
/// by the sentence encoder (a continuation piece "##ing" as "ing"), the embeddings are reduced to the student's
/// embedding width by their principal directions, and scaled to the random init's standard deviation, so pieces
/// the encoder finds alike start alike and the optimiser's step sizes stay what the recipe tuned. The special
/// tokens keep their random rows.
/// </summary>
public static class PieceEmbeddingInit
{
    /// <summary>The text the encoder embeds for each piece of <paramref name="vocab"/>; null for the special tokens.</summary>
    public static string?[] PieceTexts(Vocabulary vocab)
    {
        var specials = new HashSet<string>(Vocabulary.SpecialTokens, StringComparer.Ordinal);
        return vocab.Tokens.Select(t => specials.Contains(t) ? null
            : t.StartsWith(Vocabulary.ContinuationPrefix, StringComparison.Ordinal) && t.Length > Vocabulary.ContinuationPrefix.Length
                ? t[Vocabulary.ContinuationPrefix.Length..] : t).ToArray();
    }

    /// <summary>Embeds the pieces' texts (one call, so a cache sees them all at once); null rows stay null.</summary>
    public static float[]?[] Embed(string?[] texts, Func<IReadOnlyList<string>, float[][]> embed)
    {
        var present = texts.Select((t, i) => (t, i)).Where(x => x.t is not null).ToList();
        var vectors = embed(present.Select(x => x.t!).ToList());
        var result = new float[]?[texts.Length];
        for (int n = 0; n < present.Count; n++) result[present[n].i] = vectors[n];
        return result;
    }

    /// <summary>Overwrites the rows of <paramref name="wordEmbeddings"/> ([V, E]) that have a piece vector with its
    /// first E principal coordinates, scaled so that those rows have standard deviation <paramref name="std"/>.</summary>
    public static void Apply(NamedTensor wordEmbeddings, IReadOnlyList<float[]?> pieceVectors, float std, int seed)
    {
        int v = wordEmbeddings.Shape[0], e = wordEmbeddings.Shape[1];
        if (pieceVectors.Count != v)
            throw new ArgumentException($"{pieceVectors.Count} piece vectors for {v} embedding rows");
        var rows = Enumerable.Range(0, v).Where(i => pieceVectors[i] is not null).ToArray();
        if (rows.Length <= e) return; // too few pieces to give E directions: keep the random init
        var (mean, directions) = PrincipalComponents.Fit(rows.Select(i => pieceVectors[i]!).ToList(), e, seed);
        var projected = rows.Select(i => PrincipalComponents.Project(pieceVectors[i]!, mean, directions)).ToArray();
        double sumSq = projected.Sum(p => p.Sum(x => (double)x * x));
        float scale = (float)(std / Math.Sqrt(sumSq / ((double)rows.Length * e)));
        for (int n = 0; n < rows.Length; n++)
            for (int j = 0; j < e; j++) wordEmbeddings.Data[rows[n] * e + j] = projected[n][j] * scale;
    }
}
