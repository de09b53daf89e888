using System.Numerics.Tensors;
using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Training;

namespace ModelPacker.Distilling;

/// <summary>
/// The linear maps z = W·pooled + b (H → the teacher's embedding width) through which each exit's pooled output meets
/// the teacher's sentence embedding: one per exit, or one shared by all. Used only in training and never saved. Each
/// gradient shard accumulates into its own buffers; <see cref="Step"/> sums them in shard order (so a seed gives the
/// same result on any core count) and applies AdamW.
/// </summary>
public sealed class SentenceProjection
{
    private readonly NamedTensor[] _tensors; // W_0, b_0, W_1, b_1, ...
    private readonly float[][][] _grads;      // [shard][tensor]
    private readonly bool[] _used;
    private readonly float[][] _sum;
    private readonly AdamW _adam;

    public SentenceProjection(int exits, bool shared, int inputs, int outputs, int shards, int seed, float weightDecay = 0.01f)
    {
        if (exits < 1 || inputs < 1 || outputs < 1 || shards < 1) throw new ArgumentOutOfRangeException(nameof(exits));
        Exits = exits; Inputs = inputs; Outputs = outputs;
        Maps = shared ? 1 : exits;
        _tensors = new NamedTensor[2 * Maps];
        var rng = Numerics.DeterministicRandom.For(seed, 0x9B0, 0);
        float std = 1f / MathF.Sqrt(inputs);
        for (int m = 0; m < Maps; m++)
        {
            var w = _tensors[2 * m] = new NamedTensor($"projection.{m}.weight", outputs, inputs);
            _tensors[2 * m + 1] = new NamedTensor($"projection.{m}.bias", outputs);
            for (int i = 0; i < w.Length; i++) w.Data[i] = rng.NextGaussian() * std;
        }
        _grads = Enumerable.Range(0, shards).Select(_ => _tensors.Select(t => new float[t.Length]).ToArray()).ToArray();
        _used = new bool[shards];
        _sum = _tensors.Select(t => new float[t.Length]).ToArray();
        _adam = new AdamW(_tensors, 0.9f, 0.98f, 1e-6f, weightDecay);
    }

    public int Exits { get; }
    public int Inputs { get; }
    public int Outputs { get; }
    /// <summary>1 when shared, else one per exit.</summary>
    public int Maps { get; }
    public IReadOnlyList<NamedTensor> Tensors => _tensors;

    /// <summary>The gradient buffers of <paramref name="shard"/>, in the order of <see cref="Tensors"/>.</summary>
    public IReadOnlyList<float[]> Gradients(int shard) => _grads[shard];

    private int Map(int exit) => Maps == 1 ? 0 : exit;

    /// <summary>Starts a shard's step: its gradients are zeroed and will count in the next <see cref="Step"/>.</summary>
    public void BeginShard(int shard)
    {
        foreach (var g in _grads[shard]) Array.Clear(g);
        _used[shard] = true;
    }

    /// <summary>z = W·x + b for exit <paramref name="exit"/>.</summary>
    public void Forward(int exit, ReadOnlySpan<float> x, Span<float> z)
    {
        int m = Map(exit);
        var w = _tensors[2 * m].Data; var b = _tensors[2 * m + 1].Data;
        for (int o = 0; o < Outputs; o++) z[o] = TensorPrimitives.Dot(w.AsSpan(o * Inputs, Inputs), x) + b[o];
    }

    /// <summary>Accumulates dz's gradient into the shard's W and b and into <paramref name="dx"/>.</summary>
    public void Backward(int shard, int exit, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> dx) =>
        Backward(shard, exit, x, dz, dx, 1);

    /// <summary>As <see cref="Backward(int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> for
    /// <paramref name="rows"/> rows at once: x [rows, Inputs], dz [rows, Outputs], dx [rows, Inputs]. Every sum runs in
    /// the order the row-by-row calls would give (b and W over the rows, each dx row over the outputs), so the floats
    /// are the same. A zero in dz adds nothing (a row of zeros: a sequence without targets).</summary>
    public void Backward(int shard, int exit, ReadOnlySpan<float> x, ReadOnlySpan<float> dz, Span<float> dx, int rows)
    {
        int m = Map(exit), n = Inputs;
        if (x.Length < rows * n || dx.Length < rows * n || dz.Length < rows * Outputs)
            throw new ArgumentException($"{rows} rows need {rows * n} inputs and {rows * Outputs} output gradients");
        if (rows <= 0) return;
        var w = _tensors[2 * m].Data;
        var dw = _grads[shard][2 * m]; var db = _grads[shard][2 * m + 1];
        for (int o = 0; o < Outputs; o++)
        {
            for (int r = 0; r < rows; r++)
            {
                float g = dz[r * Outputs + o];
                if (g != 0) db[o] += g;
            }
            VectorMath.AddScaledRows(x, n, dz[o..], Outputs, rows, dw.AsSpan(o * n, n));
        }
        for (int r = 0; r < rows; r++)
            VectorMath.AddScaledRows(w, n, dz.Slice(r * Outputs, Outputs), 1, Outputs, dx.Slice(r * n, n));
    }

    /// <summary>Sums the gradients of the shards used since the last step, in shard order, and applies AdamW.</summary>
    public void Step(float learningRate)
    {
        bool any = _used.Contains(true);
        Parallel.For(0, _tensors.Length, k =>
        {
            Array.Clear(_sum[k]);
            for (int s = 0; s < _used.Length; s++)
                if (_used[s]) TensorPrimitives.Add(_sum[k], _grads[s][k], _sum[k]);
        });
        Array.Clear(_used);
        if (any) _adam.Step(_tensors, _sum, learningRate);
    }
}
