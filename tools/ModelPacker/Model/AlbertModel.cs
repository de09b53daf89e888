namespace ModelPacker.Model;

/// <summary>
/// Inference with the fp32 model: logits of every exit, no dropout. Thread-safe (one workspace per thread). The
/// weights are snapshotted at construction; build a new instance after changing the parameters.
/// </summary>
public sealed class AlbertModel
{
    private readonly ModelWeights _weights;
    private readonly ThreadLocal<AlbertComputation> _work;

    public AlbertModel(AlbertParameters p) : this(p, null) { }

    /// <summary>With a weight transform (e.g. the fake-quantizer of quantization-aware training).</summary>
    public AlbertModel(AlbertParameters p, IWeightTransform? transform)
    {
        p.Config.Validate();
        Parameters = p;
        _weights = new ModelWeights(p, transform);
        _work = new ThreadLocal<AlbertComputation>(() => new AlbertComputation(p.Config));
    }

    public AlbertParameters Parameters { get; }
    public AlbertConfig Config => Parameters.Config;

    /// <summary>Logits [exit][label] for one tokenized utterance ([CLS] … [SEP]).</summary>
    public float[][] Predict(int[] tokenIds) => PredictBatch([tokenIds])[0];

    /// <summary>Logits [utterance][exit][label], utterances processed together on the calling thread.</summary>
    public float[][][] PredictBatch(IReadOnlyList<int[]> tokenIds)
    {
        var result = new float[tokenIds.Count][][];
        if (tokenIds.Count == 0) return result;
        var work = _work.Value!;
        var batch = new PackedBatch(tokenIds);
        work.Forward(_weights, batch);
        int c = Config.NumLabels;
        for (int s = 0; s < tokenIds.Count; s++)
        {
            result[s] = new float[Config.NumHiddenLayers][];
            for (int l = 0; l < Config.NumHiddenLayers; l++) result[s][l] = work.Logits(l).Slice(s * c, c).ToArray();
        }
        return result;
    }

    /// <summary>Logits of many utterances, in chunks spread over the cores; same result as calling Predict on each.</summary>
    public float[][][] PredictMany(IReadOnlyList<int[]> tokenIds, int chunk = 64)
    {
        var result = new float[tokenIds.Count][][];
        int chunks = (tokenIds.Count + chunk - 1) / chunk;
        Parallel.For(0, chunks, ci =>
        {
            int start = ci * chunk, count = Math.Min(chunk, tokenIds.Count - start);
            var part = PredictBatch(tokenIds.Skip(start).Take(count).ToList());
            Array.Copy(part, 0, result, start, count);
        });
        return result;
    }
}
