using ModelPacker.Data;
using ModelPacker.Text;

namespace ModelPacker.Tests.Text;

/// <summary>The trainer and tokenizer on real data: a 4000-token vocabulary learnt from SNIPS train.</summary>
public class SnipsVocabularyTests
{
    private const int VocabSize = 4000;
    private static readonly Lazy<(IntentDataset Data, Vocabulary Vocab)> Trained = new(() =>
    {
        var data = DatasetLoader.Load(TestPaths.Dataset("snips"));
        return (data, WordPieceTrainer.Train(data.Train.Select(e => e.Text), VocabSize));
    });

    [Fact]
    public void Train_FillsTheRequestedSizeWithSpecialsFirst()
    {
        var vocab = Trained.Value.Vocab;
        // SNIPS train has enough frequent pairs for more than 4000 tokens, so exactly 4000.
        Assert.Equal(VocabSize, vocab.Count);
        Assert.Equal(Vocabulary.SpecialTokens, vocab.Tokens.Take(5));
        Assert.Equal((0, 1, 2, 3, 4), (vocab.PadId, vocab.UnkId, vocab.ClsId, vocab.SepId, vocab.MaskId));
    }

    [Fact]
    public void Train_IsDeterministicOnRealData()
    {
        var (data, vocab) = Trained.Value;
        Assert.Equal(vocab.Tokens, WordPieceTrainer.Train(data.Train.Select(e => e.Text), VocabSize).Tokens);
    }

    [Fact]
    public void Train_CoversEveryCharacterInBothForms()
    {
        var (data, vocab) = Trained.Value;
        foreach (var word in data.Train.SelectMany(e => BertNormalizer.Split(e.Text)))
            foreach (var r in word.EnumerateRunes())
            {
                Assert.True(vocab.TryGetId(r.ToString(), out _), $"missing '{r}'");
                Assert.True(vocab.TryGetId("##" + r, out _), $"missing '##{r}'");
            }
    }

    [Fact]
    public void Train_EveryLearntTokenOccursInTrainingWords()
    {
        var (data, vocab) = Trained.Value;
        var starts = new HashSet<string>(StringComparer.Ordinal);   // word prefixes
        var inner = new HashSet<string>(StringComparer.Ordinal);    // substrings not at a word start
        foreach (var word in data.Train.SelectMany(e => BertNormalizer.Split(e.Text)).Distinct())
            for (int i = 0; i < word.Length; i++)
                for (int j = i + 1; j <= word.Length; j++)
                    (i == 0 ? starts : inner).Add(word[i..j]);
        foreach (var token in vocab.Tokens.Skip(5).Where(t => t.EnumerateRunes().Count() > (t.StartsWith("##") ? 3 : 1)))
            Assert.True(token.StartsWith("##") ? inner.Contains(token[2..]) : starts.Contains(token), $"'{token}' never occurs");
    }

    [Fact]
    public void Tokenize_TestSetHasNoUnkAndFewPiecesPerWord()
    {
        var (data, vocab) = Trained.Value;
        var tokenizer = new WordPieceTokenizer(vocab);
        var alphabet = data.Train.SelectMany(e => BertNormalizer.Split(e.Text)).SelectMany(w => w.EnumerateRunes()).ToHashSet();

        int pieces = 0, unks = 0, words = 0, wordsWithUnseenChar = 0;
        foreach (var e in data.Test)
        {
            var ids = tokenizer.TokenizeToIds(e.Text);
            pieces += ids.Length;
            unks += ids.Count(id => id == vocab.UnkId);
            foreach (var w in BertNormalizer.Split(e.Text))
            {
                words++;
                if (w.EnumerateRunes().Any(r => !alphabet.Contains(r))) wordsWithUnseenChar++;
            }
        }
        // With every training character in both forms, a word can only become [UNK] through a character never seen
        // in training, and SNIPS test has no such character.
        Assert.Equal(wordsWithUnseenChar, unks);
        Assert.Equal(0, unks);
        // The word count from BertNormalizer must agree with a second, regex-based count of the same BERT rules.
        Assert.Equal(WordCountByRegex(data.Test.Select(e => e.Text)), words);
        // Frequent words are whole tokens. 1.25 pieces per word leaves room for a different but equally good merge
        // order, and fails if merges stop early or go to rare tokens.
        Assert.InRange((double)pieces / words, 1.0, 1.25);
    }

    /// <summary>BERT's basic word split written independently of BertNormalizer: drop control and format characters,
    /// then a word is either one punctuation character (Unicode P* or an ASCII symbol) or a run of anything else up to
    /// whitespace. (CJK ideographs, which BERT splits one by one, do not occur in SNIPS.)</summary>
    private static int WordCountByRegex(IEnumerable<string> texts)
    {
        const string punctuation = @"\p{P}!-/:-@\[-`{-~";
        var invisible = new System.Text.RegularExpressions.Regex(@"[\p{C}\uFFFD-[\s]]");
        var word = new System.Text.RegularExpressions.Regex($@"[{punctuation}]|[^\s{punctuation}]+");
        return texts.Sum(t => word.Matches(invisible.Replace(t, "")).Count);
    }

    [Fact]
    public void Encode_SnipsUtteranceFitsTheDeviceSequenceLength()
    {
        var (data, vocab) = Trained.Value;
        var tokenizer = new WordPieceTokenizer(vocab);
        var ids = tokenizer.Encode(data.Test[0].Text, 32);
        Assert.Equal(vocab.ClsId, ids[0]);
        Assert.Equal(vocab.SepId, ids[^1]);
        Assert.InRange(ids.Length, 3, 32);
        Assert.DoesNotContain(vocab.PadId, ids);
    }
}
