using System.Numerics.Tensors;
using ModelPacker.Model;
using ModelPacker.Numerics;

namespace ModelPacker.Teacher;

/// <summary>
/// The classifier on frozen sentence embeddings: multinomial logistic regression (<see cref="Hidden"/> = 0,
/// logits = W·x + b) or a one-hidden-layer MLP (logits = W2·relu(W1·x + b1) + b2). Weights are PyTorch-layout
/// [out, in] <see cref="NamedTensor"/>s so the head saves as safetensors like every checkpoint.
/// The objective is mean softmax cross-entropy plus (l2 / 2)·Σ‖W‖² over weight matrices (biases are not decayed).
/// </summary>
public sealed class SoftmaxHead
{
    public const string HiddenWeight = "hidden.weight", HiddenBias = "hidden.bias";
    public const string OutputWeight = "output.weight", OutputBias = "output.bias";

    public SoftmaxHead(int inputs, int hidden, int classes)
    {
        if (inputs < 1 || hidden < 0 || classes < 2)
            throw new ArgumentOutOfRangeException(nameof(classes), $"head {inputs}→{hidden}→{classes}: need inputs ≥ 1, hidden ≥ 0, classes ≥ 2");
        Inputs = inputs;
        Hidden = hidden;
        Classes = classes;
        int last = hidden > 0 ? hidden : inputs;
        Tensors = hidden > 0
            ? [new NamedTensor(HiddenWeight, hidden, inputs), new NamedTensor(HiddenBias, hidden),
               new NamedTensor(OutputWeight, classes, last), new NamedTensor(OutputBias, classes)]
            : [new NamedTensor(OutputWeight, classes, last), new NamedTensor(OutputBias, classes)];
    }

    public int Inputs { get; }
    /// <summary>Width of the hidden layer; 0 for logistic regression.</summary>
    public int Hidden { get; }
    public int Classes { get; }

    /// <summary>The parameters, in a fixed order (gradients use the same order).</summary>
    public NamedTensor[] Tensors { get; }

    public NamedTensor Tensor(string name) => Tensors.First(t => t.Name == name);

    /// <summary>Whether the tensor at <paramref name="index"/> is a weight matrix (decayed) rather than a bias.</summary>
    public bool IsWeight(int index) => Tensors[index].Shape.Length == 2;

    /// <summary>A zeroed buffer per parameter, for gradients and optimiser moments.</summary>
    public float[][] NewBuffers() => Tensors.Select(t => new float[t.Length]).ToArray();

    /// <summary>He-initialised hidden layer, zero output layer (logistic regression starts at uniform probabilities).</summary>
    public void Initialise(int seed)
    {
        if (Hidden == 0) return;
        var rng = DeterministicRandom.For(seed, 0, 0);
        float scale = MathF.Sqrt(2f / Inputs);
        foreach (ref float w in Tensor(HiddenWeight).Data.AsSpan()) w = rng.NextGaussian() * scale;
        float outScale = MathF.Sqrt(1f / Hidden);
        foreach (ref float w in Tensor(OutputWeight).Data.AsSpan()) w = rng.NextGaussian() * outScale;
    }

    /// <summary>Logits of <paramref name="n"/> row-major inputs <paramref name="x"/>[n, Inputs] into z[n, Classes].</summary>
    public void Logits(ReadOnlySpan<float> x, int n, Span<float> z) => Forward(x, n, z, null);

    /// <summary>
    /// Mean cross-entropy of the batch against <paramref name="labels"/> plus the L2 term; writes d(objective)/dθ
    /// into <paramref name="gradients"/> (overwritten, same order as <see cref="Tensors"/>).
    /// </summary>
    public double LossAndGradient(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, float l2, float[][] gradients)
    {
        int n = labels.Length;
        var z = new float[n * Classes];
        var activations = Hidden > 0 ? new float[n * Hidden] : null;
        Forward(x, n, z, activations);

        double loss = 0;
        var dz = new float[n * Classes];
        for (int i = 0; i < n; i++)
            loss += SoftmaxCrossEntropy.Forward(z.AsSpan(i * Classes, Classes), labels[i], 0f, dz.AsSpan(i * Classes, Classes));
        loss /= n;
        TensorPrimitives.Multiply(dz, 1f / n, dz);

        foreach (var g in gradients) Array.Clear(g);
        int outIndex = Hidden > 0 ? 2 : 0;
        int last = Hidden > 0 ? Hidden : Inputs;
        ReadOnlySpan<float> lastInput = Hidden > 0 ? activations : x;
        Gemm.LinearBackwardWeight(dz, lastInput, gradients[outIndex], gradients[outIndex + 1], n, last, Classes, new float[n * Classes]);
        if (Hidden > 0)
        {
            var dh = new float[n * Hidden];
            Gemm.LinearBackwardInput(dz, Tensors[2].Data, dh, n, Hidden, Classes, accumulate: false);
            for (int i = 0; i < dh.Length; i++)
                if (activations![i] <= 0) dh[i] = 0;
            Gemm.LinearBackwardWeight(dh, x, gradients[0], gradients[1], n, Inputs, Hidden, new float[n * Hidden]);
        }

        for (int p = 0; p < Tensors.Length; p++)
        {
            if (!IsWeight(p) || l2 == 0) continue;
            var w = Tensors[p].Data;
            loss += 0.5 * l2 * TensorPrimitives.Dot(w, w);
            TensorPrimitives.MultiplyAdd(w, l2, gradients[p], gradients[p]);
        }
        return loss;
    }

    /// <summary>Softmax of z / temperature, in place.</summary>
    public static void Softmax(Span<float> z, float temperature = 1f)
    {
        if (temperature != 1f) TensorPrimitives.Divide(z, temperature, z);
        TensorPrimitives.SoftMax(z, z);
    }

    private void Forward(ReadOnlySpan<float> x, int n, Span<float> z, float[]? activations)
    {
        if (x.Length != n * Inputs) throw new ArgumentException($"input of {x.Length} floats, expected {n}×{Inputs}");
        if (Hidden > 0)
        {
            var h = activations ?? new float[n * Hidden];
            Gemm.LinearForward(x, Transposed(Tensors[0], Hidden, Inputs), Tensors[1].Data, h, n, Inputs, Hidden);
            TensorPrimitives.Max(h, 0f, h);
            Gemm.LinearForward(h, Transposed(Tensors[2], Classes, Hidden), Tensors[3].Data, z, n, Hidden, Classes);
        }
        else
            Gemm.LinearForward(x, Transposed(Tensors[0], Classes, Inputs), Tensors[1].Data, z, n, Inputs, Classes);
    }

    private static float[] Transposed(NamedTensor w, int rows, int cols)
    {
        var t = new float[w.Length];
        Gemm.Transpose(w.Data, t, rows, cols);
        return t;
    }
}
