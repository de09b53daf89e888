using System.Diagnostics;
using ModelPacker.Data;
using ModelPacker.Evaluation;

namespace ModelPacker.Teacher;

/// <summary>What <see cref="TeacherTraining.Run"/> produced: the chosen head, every candidate's validation score,
/// the scores of the chosen head on each split, and what the encoding cost.</summary>
public sealed record TeacherResult(
    SentenceTeacherHead Teacher,
    IReadOnlyList<HeadCandidate> Candidates,
    ClassificationReport Train,
    ClassificationReport Validation,
    ClassificationReport? Test,
    int Utterances,
    int CacheHits,
    int Encoded,
    TimeSpan EncodingTime,
    TimeSpan HeadTime);

/// <summary>One fitted candidate head. Only <see cref="ValidationAccuracy"/> chooses; the test accuracy is reported
/// so the choice can be compared with each alternative (e.g. plain logistic regression) afterwards (null when the
/// test split was not scored).</summary>
public sealed record HeadCandidate(HeadTrainingOptions Options, double ValidationAccuracy, ClassificationReport? Test);

/// <summary>
/// Builds the teacher for a dataset: embeds every utterance of its three splits (through the cache), fits each
/// candidate head on train (in parallel: each fit is single-threaded and deterministic), keeps the one with the best
/// validation accuracy (the first on a tie), and scores it on every split. Without <c>scoreTest</c> the test split is
/// neither encoded nor scored: the choice never reads it, so <c>train</c>, which fits its own teacher, skips that cost.
/// </summary>
public static class TeacherTraining
{
    /// <summary>Logistic regression at three L2 strengths and a small MLP: cheap enough to try them all.</summary>
    public static IReadOnlyList<HeadTrainingOptions> DefaultCandidates { get; } =
    [
        new() { Hidden = 0, L2 = 0f, LearningRate = 1e-2f, Epochs = 40 },
        new() { Hidden = 0, L2 = 1e-6f, LearningRate = 1e-2f, Epochs = 40 },
        new() { Hidden = 0, L2 = 1e-5f, LearningRate = 1e-2f, Epochs = 40 },
        new() { Hidden = 512, L2 = 1e-4f, Epochs = 20 },
    ];

    public static TeacherResult Run(IntentDataset dataset, CachedEmbedder embedder, IReadOnlyList<HeadTrainingOptions>? candidates = null,
        Action<string>? log = null, CancellationToken cancellation = default, bool scoreTest = true)
    {
        candidates ??= DefaultCandidates;
        if (candidates.Count == 0) throw new ArgumentException("no candidate heads", nameof(candidates));
        foreach (var (name, split) in new[] { ("train", dataset.Train), ("validation", dataset.Validation), ("test", dataset.Test) })
            if (split.Count == 0 && (scoreTest || name != "test"))
                throw new DataFormatException(dataset.SourcePath, $"the {name} split has no utterances; the teacher needs train, validation and test");

        int hitsBefore = embedder.Hits, encodedBefore = embedder.Encoded;
        var encodingBefore = embedder.EncodingTime;
        var all = dataset.Train.Concat(dataset.Validation).Concat(scoreTest ? dataset.Test : []).Select(e => e.Text).ToList();
        log?.Invoke($"embedding {all.Count} utterances with {embedder.EncoderId}");
        var vectors = embedder.Embed(all, cancellation);
        // Saved before the head is fitted, so an interrupted run keeps what it encoded.
        embedder.Save();
        var trainX = vectors[..dataset.Train.Count];
        var validationX = vectors[dataset.Train.Count..(dataset.Train.Count + dataset.Validation.Count)];
        var testX = scoreTest ? vectors[(dataset.Train.Count + dataset.Validation.Count)..] : null;

        var labels = dataset.Labels;
        int[] Ids(IReadOnlyList<IntentExample> split) => split.Select(e => dataset.LabelId(e.Label)).ToArray();
        int[] trainY = Ids(dataset.Train), validationY = Ids(dataset.Validation), testY = scoreTest ? Ids(dataset.Test) : [];
        var flatTrain = SentenceTeacherHead.Flatten(trainX, embedder.Dimension);

        var clock = Stopwatch.StartNew();
        var scores = new List<HeadCandidate>();
        SentenceTeacherHead? best = null;
        double bestAccuracy = -1;
        var heads = new SoftmaxHead[candidates.Count];
        Parallel.For(0, candidates.Count, new ParallelOptions { CancellationToken = cancellation },
            i => heads[i] = HeadTrainer.Train(flatTrain, trainY, embedder.Dimension, labels.Length, candidates[i], cancellation));
        for (int i = 0; i < candidates.Count; i++)
        {
            var options = candidates[i];
            var teacher = new SentenceTeacherHead(embedder.EncoderId, labels, heads[i], options);
            double accuracy = Accuracy(teacher.Predict(validationX), validationY);
            var test = testX is null ? null : ClassificationReport.Compute(labels, testY, teacher.Predict(testX));
            scores.Add(new HeadCandidate(options, accuracy, test));
            log?.Invoke($"head {options.Describe()}: validation accuracy {accuracy:P2}" + (test is null ? "" : $" (test {test.Accuracy:P2}" +
                        (test.InScopeAccuracy is { } inScope ? $", in-scope {inScope:P2})" : ")")));
            if (accuracy > bestAccuracy)
            {
                best = teacher;
                bestAccuracy = accuracy;
            }
        }
        var headTime = clock.Elapsed;

        ClassificationReport Score(float[][] x, int[] y) => ClassificationReport.Compute(labels, y, best!.Predict(x));
        return new TeacherResult(best!, scores, Score(trainX, trainY), Score(validationX, validationY), testX is null ? null : Score(testX, testY),
            all.Count, embedder.Hits - hitsBefore, embedder.Encoded - encodedBefore, embedder.EncodingTime - encodingBefore, headTime);
    }

    private static double Accuracy(int[] predicted, int[] gold)
    {
        int correct = 0;
        for (int i = 0; i < gold.Length; i++)
            if (predicted[i] == gold[i]) correct++;
        return (double)correct / gold.Length;
    }
}
