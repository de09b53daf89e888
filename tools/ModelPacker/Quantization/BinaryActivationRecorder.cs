using System.Numerics.Tensors;
using ModelPacker.Model;
using ModelPacker.Numerics;

namespace ModelPacker.Quantization;

/// <summary>
/// Records the site ranges of a w1a1 model by running its binarized float forward (sign weights, binarized layer
/// inputs, Bi-Attention): what the integer W1A1 runtime approximates, so its ranges, not the fp32 model's. The forward
/// reports each binary layer's input before binarization (<see cref="AlbertComputation.InputObserver"/>); the outputs
/// that are not some layer's input (the residual sums, GELU input, pooler output) are recomputed here from the
/// binarized input and the sign weights. Not thread-safe.
/// </summary>
public sealed class BinaryActivationRecorder : SiteRanges
{
    private readonly AlbertParameters _p;
    private readonly ModelWeights _w;
    private readonly AlbertComputation _computation;
    private readonly int _embeddingIn, _qkvIn, _denseIn, _ffnIn, _ffnOutIn;
    private readonly Dictionary<int, int> _poolerExit = new();
    private float[] _layerInput = [], _attentionNorm = [], _binary = [];

    public BinaryActivationRecorder(AlbertParameters p) : base(p.Exits.Length)
    {
        if (p.Config.Binarization is null) throw new ArgumentException("the model has no binarization section (not a w1a1 model)");
        _p = p;
        _w = new ModelWeights(p);
        var b = p.InputBinarizers.ToList();
        _embeddingIn = b.IndexOf(p.EmbeddingProjectionInput!); _qkvIn = b.IndexOf(p.QkvInput!);
        _denseIn = b.IndexOf(p.AttentionOutputInput!); _ffnIn = b.IndexOf(p.FfnInput!); _ffnOutIn = b.IndexOf(p.FfnOutputInput!);
        for (int l = 0; l < p.Exits.Length; l++)
            if (p.Exits[l].PoolerInput is { } pool) _poolerExit[b.IndexOf(pool)] = l;
        _computation = new AlbertComputation(p.Config) { InputObserver = Observe };
    }

    /// <summary>Runs one batch of tokenized utterances and widens every range by what it sees.</summary>
    public void Record(IReadOnlyList<int[]> utterances)
    {
        foreach (var u in utterances) RecordEmbeddingSum(u);
        _computation.Forward(_w, new PackedBatch(utterances));
        for (int l = 0; l < _p.Config.NumHiddenLayers; l++)
        {
            Max(ref Query, _computation.Query(l)); Max(ref Key, _computation.Key(l)); Max(ref Value, _computation.Value(l));
        }
        if (_p.PoolerInputScale is not null) RecordInt8Poolers(utterances.Count);
    }

    /// <summary>Poolers over the int8 h[CLS] (no binarizer, so not observed): the [CLS] rows of h_1..h_L widen the
    /// residual stream's range, and the pooler's output over them as the forward rounds them sets the tanh input's.</summary>
    private void RecordInt8Poolers(int sequences)
    {
        int h = _p.Config.HiddenSize;
        var cls = new float[sequences * h];
        for (int l = 0; l < _p.Exits.Length; l++)
        {
            var hidden = _computation.Hidden(l + 1);
            for (int q = 0; q < sequences; q++) hidden.Slice(_computation.Batch.Offsets[q] * h, h).CopyTo(cls.AsSpan(q * h, h));
            Max(ref Hidden, cls);
            var pool = _w.Poolers[l];
            _w.Transform!.TransformLinearInput(pool.Name, cls);
            TanhInput[l] = Math.Max(TanhInput[l], ActivationRecorder.LinearMax(pool.W, pool.Out, pool.In, pool.B, cls, []));
        }
    }

    private void Observe(int binarizer, ReadOnlySpan<float> x)
    {
        var w = _w;
        if (binarizer == _embeddingIn) Max(ref EmbeddingNorm, x);
        else if (binarizer == _qkvIn)
        {
            Max(ref Hidden, x);
            _layerInput = x.ToArray();
        }
        else if (binarizer == _denseIn)
        {
            Max(ref Context, x);
            AttentionSum = Math.Max(AttentionSum, Output(w.AttentionOutput, x, _layerInput));
        }
        else if (binarizer == _ffnIn)
        {
            Max(ref AttentionNorm, x);
            _attentionNorm = x.ToArray();
            GeluInput = Math.Max(GeluInput, Output(w.Ffn, x, []));
        }
        else if (binarizer == _ffnOutIn)
        {
            Max(ref GeluOutput, x);
            FullSum = Math.Max(FullSum, Output(w.FfnOutput, x, _attentionNorm));
        }
        else if (_poolerExit.TryGetValue(binarizer, out int exit))
        {
            Max(ref Hidden, x);
            TanhInput[exit] = Math.Max(TanhInput[exit], Output(w.Poolers[exit], x, []));
        }
    }

    /// <summary>max |W·binarize(x) + b (+ residual)|: the layer's output as the binarized forward computes it.</summary>
    private double Output(LinearWeights layer, ReadOnlySpan<float> x, ReadOnlySpan<float> residual)
    {
        var b = layer.InputBinarizer!.Value;
        if (_binary.Length < x.Length) _binary = new float[x.Length];
        var xb = _binary.AsSpan(0, x.Length);
        Binarize.ElasticForward(x, b.Alpha, b.Beta, xb);
        return ActivationRecorder.LinearMax(layer.W, layer.Out, layer.In, layer.B, xb, residual);
    }

    /// <summary>|sign word row + sign position row| per token (token types are 0 in a w1a1 model): the LayerNorm input.</summary>
    private void RecordEmbeddingSum(ReadOnlySpan<int> tokenIds)
    {
        int e = _p.Config.EmbeddingSize;
        var sum = new float[e];
        for (int t = 0; t < tokenIds.Length; t++)
        {
            TensorPrimitives.Add(_w.WordEmbeddings.AsSpan(tokenIds[t] * e, e), _w.PositionEmbeddings.AsSpan(t * e, e), sum);
            Max(ref EmbeddingSum, sum);
        }
    }
}
