using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
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
    /// <summary>Per tensor: it never gets a gradient (see <see cref="Freeze"/>).</summary>
    private readonly bool[] _frozen;
    /// <summary>The parallel work items of a step: (tensor, start, end) spans of at most <see cref="Chunk"/>, fixed by the shapes.</summary>
    private readonly (int Tensor, int Start, int End)[] _chunks;
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
        _frozen = new bool[tensors.Count];
        _chunks = tensors.SelectMany((t, k) => Enumerable.Range(0, (t.Length + Chunk - 1) / Chunk)
            .Select(c => (k, c * Chunk, Math.Min(t.Length, (c + 1) * Chunk)))).ToArray();
        (_beta1, _beta2, _eps, _weightDecay) = (beta1, beta2, eps, weightDecay);
    }

    public static bool Decays(NamedTensor t) => t.Shape.Length > 1;

    /// <summary>Tensor <paramref name="index"/> (of the list this optimizer was made for) steps at
    /// <paramref name="scale"/> times the learning rate.</summary>
    public void ScaleRate(int index, float scale) => _rateScale[index] = scale;

    /// <summary>Tensor <paramref name="index"/> gets no gradient from its first step on (frozen word embeddings): its
    /// moments stay 0, so its update reduces to the decay, w·decay − rate·0/(0 + eps), and a step does only that
    /// multiply. The floats are the same as the full update's; the step skips reading and writing three tables.</summary>
    public void Freeze(int index)
    {
        if (_t > 0) throw new InvalidOperationException("a tensor is frozen before the first step, while its moments are 0");
        _frozen[index] = true;
    }

    public void Step(AlbertParameters p, AlbertParameters grads, float lr)
    {
        var all = p.All; var gAll = grads.All;
        Step(k => all[k].Data, k => gAll[k].Data, lr);
    }

    /// <summary>One step of <paramref name="tensors"/> (the list this optimizer was made for) by <paramref name="gradients"/>, in the same order.</summary>
    public void Step(IReadOnlyList<NamedTensor> tensors, IReadOnlyList<float[]> gradients, float lr) =>
        Step(k => tensors[k].Data, k => gradients[k], lr);

    /// <summary>Elements per parallel work item: a large tensor (the word embeddings) is split so both cores share it.</summary>
    private const int Chunk = 1 << 15;

    private void Step(Func<int, float[]> weights, Func<int, float[]> gradients, float lr)
    {
        _t++;
        float c1 = 1f / (1f - MathF.Pow(_beta1, _t)), c2 = 1f / (1f - MathF.Pow(_beta2, _t));
        Parallel.For(0, _chunks.Length, i =>
        {
            var (k, start, end) = _chunks[i];
            float decay = _decay[k] ? 1f - lr * _weightDecay : 1f;
            var w = weights(k).AsSpan(start, end - start);
            if (_frozen[k])
            {
                if (decay != 1f) TensorPrimitives.Multiply(w, decay, w);
                return;
            }
            Update(w, gradients(k).AsSpan(start, end - start), _m[k].AsSpan(start, end - start),
                _v[k].AsSpan(start, end - start), _beta1, _beta2, _eps, c1, c2, decay, lr * _rateScale[k]);
        });
    }

    /// <summary>The update of one span. The vector loop does exactly the scalar loop's operations (no fused
    /// multiply-add, the same order), so the result does not depend on the vector width.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Update(Span<float> w, ReadOnlySpan<float> g, Span<float> m, Span<float> v,
        float beta1, float beta2, float eps, float c1, float c2, float decay, float rate)
    {
        float oneMinusB1 = 1 - beta1, oneMinusB2 = 1 - beta2;
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vb1 = Vector256.Create(beta1); var vb2 = Vector256.Create(beta2);
            var va1 = Vector256.Create(oneMinusB1); var va2 = Vector256.Create(oneMinusB2);
            var vc1 = Vector256.Create(c1); var vc2 = Vector256.Create(c2);
            var vdecay = Vector256.Create(decay); var vrate = Vector256.Create(rate); var veps = Vector256.Create(eps);
            for (; i + 8 <= w.Length; i += 8)
            {
                var gi = Vector256.Create(g.Slice(i, 8));
                var mi = vb1 * Vector256.Create(m.Slice(i, 8)) + va1 * gi;
                var vi = vb2 * Vector256.Create(v.Slice(i, 8)) + va2 * gi * gi;
                mi.CopyTo(m.Slice(i, 8));
                vi.CopyTo(v.Slice(i, 8));
                var wi = Vector256.Create(w.Slice(i, 8)) * vdecay - vrate * (mi * vc1) / (Vector256.Sqrt(vi * vc2) + veps);
                wi.CopyTo(w.Slice(i, 8));
            }
        }
        for (; i < w.Length; i++)
        {
            float gi = g[i];
            float mi = m[i] = beta1 * m[i] + oneMinusB1 * gi;
            float vi = v[i] = beta2 * v[i] + oneMinusB2 * gi * gi;
            w[i] = w[i] * decay - rate * (mi * c1) / (MathF.Sqrt(vi * c2) + eps);
        }
    }

    /// <summary>Scales the gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before.</summary>
    /// <param name="zeroTensor">Index of a tensor known to hold only zeros (a frozen one), or −1: it adds +0 to the sum
    /// and scales to itself, so skipping it changes no bit.</param>
    public static float ClipGlobalNorm(AlbertParameters grads, float maxNorm, int zeroTensor = -1)
    {
        var all = grads.All;
        double sq = 0;
        for (int k = 0; k < all.Count; k++)
            if (k != zeroTensor) sq += TensorPrimitives.Dot(all[k].Data, all[k].Data);
        float norm = (float)Math.Sqrt(sq);
        if (maxNorm > 0 && norm > maxNorm)
        {
            float s = maxNorm / (norm + 1e-6f);
            for (int k = 0; k < all.Count; k++)
                if (k != zeroTensor) TensorPrimitives.Multiply(all[k].Data, s, all[k].Data);
        }
        return norm;
    }
}
