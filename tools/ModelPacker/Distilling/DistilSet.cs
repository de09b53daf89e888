using System.Numerics.Tensors;
using ModelPacker.Data;
using ModelPacker.Teacher;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Distilling;

/// <summary>
/// The training utterances followed by their transfer set, with the sentence teacher's targets for every one. The
/// originals keep their labels; each augmented copy takes the teacher's predicted intent as its label.
/// </summary>
public sealed record DistilSet(IReadOnlyList<string> Texts, int[] Labels, SentenceTargets Targets, int Originals)
{
    public int Augmented => Texts.Count - Originals;

    /// <summary>The encoder's embedding of each piece of the student's vocabulary (null for the special tokens), the
    /// start of its word embeddings; null when not asked for.</summary>
    public float[]?[]? PieceVectors { get; init; }

    /// <summary>The encoder's word states of every text (words × dim), when word-level distillation is on.</summary>
    public float[][]? WordStates { get; init; }
    public int WordDimension { get; init; }

    /// <summary>
    /// Embeds the training utterances (through the teacher's cache), builds <see cref="DistilConfig.TransferCopies"/>
    /// augmented copies of each (<see cref="WordAugmenter"/>, seeded), embeds them too, and takes the teacher head's
    /// logits of all, reordered to <paramref name="labels"/>; with <paramref name="vocabulary"/> (and
    /// <see cref="DistilConfig.EmbeddingInit"/>) also embeds its pieces. The teacher's intents must be exactly the data's:
    /// otherwise a one-line error naming <paramref name="teacherSource"/>.
    /// </summary>
    public static DistilSet Build(SentenceTeacher teacher, string teacherSource, IReadOnlyList<IntentExample> train, string[] labels,
        DistilConfig config, int seed, CancellationToken cancellation = default, Vocabulary? vocabulary = null,
        IWordStateEncoder? words = null)
    {
        var order = LabelOrder(teacher.Labels, labels, teacherSource);
        var labelIds = labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var texts = train.Select(e => e.Text).ToList();
        var trainLabels = train.Select(e => labelIds.TryGetValue(e.Label, out int id) ? id
            : throw new InvalidDataException($"label '{e.Label}' is not in the dataset's label list")).ToList();
        int originals = texts.Count;

        if (config.TransferCopies > 0)
        {
            var neighbours = config.ReplaceProbability > 0
                ? WordNeighbours.Build(WordNeighbours.FrequentWords(texts, config.NeighbourMinFrequency),
                    words => teacher.Embed(words, cancellation), config.Neighbours)
                : new Dictionary<string, string[]>();
            var augmenter = new WordAugmenter(neighbours, config);
            var seen = new HashSet<string>(texts.Select(t => string.Join(' ', BertNormalizer.Split(t))), StringComparer.Ordinal);
            var rng = new Random(seed);
            for (int i = 0; i < originals; i++)
                for (int c = 0; c < config.TransferCopies; c++)
                    if (augmenter.Perturb(texts[i], rng) is { } copy && seen.Add(copy))
                    {
                        texts.Add(copy);
                        trainLabels.Add(-1); // the teacher's prediction, below
                    }
        }

        var embeddings = teacher.Embed(texts, cancellation);
        var pieces = vocabulary is not null && config.EmbeddingInit
            ? PieceEmbeddingInit.Embed(PieceEmbeddingInit.PieceTexts(vocabulary), t => teacher.Embed(t, cancellation))
            : null;
        teacher.SaveCache();
        var raw = teacher.Head.Logits(embeddings);
        int classes = labels.Length;
        var logits = new float[texts.Count][];
        for (int i = 0; i < texts.Count; i++)
        {
            var row = logits[i] = new float[classes];
            for (int t = 0; t < classes; t++) row[order[t]] = raw[i * classes + t];
            if (trainLabels[i] < 0) trainLabels[i] = TensorPrimitives.IndexOfMax(row);
        }
        var wordStates = config.WordWeight > 0
            ? (words ?? throw new ArgumentException("word-level distillation needs a word-state encoder")).Encode(texts, cancellation)
            : null;
        return new DistilSet(texts, trainLabels.ToArray(), new SentenceTargets(logits, embeddings), originals) { PieceVectors = pieces, WordStates = wordStates, WordDimension = words?.Dimension ?? 0 };
    }

    /// <summary>order[t] = the data's index of the teacher's intent t.</summary>
    public static int[] LabelOrder(IReadOnlyList<string> teacherLabels, string[] dataLabels, string teacherSource)
    {
        var missing = dataLabels.Except(teacherLabels, StringComparer.Ordinal).ToList();
        var extra = teacherLabels.Except(dataLabels, StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0 || teacherLabels.Count != dataLabels.Length)
        {
            static string List(List<string> l) => string.Join(", ", l.Take(3).Select(x => $"'{x}'")) + (l.Count > 3 ? $" and {l.Count - 3} more" : "");
            string detail = missing.Count > 0 ? $"the data's {List(missing)} missing" : "";
            if (extra.Count > 0) detail += (detail.Length > 0 ? "; " : "") + $"{List(extra)} not in the data";
            if (detail.Length == 0) detail = "a repeated intent";
            throw new InvalidDataException($"{teacherSource}: the teacher's {teacherLabels.Count} intents are not the data's {dataLabels.Length} ({detail}); fit the teacher on this data (modelpacker teacher)");
        }
        var index = dataLabels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        return teacherLabels.Select(l => index[l]).ToArray();
    }
}
