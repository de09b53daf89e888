using ModelPacker.Teacher;
using ModelPacker.Tests.Numerics;

namespace ModelPacker.Tests.Teacher;

public class SoftmaxHeadGradientTests
{
    [Theory]
    [InlineData(0, 0f)]
    [InlineData(0, 0.05f)]
    [InlineData(6, 0f)]
    [InlineData(6, 0.05f)]
    public void Gradient_matches_finite_differences(int hidden, float l2)
    {
        const int inputs = 7, classes = 4, n = 5;
        var head = new SoftmaxHead(inputs, hidden, classes);
        head.Initialise(seed: 3);
        // Random parameters everywhere (the output layer of logistic regression starts at zero).
        for (int p = 0; p < head.Tensors.Length; p++)
            GradientCheck.Random(head.Tensors[p].Length, 10 + p, 0.5f).CopyTo(head.Tensors[p].Data, 0);
        var x = GradientCheck.Random(n * inputs, 1);
        int[] labels = [0, 3, 1, 1, 2];
        var gradients = head.NewBuffers();
        double loss = head.LossAndGradient(x, labels, l2, gradients);
        Assert.True(loss > 0);

        var scratch = head.NewBuffers();
        for (int p = 0; p < head.Tensors.Length; p++)
            GradientCheck.Assert($"{head.Tensors[p].Name} (hidden {hidden}, l2 {l2})", head.Tensors[p].Data, gradients[p],
                Enumerable.Range(0, head.Tensors[p].Length), () => head.LossAndGradient(x, labels, l2, scratch), eps: 1e-3f);
    }

    [Fact]
    public void Loss_is_mean_cross_entropy_plus_half_l2_of_the_weights()
    {
        var head = new SoftmaxHead(3, 0, 2);
        float[] w = [0.5f, -1f, 2f, 0f, 1f, -0.5f];
        w.CopyTo(head.Tensors[0].Data, 0);
        head.Tensors[1].Data[0] = 0.25f;
        float[] x = [1f, 2f, 3f, -1f, 0f, 1f];
        int[] labels = [1, 0];
        double expected = 0;
        for (int i = 0; i < 2; i++)
        {
            double z0 = w[0] * x[3 * i] + w[1] * x[3 * i + 1] + w[2] * x[3 * i + 2] + 0.25;
            double z1 = w[3] * x[3 * i] + w[4] * x[3 * i + 1] + w[5] * x[3 * i + 2];
            double zy = labels[i] == 0 ? z0 : z1;
            expected += (Math.Log(Math.Exp(z0) + Math.Exp(z1)) - zy) / 2;
        }
        expected += 0.5 * 0.1 * w.Sum(v => (double)v * v);
        Assert.Equal(expected, head.LossAndGradient(x, labels, 0.1f, head.NewBuffers()), 5);
    }
}
