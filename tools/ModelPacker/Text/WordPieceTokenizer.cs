namespace ModelPacker.Text;

/// <summary>
/// BERT's WordPiece tokenizer: <see cref="BertNormalizer"/> words, each split greedily into the longest pieces
/// found in the vocabulary, left to right, every piece after the first prefixed "##". A word that cannot be
/// covered completely, or longer than <c>maxInputCharsPerWord</c> code points, becomes one [UNK].
/// </summary>
public sealed class WordPieceTokenizer
{
    private readonly bool _lowerCase;
    private readonly int _maxInputCharsPerWord;
    private readonly NormalizerTable? _normalizer;

    /// <param name="normalizer">An image's NORMALIZER table: normalize with it (as the device does) instead of
    /// <see cref="BertNormalizer"/>; the two give the same words (NormalizerTableTests).</param>
    public WordPieceTokenizer(Vocabulary vocab, bool lowerCase = true, int maxInputCharsPerWord = 100, NormalizerTable? normalizer = null)
    {
        ArgumentNullException.ThrowIfNull(vocab);
        ArgumentOutOfRangeException.ThrowIfNegative(maxInputCharsPerWord); // 0: every word is [UNK], as on the device
        Vocabulary = vocab;
        _lowerCase = lowerCase;
        _maxInputCharsPerWord = maxInputCharsPerWord;
        _normalizer = normalizer;
    }

    public Vocabulary Vocabulary { get; }

    public string[] Tokenize(string text) => Array.ConvertAll(TokenizeToIds(text), id => Vocabulary[id]);

    /// <summary>Piece ids of <paramref name="text"/>, without [CLS]/[SEP] and without truncation.</summary>
    public int[] TokenizeToIds(string text)
    {
        var ids = new List<int>();
        foreach (var word in _normalizer?.Split(text) ?? BertNormalizer.Split(text, _lowerCase)) AppendWord(word, ids);
        return ids.ToArray();
    }

    /// <summary>[CLS] pieces [SEP], pieces truncated so the total is at most <paramref name="maxLength"/>.</summary>
    public int[] Encode(string text, int maxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        var pieces = TokenizeToIds(text);
        int n = Math.Min(pieces.Length, maxLength - 2);
        var ids = new int[n + 2];
        ids[0] = Vocabulary.ClsId;
        Array.Copy(pieces, 0, ids, 1, n);
        ids[n + 1] = Vocabulary.SepId;
        return ids;
    }

    private void AppendWord(string word, List<int> ids)
    {
        int mark = ids.Count;
        if (MatchWord(word, ids)) return;
        ids.RemoveRange(mark, ids.Count - mark);
        ids.Add(Vocabulary.UnkId);
    }

    /// <summary>
    /// Appends the pieces greedy longest-match picks in <paramref name="word"/>; false when the word cannot be covered
    /// (the pieces up to where no piece matched are left appended) or is too long (nothing appended). A piece
    /// missing from the vocabulary is simply not found: the match takes the longest shorter piece that is there.
    /// </summary>
    internal bool MatchWord(string word, List<int> ids)
    {
        // Code point boundaries, so a piece never splits a surrogate pair.
        Span<int> bounds = word.Length <= 256 ? stackalloc int[word.Length + 1] : new int[word.Length + 1];
        int nCodePoints = 0;
        for (int i = 0; i < word.Length; i += char.IsSurrogatePair(word, i) ? 2 : 1) bounds[nCodePoints++] = i;
        bounds[nCodePoints] = word.Length;
        if (nCodePoints > _maxInputCharsPerWord) return false;

        int start = 0;
        while (start < nCodePoints)
        {
            int end = nCodePoints, found = -1;
            for (; end > start; end--)
            {
                var piece = word.AsSpan(bounds[start], bounds[end] - bounds[start]);
                if (start == 0 ? Vocabulary.TryGetWordStartId(piece, out found) : Vocabulary.TryGetContinuationId(piece, out found))
                    break;
            }
            if (end == start) return false;
            ids.Add(found);
            start = end;
        }
        return true;
    }
}
