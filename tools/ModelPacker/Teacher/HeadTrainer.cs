using ModelPacker.Numerics;
using ModelPacker.Training;

namespace ModelPacker.Teacher;

/// <summary>Fits a <see cref="SoftmaxHead"/> to embedded, labelled utterances with Adam (deterministic for a seed).</summary>
public static class HeadTrainer
{
    private const float Beta1 = 0.9f, Beta2 = 0.999f, Epsilon = 1e-8f;

    /// <param name="x">Row-major embeddings [n, dimension].</param>
    public static SoftmaxHead Train(float[] x, int[] labels, int dimension, int classes, HeadTrainingOptions options,
        CancellationToken cancellation = default)
    {
        int n = labels.Length;
        if (n == 0) throw new ArgumentException("no training examples");
        if (x.Length != n * dimension) throw new ArgumentException($"{x.Length} floats for {n} examples of {dimension}");
        var head = new SoftmaxHead(dimension, options.Hidden, classes);
        head.Initialise(options.Seed);
        var gradients = head.NewBuffers();
        var adam = new AdamW(head.Tensors, Beta1, Beta2, Epsilon, weightDecay: 0f); // L2 is in the loss

        int batch = Math.Min(options.BatchSize, n);
        int stepsPerEpoch = (n + batch - 1) / batch;
        long totalSteps = (long)stepsPerEpoch * options.Epochs, step = 0;
        var order = Enumerable.Range(0, n).ToArray();
        var xb = new float[batch * dimension];
        var yb = new int[batch];
        for (int epoch = 0; epoch < options.Epochs; epoch++)
        {
            Shuffle(order, options.Seed, epoch);
            for (int start = 0; start < n; start += batch)
            {
                cancellation.ThrowIfCancellationRequested();
                int b = Math.Min(batch, n - start);
                for (int i = 0; i < b; i++)
                {
                    int e = order[start + i];
                    Array.Copy(x, (long)e * dimension, xb, (long)i * dimension, dimension);
                    yb[i] = labels[e];
                }
                head.LossAndGradient(xb.AsSpan(0, b * dimension), yb.AsSpan(0, b), options.L2, gradients);
                step++;
                float lr = options.LearningRate * (1f - (float)(step - 1) / totalSteps);
                adam.Step(head.Tensors, gradients, lr);
            }
        }
        return head;
    }

    private static void Shuffle(int[] order, int seed, int epoch)
    {
        var rng = DeterministicRandom.For(seed, epoch, -1);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
    }
}
