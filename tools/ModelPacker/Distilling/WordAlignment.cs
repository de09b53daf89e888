using ModelPacker.Text;

namespace ModelPacker.Distilling;

/// <summary>
/// Which word each piece of an encoded utterance belongs to: position p of <see cref="WordPieceTokenizer.Encode"/>'s
/// output (after [CLS]) is piece p − 1; a piece without the "##" prefix starts a word. Truncation keeps a prefix, so
/// the map of the whole utterance serves every max length.
/// </summary>
public sealed class WordAlignment
{
    /// <param name="wordOfPiece">Non-decreasing from 0 in steps of at most 1.</param>
    public WordAlignment(int[] wordOfPiece)
    {
        for (int i = 0; i < wordOfPiece.Length; i++)
            if (wordOfPiece[i] - (i == 0 ? 0 : wordOfPiece[i - 1]) is not (0 or 1))
                throw new ArgumentException($"piece {i}: word {wordOfPiece[i]} does not follow the previous piece's");
        WordOfPiece = wordOfPiece;
        Words = wordOfPiece.Length == 0 ? 0 : wordOfPiece[^1] + 1;
    }

    /// <summary>The word of piece i (position i + 1 of the encoded sequence).</summary>
    public int[] WordOfPiece { get; }
    public int Words { get; }

    public static WordAlignment Of(string text, WordPieceTokenizer tokenizer)
    {
        var ids = tokenizer.TokenizeToIds(text);
        var vocab = tokenizer.Vocabulary;
        var map = new int[ids.Length];
        int word = -1;
        for (int i = 0; i < ids.Length; i++)
        {
            if (word < 0 || !vocab[ids[i]].StartsWith(Vocabulary.ContinuationPrefix, StringComparison.Ordinal)) word++;
            map[i] = word;
        }
        return new WordAlignment(map);
    }
}
