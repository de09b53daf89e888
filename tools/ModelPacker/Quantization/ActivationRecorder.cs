using System.Numerics.Tensors;
using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>
/// Watches the fp32 forward through its <see cref="IWeightTransform"/> seam (which sees the input of every linear
/// layer, in forward order) and records the largest magnitude at every quantization site. Sites that are outputs
/// rather than linear inputs (Q, K, V, GELU input, pooler output, the two residual sums) are recomputed here from
/// the input and the fp32 weights. Not thread-safe: drive it with PredictBatch on one thread.
/// </summary>
public sealed class ActivationRecorder : SiteRanges, IWeightTransform
{
    private readonly AlbertParameters _p;
    private readonly int _h, _e, _i;
    private float[] _lastLayerInput = [], _lastAttentionNorm = [];
    private readonly Dictionary<string, int> _poolerExit = new();

    public ActivationRecorder(AlbertParameters p) : base(p.Exits.Length)
    {
        _p = p;
        _h = p.Config.HiddenSize; _e = p.Config.EmbeddingSize; _i = p.Config.IntermediateSize;
        for (int l = 0; l < p.Exits.Length; l++) _poolerExit[p.Exits[l].PoolerWeight.Name] = l;
    }

    public void TransformWeight(NamedTensor master, Span<float> effective) => master.Data.AsSpan().CopyTo(effective);

    public void TransformLinearInput(string weightName, Span<float> input)
    {
        var p = _p;
        if (weightName == p.EmbeddingProjectionWeight.Name) Max(ref EmbeddingNorm, input);
        else if (weightName == p.QueryWeight.Name)
        {
            Max(ref Hidden, input);
            _lastLayerInput = input.ToArray();
            Query = Math.Max(Query, LinearMax(p.QueryWeight, p.QueryBias, input, null));
            Key = Math.Max(Key, LinearMax(p.KeyWeight, p.KeyBias, input, null));
            Value = Math.Max(Value, LinearMax(p.ValueWeight, p.ValueBias, input, null));
        }
        else if (weightName == p.AttentionOutputWeight.Name)
        {
            Max(ref Context, input);
            AttentionSum = Math.Max(AttentionSum, LinearMax(p.AttentionOutputWeight, p.AttentionOutputBias, input, _lastLayerInput));
        }
        else if (weightName == p.FfnWeight.Name)
        {
            Max(ref AttentionNorm, input);
            _lastAttentionNorm = input.ToArray();
            GeluInput = Math.Max(GeluInput, LinearMax(p.FfnWeight, p.FfnBias, input, null));
        }
        else if (weightName == p.FfnOutputWeight.Name)
        {
            Max(ref GeluOutput, input);
            FullSum = Math.Max(FullSum, LinearMax(p.FfnOutputWeight, p.FfnOutputBias, input, _lastAttentionNorm));
        }
        else if (_poolerExit.TryGetValue(weightName, out int exit))
        {
            Max(ref Hidden, input);
            var pool = p.Exits[exit];
            TanhInput[exit] = Math.Max(TanhInput[exit], LinearMax(pool.PoolerWeight, pool.PoolerBias, input, null));
        }
    }

    /// <summary>Records |word + position + type 0| for one utterance (the embedding LayerNorm input).</summary>
    public void RecordEmbeddingSum(ReadOnlySpan<int> tokenIds)
    {
        var sum = new float[_e];
        for (int t = 0; t < tokenIds.Length; t++)
        {
            TensorPrimitives.Add(_p.WordEmbeddings.Data.AsSpan(tokenIds[t] * _e, _e), _p.PositionEmbeddings.Data.AsSpan(t * _e, _e), sum);
            TensorPrimitives.Add(sum, _p.TokenTypeEmbeddings.Data.AsSpan(0, _e), sum);
            Max(ref EmbeddingSum, sum);
        }
    }

    /// <summary>max |W x + b (+ residual)| over the rows of x.</summary>
    internal static double LinearMax(NamedTensor w, NamedTensor b, ReadOnlySpan<float> x, float[]? residual) =>
        LinearMax(w.Data, w.Rows, w.Cols, b.Data, x, residual);

    /// <summary>max |W x + b (+ residual)| over the rows of x, W [outDim, inDim] row-major.</summary>
    internal static double LinearMax(ReadOnlySpan<float> w, int outDim, int inDim, ReadOnlySpan<float> b, ReadOnlySpan<float> x, ReadOnlySpan<float> residual)
    {
        int rows = x.Length / inDim;
        double m = 0;
        for (int r = 0; r < rows; r++)
        {
            var xr = x.Slice(r * inDim, inDim);
            for (int o = 0; o < outDim; o++)
            {
                double v = TensorPrimitives.Dot(w.Slice(o * inDim, inDim), xr) + b[o];
                if (!residual.IsEmpty) v += residual[r * outDim + o];
                m = Math.Max(m, Math.Abs(v));
            }
        }
        return m;
    }
}
