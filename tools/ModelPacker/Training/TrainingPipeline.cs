using System.Diagnostics;
using ModelPacker.Data;
using ModelPacker.Distilling;
using ModelPacker.Model;
using ModelPacker.Text;

namespace ModelPacker.Training;

/// <summary>
/// Dataset → WordPiece vocabulary (train texts only) → token ids → random init → training → the weights of the
/// epoch with the best validation accuracy (last exit). With a <see cref="DistilSet"/> the student also learns from a
/// sentence teacher (<see cref="SentenceDistillation"/>) on the training utterances and their transfer set.
/// </summary>
public static class TrainingPipeline
{
    /// <param name="distil">The training utterances (data.Train, in order) and their transfer set with the teacher's
    /// targets; null = labels only.</param>
    /// <param name="vocabulary">The vocabulary <see cref="BuildVocabulary"/> gives (built here when null); a distil
    /// set's piece vectors must be of this one.</param>
    public static TrainedModel Run(IntentDataset data, TrainConfig config, IProgress<TrainProgress>? progress = null, CancellationToken ct = default,
        DistilSet? distil = null, Vocabulary? vocabulary = null)
    {
        config.Validate();
        if (data.Train.Count == 0) throw new InvalidDataException($"{data.SourcePath}: the training split is empty");
        var vocab = vocabulary ?? BuildVocabulary(data, config);
        var tokenizer = new WordPieceTokenizer(vocab);
        var labelIds = data.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        var (trainX, trainY) = distil is null ? Encode(data.Train, tokenizer, labelIds, config.MaxLength) : Encode(distil, tokenizer, config.MaxLength);
        var (valX, valY) = Encode(data.Validation, tokenizer, labelIds, config.MaxLength);

        var albert = config.ToAlbertConfig(vocab.Count, data.Labels);
        var p = new AlbertParameters(albert);
        p.InitializeRandom(config.Seed);
        bool freezeWords = false;
        if (distil?.PieceVectors is { } pieces)
        {
            if (pieces.Length != vocab.Count)
                throw new ArgumentException($"the distil set has vectors of {pieces.Length} pieces, the vocabulary {vocab.Count}");
            PieceEmbeddingInit.Apply(p.WordEmbeddings, pieces, config.InitializerRange, config.Seed);
            freezeWords = (config.Distil ?? new DistilConfig()).FreezeEmbeddings;
        }
        return Train(p, vocab, config, trainX, trainY, valX, valY, progress, ct, auxiliary: distil is null ? null : DistilLoss(distil, config, tokenizer),
            freezeWordEmbeddings: freezeWords);
    }

    /// <summary>The WordPiece vocabulary of the training texts with the config's size and piece frequency.</summary>
    public static Vocabulary BuildVocabulary(IntentDataset data, TrainConfig config) =>
        WordPieceTrainer.Train(data.Train.Select(e => e.Text), config.VocabSize, config.MinTokenFrequency);

    /// <summary>The distil set's texts as token ids, with its labels.</summary>
    public static (int[][] Ids, int[] Labels) Encode(DistilSet distil, WordPieceTokenizer tokenizer, int maxLength) =>
        (distil.Texts.Select(t => tokenizer.Encode(t, maxLength)).ToArray(), distil.Labels);

    /// <summary>The sentence teacher's losses with <paramref name="config"/>'s settings (its distil section, or the defaults).</summary>
    public static SentenceDistillation SentenceLoss(DistilSet distil, TrainConfig config) =>
        new(distil.Targets, config.Distil ?? new DistilConfig(), config.ResolvedExitLossWeights(), config.HiddenSize, config.GradientShards,
            config.Seed, config.WeightDecay);

    /// <summary>The sentence losses, and the word-level one when the distil set carries word states.</summary>
    public static IAuxiliaryLoss DistilLoss(DistilSet distil, TrainConfig config, WordPieceTokenizer tokenizer)
    {
        var sentence = SentenceLoss(distil, config);
        if (distil.WordStates is not { } states) return sentence;
        var d = config.Distil ?? new DistilConfig();
        var words = new WordDistillation(states, distil.Texts.Select(t => WordAlignment.Of(t, tokenizer)).ToList(), distil.WordDimension,
            d.WordWeight, config.HiddenSize, config.GradientShards, config.Seed, config.WeightDecay);
        return new CombinedLoss(sentence, words);
    }

    public static (int[][] Ids, int[] Labels) Encode(IReadOnlyList<IntentExample> examples, WordPieceTokenizer tokenizer,
        IReadOnlyDictionary<string, int> labelIds, int maxLength)
    {
        var ids = new int[examples.Count][];
        var labels = new int[examples.Count];
        for (int i = 0; i < examples.Count; i++)
        {
            ids[i] = tokenizer.Encode(examples[i].Text, maxLength);
            labels[i] = labelIds.TryGetValue(examples[i].Label, out int id) ? id
                : throw new InvalidDataException($"label '{examples[i].Label}' is not in the dataset's label list");
        }
        return (ids, labels);
    }

    /// <summary>Trains <paramref name="p"/> in place on encoded data; returns the best epoch's weights (the last
    /// epoch's with <paramref name="keepLast"/>). Validation runs through <paramref name="evalTransform"/> when given
    /// (Quant-Noise trains with noise, validates the image's numerics), else through <paramref name="transform"/>.
    /// With <paramref name="freezeWordEmbeddings"/> the word embeddings get no gradient (see <see cref="Trainer.FreezeWordEmbeddings"/>).</summary>
    public static TrainedModel Train(AlbertParameters p, Vocabulary vocab, TrainConfig config, int[][] trainX, int[] trainY,
        int[][] valX, int[] valY, IProgress<TrainProgress>? progress = null, CancellationToken ct = default, IWeightTransform? transform = null,
        IAuxiliaryLoss? auxiliary = null, bool keepLast = false, IWeightTransform? evalTransform = null,
        Pruning.LayerDropSchedule? layerDrop = null, bool freezeWordEmbeddings = false)
    {
        int stepsPerEpoch = (trainX.Length + config.BatchSize - 1) / config.BatchSize;
        int totalSteps = stepsPerEpoch * config.Epochs;
        var trainer = new Trainer(p, config, totalSteps, transform, vocab.UnkId, auxiliary) { LayerDrop = layerDrop, FreezeWordEmbeddings = freezeWordEmbeddings };
        var average = config.EmaDecay > 0 ? new WeightAverage(p, config.EmaDecay) : null;
        var lengths = trainX.Select(x => x.Length).ToArray();
        var clock = Stopwatch.StartNew();
        var history = new List<EpochSummary>();
        AlbertParameters? best = null;
        float bestAcc = -1f;
        int bestEpoch = 0;
        float? lastVal = null;
        int step = 0;
        for (int epoch = 0; epoch < config.Epochs; epoch++)
        {
            var batches = LengthBucketBatcher.Epoch(lengths, config.BatchSize, config.BucketByLength, config.Seed, epoch);
            double lossSum = 0; long correct = 0, seen = 0;
            foreach (var idx in batches)
            {
                ct.ThrowIfCancellationRequested();
                var r = trainer.Step(idx.Select(i => trainX[i]).ToArray(), idx.Select(i => trainY[i]).ToArray(), idx);
                average?.Update(p);
                lossSum += r.Loss * r.Count; correct += r.Correct; seen += r.Count;
                step++;
                if (progress is not null && (step % 10 == 0 || step == totalSteps))
                    progress.Report(Progress(epoch, config.Epochs, step, totalSteps, lossSum / seen, (float)correct / seen, lastVal, clock.Elapsed));
            }
            var kept = average?.Average ?? p;
            float valAcc = valX.Length > 0 ? Accuracy(new AlbertModel(kept, evalTransform ?? transform), valX, valY) : (float)correct / seen;
            lastVal = valAcc;
            history.Add(new EpochSummary(epoch + 1, (float)(lossSum / seen), (float)correct / seen, valAcc, clock.Elapsed));
            if (valAcc >= bestAcc || keepLast)
            {
                bestAcc = valAcc; bestEpoch = epoch + 1;
                best = Clone(kept);
            }
            progress?.Report(Progress(epoch, config.Epochs, step, totalSteps, lossSum / seen, (float)correct / seen, lastVal, clock.Elapsed));
        }
        return new TrainedModel
        {
            Parameters = best!, Vocabulary = vocab, BestValidationAccuracy = bestAcc, BestEpoch = bestEpoch,
            TrainConfig = config, History = history,
        };
    }

    private static TrainProgress Progress(int epoch, int epochs, int step, int total, double loss, float acc, float? val, TimeSpan elapsed)
    {
        var remaining = step > 0 ? TimeSpan.FromTicks((long)(elapsed.Ticks * (double)(total - step) / step)) : TimeSpan.Zero;
        return new TrainProgress(epoch + 1, epochs, step, total, (float)loss, acc, val, elapsed, remaining);
    }

    /// <summary>Accuracy of the last exit.</summary>
    public static float Accuracy(AlbertModel model, int[][] x, int[] y) => ExitAccuracies(model, x, y)[^1];

    /// <summary>Accuracy of every exit, shallowest first.</summary>
    public static float[] ExitAccuracies(AlbertModel model, int[][] x, int[] y)
    {
        var logits = model.PredictMany(x);
        int layers = model.Config.NumHiddenLayers;
        var acc = new float[layers];
        for (int l = 0; l < layers; l++)
        {
            int hit = 0;
            for (int i = 0; i < x.Length; i++)
                if (System.Numerics.Tensors.TensorPrimitives.IndexOfMax(logits[i][l]) == y[i]) hit++;
            acc[l] = x.Length == 0 ? 0 : (float)hit / x.Length;
        }
        return acc;
    }

    public static AlbertParameters Clone(AlbertParameters p)
    {
        var c = new AlbertParameters(p.Config);
        for (int k = 0; k < p.All.Count; k++) p.All[k].Data.CopyTo(c.All[k].Data, 0);
        return c;
    }
}
