using System.Numerics.Tensors;
using ModelPacker.Model;

namespace ModelPacker.Training;

/// <summary>
/// One optimisation step at a time: the batch is cut into <see cref="TrainConfig.GradientShards"/> slices that run
/// forward and backward in parallel, each into its own gradient buffer; the buffers are summed in slice order,
/// clipped, and applied with AdamW. Dropout streams are derived from (seed, step, example index), so the result is
/// bit-identical for a given seed whatever the number of cores. The weight transform (default: the model's own, see
/// <see cref="ModelWeights.DefaultTransform"/>) shapes the forward's weights and the summed gradient; an optional
/// <see cref="IAuxiliaryLoss"/> adds to the labels' loss.
/// </summary>
public sealed class Trainer
{
    private readonly TrainConfig _cfg;
    private readonly AlbertComputation[] _work;
    private readonly AlbertParameters[] _grads;
    private readonly AdamW _adam;
    private readonly LearningRateSchedule _schedule;
    private readonly float[] _exitWeights;

    private readonly int _unkId;
    /// <summary>The last step's snapshot, whose buffers the next step's reuses.</summary>
    private ModelWeights? _weights;
    /// <summary>Position of the word embeddings in <see cref="AlbertParameters.All"/>, their width, and per gradient
    /// buffer the rows that hold non-zero values (buffer 0: every row the last reduction wrote).</summary>
    private readonly int _wordIndex, _embeddingSize;
    private readonly TouchedRows[] _wordRows;
    private bool _wordsDense;
    private readonly IAuxiliaryLoss? _auxiliary;

    /// <param name="unkTokenId">Id of [UNK], the replacement of <see cref="TrainConfig.TokenDropout"/>.</param>
    public Trainer(AlbertParameters parameters, TrainConfig cfg, int totalSteps, IWeightTransform? transform = null, int unkTokenId = 1,
        IAuxiliaryLoss? auxiliary = null)
    {
        _unkId = unkTokenId;
        _auxiliary = auxiliary;
        Parameters = parameters;
        _cfg = cfg;
        Transform = transform ?? ModelWeights.DefaultTransform(parameters);
        _work = Enumerable.Range(0, cfg.GradientShards).Select(_ => new AlbertComputation(parameters.Config)).ToArray();
        _grads = Enumerable.Range(0, cfg.GradientShards).Select(_ => new AlbertParameters(parameters.Config)).ToArray();
        _adam = new AdamW(parameters, cfg.AdamBeta1, cfg.AdamBeta2, cfg.AdamEpsilon, cfg.WeightDecay);
        _wordIndex = parameters.All.ToList().IndexOf(parameters.WordEmbeddings);
        _embeddingSize = parameters.WordEmbeddings.Cols;
        _wordRows = Enumerable.Range(0, cfg.GradientShards).Select(_ => new TouchedRows(parameters.WordEmbeddings.Rows)).ToArray();
        int warmup = (int)Math.Round(cfg.WarmupFraction * totalSteps);
        _schedule = new LearningRateSchedule(cfg.LearningRate, totalSteps, warmup, cfg.Schedule == "cosine");
        _exitWeights = cfg.ResolvedExitLossWeights();
        if (parameters.AttentionSpan is { } span && cfg.AttentionSpan is { } sc)
            _adam.ScaleRate(parameters.All.ToList().IndexOf(span), sc.LearningRate / cfg.LearningRate);
    }

    public AlbertParameters Parameters { get; }
    public IWeightTransform? Transform { get; set; }

    /// <summary>The word embeddings get no gradient (they keep the encoder's geometry, see
    /// <see cref="DistilConfig.FreezeEmbeddings"/>); AdamW's decoupled weight decay still scales every row alike.</summary>
    public bool FreezeWordEmbeddings
    {
        get => _wordsFrozen;
        init
        {
            _wordsFrozen = value;
            foreach (var w in _work) w.WordEmbeddingGradient = !value;
            if (value) _adam.Freeze(_wordIndex);
        }
    }
    private readonly bool _wordsFrozen;
    /// <summary>LayerDrop: which applications of the shared layer each step skips (null = none).</summary>
    public Pruning.LayerDropSchedule? LayerDrop { get; set; }
    public long StepCount { get; private set; }
    /// <summary>The summed gradient of the last step (before clipping is applied to it in place).</summary>
    public AlbertParameters LastGradient => _grads[0];
    public float LastGradientNorm { get; private set; }
    public float LastLearningRate { get; private set; }

    public readonly record struct StepResult(double Loss, int Correct, int Count, int Tokens);

    /// <param name="exampleIds">Training-set index of each sequence (for an auxiliary loss with per-example targets).</param>
    public StepResult Step(IReadOnlyList<int[]> sequences, IReadOnlyList<int> labels, IReadOnlyList<int>? exampleIds = null)
    {
        int b = sequences.Count;
        if (b == 0 || labels.Count != b) throw new ArgumentException("a step needs one label per sequence and at least one sequence");
        if (exampleIds is not null && exampleIds.Count != b) throw new ArgumentException("a step needs one example id per sequence");
        var weights = _weights = new ModelWeights(Parameters, Transform, _weights);
        int shards = Math.Min(_work.Length, b);
        var dropout = new DropoutSettings(_cfg.HiddenDropout, _cfg.AttentionDropout, _cfg.ClassifierDropout, _cfg.Seed, StepCount);
        var skipped = LayerDrop?.Skipped(StepCount, Parameters.Config.NumHiddenLayers);
        // Without a weight transform only the looked-up rows of the word-embedding gradient are ever non-zero: clear
        // and sum those rows alone (a step touches a few hundred of its thousands). The sums are the same floats.
        bool sparseWords = Transform is null;
        if (sparseWords && _wordsDense)
        {
            // A step with a transform wrote rows nobody recorded: start every buffer from a cleared table.
            for (int i = 0; i < _grads.Length; i++) { Array.Clear(_grads[i].All[_wordIndex].Data); _wordRows[i].Forget(); }
            _wordsDense = false;
        }
        var losses = new double[shards];
        var correct = new int[shards];
        float scale = 1f / b;
        Parallel.For(0, shards, i =>
        {
            int start = i * b / shards, end = (i + 1) * b / shards;
            var seqs = new int[end - start][];
            var labs = new int[end - start];
            for (int j = start; j < end; j++) { seqs[j - start] = WithTokenDropout(sequences[j], j); labs[j - start] = labels[j]; }
            int[]? ids = exampleIds is null ? null : Enumerable.Range(start, end - start).Select(j => exampleIds[j]).ToArray();
            var batch = new PackedBatch(seqs, labs, start, ids);
            for (int k = 0; k < _grads[i].All.Count; k++)
                if (sparseWords && k == _wordIndex) _wordRows[i].Clear(_grads[i].All[k].Data, _embeddingSize);
                else Array.Clear(_grads[i].All[k].Data);
            if (sparseWords && !_wordsFrozen) _wordRows[i].Record(batch.Tokens); // frozen: the rows stay 0
            _work[i].Forward(weights, batch, dropout, skipped);
            losses[i] = _work[i].Loss(_exitWeights, _cfg.LabelSmoothing, scale, out correct[i]);
            if (_auxiliary is not null) losses[i] += _auxiliary.Add(i, _work[i], scale);
            _work[i].Backward(_grads[i]);
        });
        // Fixed-order reduction into the first buffer, tensors in parallel.
        var all = _grads[0].All;
        if (sparseWords) _wordRows[0].Union(_wordRows, shards);
        if (!sparseWords) _wordsDense = true;
        Parallel.For(0, all.Count, k =>
        {
            var dst = all[k].Data;
            if (sparseWords && k == _wordIndex)
                foreach (int row in _wordRows[0].Rows)
                {
                    var d = dst.AsSpan(row * _embeddingSize, _embeddingSize);
                    for (int i = 1; i < shards; i++)
                        if (_wordRows[i].Contains(row)) TensorPrimitives.Add(d, _grads[i].All[k].Data.AsSpan(row * _embeddingSize, _embeddingSize), d);
                }
            else
                for (int i = 1; i < shards; i++) TensorPrimitives.Add(dst, _grads[i].All[k].Data, dst);
            Transform?.TransformGradient(Parameters.All[k], dst);
        });
        double spanLoss = AttentionSpanTraining.AddPenalty(Parameters, _grads[0], _cfg.AttentionSpan?.Penalty ?? 0);
        LastGradientNorm = AdamW.ClipGlobalNorm(_grads[0], _cfg.ClipNorm, _wordsFrozen ? _wordIndex : -1);
        LastLearningRate = _schedule.At(StepCount);
        _adam.Step(Parameters, _grads[0], LastLearningRate);
        AttentionSpanTraining.Clamp(Parameters);
        _auxiliary?.Step(LastLearningRate);
        StepCount++;
        return new StepResult(losses.Sum() + spanLoss, correct.Sum(), b, CountTokens(sequences));
    }

    /// <summary>Replaces word pieces (never [CLS] and [SEP] at the ends) by [UNK] with the configured probability,
    /// from a stream of its own per (seed, step, example).</summary>
    private int[] WithTokenDropout(int[] ids, int index)
    {
        if (_cfg.TokenDropout <= 0 || ids.Length <= 2) return ids;
        var rng = Numerics.DeterministicRandom.For(_cfg.Seed ^ 0x5EED, StepCount, index);
        int[]? copy = null;
        for (int i = 1; i < ids.Length - 1; i++)
            if (rng.NextFloat() < _cfg.TokenDropout) (copy ??= (int[])ids.Clone())[i] = _unkId;
        return copy ?? ids;
    }

    private static int CountTokens(IReadOnlyList<int[]> sequences)
    {
        int tokens = 0;
        foreach (var s in sequences) tokens += s.Length;
        return tokens;
    }
}
