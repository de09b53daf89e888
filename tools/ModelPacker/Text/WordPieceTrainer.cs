using System.Text;

namespace ModelPacker.Text;

/// <summary>
/// Learns a WordPiece vocabulary from training utterances, the way Hugging Face's WordPieceTrainer does: BPE pair
/// merges over <see cref="BertNormalizer"/> words, with continuation pieces written "##". The pair merged next is
/// the most frequent one (plain frequency: on small intent sets the likelihood score count(ab)/(count(a)count(b))
/// favours rare names that always co-occur, which spends the device's flash on tokens seen twice); ties go to the
/// ordinally smaller merged token, so training is deterministic.
/// <para>
/// The vocabulary is [PAD] [UNK] [CLS] [SEP] [MASK], then every character seen in training in both forms ("c" and
/// "##c", ordinal order) so no word made of known characters becomes [UNK], then merged tokens in the order they
/// were learnt. Merging stops at <c>vocabSize</c> tokens or when no pair occurs <c>minFrequency</c> times, so
/// every token beyond the characters occurs in the training data.
/// </para>
/// </summary>
public static class WordPieceTrainer
{
    public static Vocabulary Train(IEnumerable<string> texts, int vocabSize, int minFrequency = 2, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(minFrequency, 1);
        if (vocabSize < Vocabulary.SpecialTokens.Count)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize, "must hold at least the 5 special tokens");

        // Word types with counts, in ordinal order so symbol numbering does not depend on input order.
        var wordCounts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
            foreach (var w in BertNormalizer.Split(text, lowerCase))
                wordCounts[w] = wordCounts.GetValueOrDefault(w) + 1;
        var wordTypes = wordCounts.Keys.ToArray();
        Array.Sort(wordTypes, StringComparer.Ordinal);

        // Alphabet: every code point seen.
        var chars = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var w in wordTypes)
            foreach (var r in w.EnumerateRunes())
                chars.Add(r.ToString());
        int alphabetTokens = Vocabulary.SpecialTokens.Count + 2 * chars.Count;
        if (alphabetTokens > vocabSize)
            throw new ArgumentOutOfRangeException(nameof(vocabSize), vocabSize,
                $"too small: the training texts use {chars.Count} distinct characters, which alone need {alphabetTokens} tokens");

        var state = new MergeState();
        var output = new List<string>(vocabSize);
        output.AddRange(Vocabulary.SpecialTokens);
        foreach (var c in chars) { output.Add(c); state.Symbol(c); }
        foreach (var c in chars) { string t = Vocabulary.ContinuationPrefix + c; output.Add(t); state.Symbol(t); }

        state.AddWords(wordTypes, wordCounts);
        foreach (var token in state.Merge(vocabSize - output.Count, minFrequency)) output.Add(token);
        return Vocabulary.FromTokens(output);
    }

    /// <summary>Incremental BPE: pair counts and the words each pair occurs in, updated per merge.</summary>
    private sealed class MergeState
    {
        private readonly List<string> _symbols = [];
        private readonly Dictionary<string, int> _symbolIds = new(StringComparer.Ordinal);
        private int[][] _words = [];
        private int[] _lengths = [];
        private int[] _freq = [];
        private readonly Dictionary<long, long> _pairCount = [];
        private readonly Dictionary<long, HashSet<int>> _pairWords = [];
        private readonly PriorityQueue<long, (long Count, string Merged, string Left)> _queue = new(new Priority());

        public int Symbol(string token)
        {
            if (_symbolIds.TryGetValue(token, out int id)) return id;
            id = _symbols.Count;
            _symbols.Add(token);
            _symbolIds[token] = id;
            return id;
        }

        public void AddWords(string[] wordTypes, Dictionary<string, int> counts)
        {
            _words = new int[wordTypes.Length][];
            _lengths = new int[wordTypes.Length];
            _freq = new int[wordTypes.Length];
            for (int w = 0; w < wordTypes.Length; w++)
            {
                var syms = new List<int>();
                foreach (var r in wordTypes[w].EnumerateRunes())
                    syms.Add(_symbolIds[syms.Count == 0 ? r.ToString() : Vocabulary.ContinuationPrefix + r]);
                _words[w] = syms.ToArray();
                _lengths[w] = syms.Count;
                _freq[w] = counts[wordTypes[w]];
                AddPairs(w, null);
            }
            foreach (var (pair, count) in _pairCount) Enqueue(pair, count);
        }

        /// <summary>Performs up to <paramref name="maxNewTokens"/> new-token merges; yields each new token.</summary>
        public IEnumerable<string> Merge(int maxNewTokens, int minFrequency)
        {
            var before = new Dictionary<long, long>();
            int added = 0;
            while (added < maxNewTokens && _queue.TryDequeue(out long pair, out var priority))
            {
                if (!_pairCount.TryGetValue(pair, out long count) || count != priority.Count) continue; // stale
                if (count < minFrequency) yield break;

                int a = (int)(pair >> 32), b = (int)(pair & 0xFFFFFFFF);
                bool isNew = !_symbolIds.ContainsKey(priority.Merged);
                int merged = Symbol(priority.Merged);

                before.Clear();
                foreach (int w in _pairWords[pair].ToArray())
                {
                    RemovePairs(w, before);
                    var s = _words[w];
                    int n = _lengths[w], j = 0;
                    for (int i = 0; i < n; i++)
                    {
                        if (i + 1 < n && s[i] == a && s[i + 1] == b) { s[j++] = merged; i++; }
                        else s[j++] = s[i];
                    }
                    _lengths[w] = j;
                    AddPairs(w, before);
                }
                foreach (var (p, old) in before)
                {
                    long now = _pairCount.GetValueOrDefault(p);
                    if (now == 0) { _pairCount.Remove(p); _pairWords.Remove(p); }
                    else if (now != old) Enqueue(p, now);
                }

                if (isNew)
                {
                    added++;
                    yield return priority.Merged;
                }
            }
        }

        private void AddPairs(int w, Dictionary<long, long>? before)
        {
            var s = _words[w];
            for (int i = 0; i + 1 < _lengths[w]; i++)
            {
                long p = Key(s[i], s[i + 1]);
                long c = _pairCount.GetValueOrDefault(p);
                before?.TryAdd(p, c);
                _pairCount[p] = c + _freq[w];
                if (!_pairWords.TryGetValue(p, out var set)) _pairWords[p] = set = [];
                set.Add(w);
            }
        }

        private void RemovePairs(int w, Dictionary<long, long> before)
        {
            var s = _words[w];
            for (int i = 0; i + 1 < _lengths[w]; i++)
            {
                long p = Key(s[i], s[i + 1]);
                long c = _pairCount[p];
                before.TryAdd(p, c);
                _pairCount[p] = c - _freq[w];
                _pairWords[p].Remove(w);
            }
        }

        private void Enqueue(long pair, long count)
        {
            string left = _symbols[(int)(pair >> 32)], right = _symbols[(int)(pair & 0xFFFFFFFF)];
            // The right symbol is always a continuation ("##x"): only word-initial symbols lack the prefix.
            _queue.Enqueue(pair, (count, left + right[Vocabulary.ContinuationPrefix.Length..], left));
        }

        private static long Key(int a, int b) => ((long)a << 32) | (uint)b;

        // Highest count first; ties: ordinally smaller merged token, then smaller left part.
        private sealed class Priority : IComparer<(long Count, string Merged, string Left)>
        {
            public int Compare((long Count, string Merged, string Left) x, (long Count, string Merged, string Left) y)
            {
                int c = y.Count.CompareTo(x.Count);
                if (c != 0) return c;
                c = string.CompareOrdinal(x.Merged, y.Merged);
                return c != 0 ? c : string.CompareOrdinal(x.Left, y.Left);
            }
        }
    }
}
