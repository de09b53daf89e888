using ModelPacker.Data;
using ModelPacker.Distilling;
using ModelPacker.Teacher;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Tests.Distilling;

/// <summary>The word-level transfer set and the label check, with a stand-in encoder whose vectors are chosen so the
/// right neighbours are known.</summary>
public class TransferSetTextTests
{
    /// <summary>Words of one topic share a direction (weather, rain, snow; play, song, music); anything else is its own axis.</summary>
    private sealed class TopicEmbedder : ISentenceEmbedder
    {
        public string EncoderId => "topics";
        public int Dimension => 16;
        public List<string> Seen { get; } = [];
        public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default)
        {
            Seen.AddRange(texts);
            return texts.Select(t =>
            {
                var v = new float[Dimension];
                foreach (string w in t.Split(' '))
                {
                    int axis = w switch { "weather" or "rain" or "snow" => 0, "play" or "song" or "music" => 1, _ => 2 + w.Sum(ch => ch) % 14 };
                    v[axis] += 1;
                    v[(axis + 1) % Dimension] += w.Length * 0.01f; // words of a topic differ a little
                }
                return v;
            }).ToArray();
        }
        public void Dispose() { }
    }

    private static readonly string[] Labels = ["GetWeather", "PlayMusic"];
    private static readonly IntentExample[] Train =
    [
        new("Will it rain in Paris?", "GetWeather"), new("weather for snow tomorrow", "GetWeather"), new("rain or snow, what weather", "GetWeather"),
        new("play a song", "PlayMusic"), new("play music now", "PlayMusic"), new("song please, play music", "PlayMusic"),
    ];

    private static SentenceTeacher Teacher(TopicEmbedder encoder, string[] labels)
    {
        var head = new SoftmaxHead(16, 0, labels.Length);
        for (int r = 0; r < labels.Length; r++) // each intent's row reads its topic's axis
            head.Tensors[0].Data[16 * r + labels[r] switch { "GetWeather" => 0, "PlayMusic" => 1, _ => 2 }] = 5f;
        return new SentenceTeacher(new SentenceTeacherHead("topics", labels, head, new HeadTrainingOptions()), encoder, null);
    }

    [Fact]
    public void NeighboursAreWordsOfTheSameTopic()
    {
        var words = WordNeighbours.FrequentWords(Train.Select(e => e.Text), minFrequency: 2);
        Assert.Equal(["rain", "weather", "snow", "play", "song", "music"], words);
        var n = WordNeighbours.Build(words, w => new TopicEmbedder().Embed(w), k: 2);
        Assert.Equal(["rain", "snow"], n["weather"].Order());
        Assert.Equal(["music", "song"], n["play"].Order());
    }

    [Fact]
    public void CopiesAreSeededEditsOfTheSameWords()
    {
        var neighbours = new Dictionary<string, string[]> { ["rain"] = ["snow"], ["paris"] = ["london"] };
        var augmenter = new WordAugmenter(neighbours, new DistilConfig { ReplaceProbability = 0.5f, WordDropout = 0.1f, EditProbability = 0.5f });
        var a = Enumerable.Range(0, 10).Select(s => augmenter.Perturb("Will it rain in Paris?", new Random(s))).ToList();
        var b = Enumerable.Range(0, 10).Select(s => augmenter.Perturb("Will it rain in Paris?", new Random(s))).ToList();
        var rng = new Random(7);
        var copies = Enumerable.Range(0, 200).Select(_ => augmenter.Perturb("Will it rain in Paris?", rng)).ToList();
        Assert.Equal(a, b); // a seed gives the same copy
        Assert.True(a.Distinct().Count() > 3);
        var vocabulary = new HashSet<string> { "will", "it", "rain", "in", "paris", "?", "snow", "london" };
        Assert.All(copies.OfType<string>(), c =>
        {
            Assert.NotEqual("will it rain in paris ?", c);
            Assert.All(c.Split(' '), w => Assert.Contains(w, vocabulary));
            Assert.InRange(c.Split(' ').Length, 1, 6);
        });
        Assert.Contains(copies, c => c is not null && c.Contains("snow"));
        Assert.Contains(copies, c => c is not null && c.Contains("london"));
        Assert.Contains(copies, c => c is not null && c.Split(' ').Length <= 3); // a span went
        Assert.Contains(copies, c => c is null); // some copies came out unchanged
        Assert.Null(new WordAugmenter(neighbours, new DistilConfig { ReplaceProbability = 0, WordDropout = 0, EditProbability = 0 })
            .Perturb("rain", new Random(1)));
    }

    [Fact]
    public void DistilSetLabelsCopiesByTheTeacherAndReordersItsIntents()
    {
        var encoder = new TopicEmbedder();
        using var teacher = Teacher(encoder, ["PlayMusic", "GetWeather"]); // the data's order reversed
        var set = DistilSet.Build(teacher, "t/teacher-head.safetensors", Train, Labels, new DistilConfig { TransferCopies = 2 }, seed: 3);
        Assert.Equal(Train.Length, set.Originals);
        Assert.True(set.Augmented >= 4, $"{set.Augmented} copies");
        Assert.Equal(Train.Select(e => e.Text), set.Texts.Take(Train.Length));
        Assert.Equal([0, 0, 0, 1, 1, 1], set.Labels.Take(Train.Length));
        Assert.Equal(set.Texts.Distinct().Count(), set.Texts.Count);
        for (int i = 0; i < set.Texts.Count; i++)
        {
            // the head reads "PlayMusic" from axis 1 and "GetWeather" from axis 0; in the data's order weather comes first
            var e = set.Targets.Embeddings[i];
            Assert.Equal(5 * e[0], set.Targets.Logits[i][0], 5);
            Assert.Equal(5 * e[1], set.Targets.Logits[i][1], 5);
            if (i >= set.Originals) Assert.Equal(e[0] >= e[1] ? 0 : 1, set.Labels[i]);
        }
        // every text was embedded once: the frequent words for the neighbours, then the utterances and their copies
        var words = WordNeighbours.FrequentWords(Train.Select(e => e.Text), 2);
        Assert.Equal(words.Concat(set.Texts).Distinct().Order(), encoder.Seen.Order());
    }

    [Fact]
    public void DistilSetEmbedsTheStudentsPiecesWhenGivenItsVocabulary()
    {
        var vocab = WordPieceTrainer.Train(Train.Select(e => e.Text), 60, 1);
        var encoder = new TopicEmbedder();
        using var teacher = Teacher(encoder, Labels);
        var set = DistilSet.Build(teacher, "t", Train, Labels, new DistilConfig { TransferCopies = 0 }, seed: 3, vocabulary: vocab);
        var pieces = set.PieceVectors!;
        Assert.Equal(vocab.Count, pieces.Length);
        var texts = PieceEmbeddingInit.PieceTexts(vocab);
        for (int i = 0; i < vocab.Count; i++)
            if (texts[i] is null) Assert.Null(pieces[i]);
            else Assert.Equal(new TopicEmbedder().Embed([texts[i]!])[0], pieces[i]);
        Assert.Subset(encoder.Seen.ToHashSet(), texts.Where(t => t is not null).Select(t => t!).ToHashSet());

        var off = DistilSet.Build(teacher, "t", Train, Labels, new DistilConfig { TransferCopies = 0, EmbeddingInit = false }, seed: 3, vocabulary: vocab);
        Assert.Null(off.PieceVectors);
        Assert.Null(DistilSet.Build(teacher, "t", Train, Labels, new DistilConfig { TransferCopies = 0 }, seed: 3).PieceVectors);
    }

    [Fact]
    public void ATeacherOfOtherIntentsIsAOneLineErrorNamingTheFile()
    {
        using var teacher = Teacher(new TopicEmbedder(), ["PlayMusic", "BookRestaurant"]);
        var e = Assert.Throws<InvalidDataException>(() =>
            DistilSet.Build(teacher, "t/teacher-head.safetensors", Train, Labels, new DistilConfig(), seed: 1));
        Assert.Equal("t/teacher-head.safetensors: the teacher's 2 intents are not the data's 2 (the data's 'GetWeather' missing; " +
                     "'BookRestaurant' not in the data); fit the teacher on this data (modelpacker teacher)", e.Message);
        Assert.Equal([1, 0], DistilSet.LabelOrder(["b", "a"], ["a", "b"], "x"));
        Assert.Throws<InvalidDataException>(() => DistilSet.LabelOrder(["a", "b", "b"], ["a", "b"], "x"));
    }

    /// <summary>Two values per word: its length and its position, so each text's states are known.</summary>
    private sealed class CountingWords : IWordStateEncoder
    {
        public string EncoderId => "words";
        public int Dimension => 2;
        public List<string> Seen { get; } = [];
        public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellation = default)
        {
            Seen.AddRange(texts);
            return texts.Select(t => BertNormalizer.Split(t).SelectMany((w, k) => new float[] { w.Length, k }).ToArray()).ToArray();
        }
        public void Dispose() { }
    }

    [Fact]
    public void WordStatesComeWithWordWeightAndTurnOnTheWordTerm()
    {
        var vocab = WordPieceTrainer.Train(Train.Select(e => e.Text), 60, 1);
        var tokenizer = new WordPieceTokenizer(vocab);
        using var teacher = Teacher(new TopicEmbedder(), Labels);
        var words = new CountingWords();
        var config = new TrainConfig { Distil = new DistilConfig { TransferCopies = 1, WordWeight = 0.5f } };
        var set = DistilSet.Build(teacher, "t", Train, Labels, config.Distil, seed: 3, vocabulary: vocab, words: words);
        Assert.Equal(set.Texts, words.Seen);
        Assert.Equal(words.Encode(set.Texts), set.WordStates);
        Assert.Equal(2, set.WordDimension);
        var loss = Assert.IsType<CombinedLoss>(TrainingPipeline.DistilLoss(set, config, tokenizer));

        // off: the encoder is never asked, and the loss is the sentence teacher's alone
        var offConfig = new TrainConfig { Distil = new DistilConfig { TransferCopies = 1 } };
        var off = DistilSet.Build(teacher, "t", Train, Labels, offConfig.Distil, seed: 3, vocabulary: vocab, words: new CountingWords());
        Assert.Null(off.WordStates);
        Assert.IsType<SentenceDistillation>(TrainingPipeline.DistilLoss(off, offConfig, tokenizer));
        Assert.Throws<ArgumentException>(() => DistilSet.Build(teacher, "t", Train, Labels, config.Distil, seed: 3));
    }
}
