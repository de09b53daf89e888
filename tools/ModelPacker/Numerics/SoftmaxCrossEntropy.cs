using System.Numerics.Tensors;

namespace ModelPacker.Numerics;

/// <summary>Softmax cross-entropy against a label-smoothed target (1 − ε on the label, ε/C spread over all classes).</summary>
public static class SoftmaxCrossEntropy
{
    /// <summary>Returns the loss; writes dLoss/dz = softmax(z) − target into <paramref name="dz"/>.</summary>
    public static double Forward(ReadOnlySpan<float> z, int label, float smoothing, Span<float> dz)
    {
        int c = z.Length;
        float max = TensorPrimitives.Max(z);
        double sum = 0;
        for (int j = 0; j < c; j++) sum += Math.Exp(z[j] - max);
        double logSum = Math.Log(sum) + max;
        double loss = 0;
        float off = smoothing / c, on = 1f - smoothing + off;
        for (int j = 0; j < c; j++)
        {
            double logp = z[j] - logSum;
            float target = j == label ? on : off;
            if (target > 0) loss -= target * logp;
            dz[j] = (float)Math.Exp(logp) - target;
        }
        return loss;
    }
}
