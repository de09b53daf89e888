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
    private readonly float[] _rateScale;
    private readonly float _beta1, _beta2, _eps, _weightDecay;
    private long _t;

    public AdamW(AlbertParameters p, float beta1, float beta2, float eps, float weightDecay)
        : this(p.All, beta1, beta2, eps, weightDecay) { }

    /// <summary>Adam over any list of tensors (e.g. the teacher's head, with <paramref name="weightDecay"/> 0).</summary>
    public AdamW(IReadOnlyList<NamedTensor> tensors, float beta1, float beta2, float eps, float weightDecay)
    {
        _m = tensors.Select(t => new float[t.Length]).ToArray();
        _v = tensors.Select(t => new float[t.Length]).ToArray();
        _decay = tensors.Select(Decays).ToArray();
        _rateScale = tensors.Select(_ => 1f).ToArray();
        (_beta1, _beta2, _eps, _weightDecay) = (beta1, beta2, eps, weightDecay);
    }

    public static bool Decays(NamedTensor t) => t.Shape.Length > 1;

    /// <summary>Tensor <paramref name="index"/> (of the list this optimizer was made for) steps at
    /// <paramref name="scale"/> times the learning rate.</summary>
    public void ScaleRate(int index, float scale) => _rateScale[index] = scale;

    public void Step(AlbertParameters p, AlbertParameters grads, float lr)
    {
        var all = p.All; var gAll = grads.All;
        Step(all.Count, k => all[k].Data, k => gAll[k].Data, lr);
    }

    /// <summary>One step of <paramref name="tensors"/> (the list this optimizer was made for) by <paramref name="gradients"/>, in the same order.</summary>
    public void Step(IReadOnlyList<NamedTensor> tensors, IReadOnlyList<float[]> gradients, float lr) =>
        Step(tensors.Count, k => tensors[k].Data, k => gradients[k], lr);

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Step(int count, Func<int, float[]> weights, Func<int, float[]> gradients, float lr)
    {
        _t++;
        float c1 = 1f / (1f - MathF.Pow(_beta1, _t)), c2 = 1f / (1f - MathF.Pow(_beta2, _t));
        Parallel.For(0, count, k =>
        {
            var w = weights(k); var g = gradients(k); var m = _m[k]; var v = _v[k];
            float decay = _decay[k] ? 1f - lr * _weightDecay : 1f, rate = lr * _rateScale[k];
            for (int i = 0; i < w.Length; i++)
            {
                float gi = g[i];
                float mi = m[i] = _beta1 * m[i] + (1 - _beta1) * gi;
                float vi = v[i] = _beta2 * v[i] + (1 - _beta2) * gi * gi;
                w[i] = w[i] * decay - rate * (mi * c1) / (MathF.Sqrt(vi * c2) + _eps);
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
