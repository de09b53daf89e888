using System.Numerics.Tensors;
using ModelPacker.Model;

namespace ModelPacker.Training;

/// <summary>
/// Adam with decoupled weight decay (Loshchilov &amp; Hutter). Matrices decay; biases and LayerNorm parameters
/// (every 1-D tensor) do not.
/// </summary>
public sealed class AdamW
{
    private readonly float[][] _m, _v;
    private readonly bool[] _decay;
    private readonly float _beta1, _beta2, _eps, _weightDecay;
    private long _t;

    public AdamW(AlbertParameters p, float beta1, float beta2, float eps, float weightDecay)
    {
        _m = p.All.Select(t => new float[t.Length]).ToArray();
        _v = p.All.Select(t => new float[t.Length]).ToArray();
        _decay = p.All.Select(t => t.Shape.Length > 1).ToArray();
        (_beta1, _beta2, _eps, _weightDecay) = (beta1, beta2, eps, weightDecay);
    }

    public static bool Decays(NamedTensor t) => t.Shape.Length > 1;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void Step(AlbertParameters p, AlbertParameters grads, float lr)
    {
        _t++;
        float c1 = 1f / (1f - MathF.Pow(_beta1, _t)), c2 = 1f / (1f - MathF.Pow(_beta2, _t));
        var all = p.All; var gAll = grads.All;
        Parallel.For(0, all.Count, k =>
        {
            var w = all[k].Data; var g = gAll[k].Data; var m = _m[k]; var v = _v[k];
            float decay = _decay[k] ? 1f - lr * _weightDecay : 1f;
            for (int i = 0; i < w.Length; i++)
            {
                float gi = g[i];
                float mi = m[i] = _beta1 * m[i] + (1 - _beta1) * gi;
                float vi = v[i] = _beta2 * v[i] + (1 - _beta2) * gi * gi;
                w[i] = w[i] * decay - lr * (mi * c1) / (MathF.Sqrt(vi * c2) + _eps);
            }
        });
    }

    /// <summary>Scales the gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    public static float ClipGlobalNorm(AlbertParameters grads, float maxNorm)
    {
        double sq = 0;
        foreach (var t in grads.All) sq += TensorPrimitives.Dot(t.Data, t.Data);
        float norm = (float)Math.Sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm)
        {
            float s = maxNorm / (norm + 1e-6f);
            foreach (var t in grads.All) TensorPrimitives.Multiply(t.Data, s, t.Data);
        }
        return norm;
    }
}
