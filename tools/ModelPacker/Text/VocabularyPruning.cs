namespace ModelPacker.Text;

/// <summary>
/// A vocabulary pruned to the pieces a corpus (a model's training utterances) uses: it keeps the special tokens,
/// every single-character piece in both forms ("x" and "##x", so a word that could be covered before still can),
/// and every piece that greedy longest-match picks at least <c>minCount</c> times on the corpus, tokenized with the
/// pruned vocabulary itself. Removing a piece makes the words that used it pick shorter pieces, which may push other
/// pieces above or below the count, so the pruning repeats until nothing more goes (a fixed point: each round only
/// removes, so it ends). The pieces of a word that ends up [UNK] count too, up to where the match failed: otherwise
/// removing them could let the word be covered along another path. With minCount 1 the corpus therefore tokenizes
/// exactly as before (the first round removes only pieces no greedy step picked, the second removes nothing).
/// </summary>
public sealed class VocabularyPruning
{
    /// <summary>The pruned vocabulary, its strings in the original order.</summary>
    public required Vocabulary Vocabulary { get; init; }
    /// <summary>Kept[id] = the original id of the pruned vocabulary's token <c>id</c> (ascending).</summary>
    public required int[] Kept { get; init; }
    public required int OriginalCount { get; init; }
    public required int MinCount { get; init; }
    /// <summary>Tokenization rounds until the fixed point (the last one removed nothing).</summary>
    public required int Rounds { get; init; }

    /// <summary>Ids of the pruned vocabulary as ids of the original one (the rows of the checkpoint's embeddings).</summary>
    public int[] ToOriginalIds(int[] ids) => Array.ConvertAll(ids, id => Kept[id]);

    public static VocabularyPruning Prune(Vocabulary vocabulary, IReadOnlyCollection<string> corpus, int minCount, bool lowerCase = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var words = corpus.SelectMany(t => BertNormalizer.Split(t, lowerCase)).ToList();
        var kept = Enumerable.Range(0, vocabulary.Count).ToArray();
        var current = vocabulary;
        for (int round = 1; ; round++)
        {
            var counts = new int[current.Count];
            var tokenizer = new WordPieceTokenizer(current, lowerCase);
            var pieces = new List<int>();
            foreach (var word in words)
            {
                pieces.Clear();
                tokenizer.MatchWord(word, pieces);
                foreach (int id in pieces) counts[id]++;
            }
            var next = Enumerable.Range(0, current.Count)
                .Where(id => counts[id] >= minCount || IsSpecial(current, id) || IsSingleCharacter(current[id]))
                .ToArray();
            if (next.Length == current.Count)
                return new VocabularyPruning { Vocabulary = current, Kept = kept, OriginalCount = vocabulary.Count, MinCount = minCount, Rounds = round };
            kept = Array.ConvertAll(next, id => kept[id]);
            current = Vocabulary.FromTokens(next.Select(id => current[id]));
        }
    }

    private static bool IsSpecial(Vocabulary v, int id) =>
        id == v.PadId || id == v.UnkId || id == v.ClsId || id == v.SepId || id == v.MaskId;

    /// <summary>One code point, as a word start ("x") or as a continuation ("##x").</summary>
    public static bool IsSingleCharacter(string token)
    {
        var body = token.Length > Vocabulary.ContinuationPrefix.Length && token.StartsWith(Vocabulary.ContinuationPrefix, StringComparison.Ordinal)
            ? token.AsSpan(Vocabulary.ContinuationPrefix.Length) : token.AsSpan();
        return body.Length == 1 || (body.Length == 2 && char.IsSurrogatePair(body[0], body[1]));
    }
}
