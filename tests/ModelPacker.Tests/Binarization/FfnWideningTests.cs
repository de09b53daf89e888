using ModelPacker.Binarization;
using ModelPacker.Model;
using ModelPacker.Tests.Model;

namespace ModelPacker.Tests.Binarization;

/// <summary>The widened FFN computes its source's function (fp32 and w1a1) until noise separates the copies.</summary>
public class FfnWideningTests
{
    private static readonly int[][] Utterances = [[2, 7, 9, 11, 3], [2, 13, 17, 3], [2, 5, 6, 8, 10, 12, 14, 3]];

    private static void AssertSameLogits(AlbertParameters expected, AlbertParameters actual, int digits)
    {
        var a = new AlbertModel(expected);
        var b = new AlbertModel(actual);
        foreach (var ids in Utterances)
        {
            var x = a.Predict(ids);
            var y = b.Predict(ids);
            for (int l = 0; l < x.Length; l++)
                for (int c = 0; c < x[l].Length; c++) Assert.Equal(x[l][c], y[l][c], digits);
        }
    }

    [Theory]
    [InlineData(BinarizationSettings.Sign)]
    [InlineData(BinarizationSettings.Elastic)]
    [InlineData(BinarizationSettings.None)]
    public void WithoutNoiseTheBinarizedStudentComputesTheSameLogits(string activation)
    {
        var student = BinarizationPipeline.Student(TinyModels.Parameters(TinyModels.Config(), 3), new BinarizationSettings { ActivationBinarizer = activation });
        foreach (var b in student.InputBinarizers) b.Alpha.Data[0] = 0.7f; // a calibrated-looking scale, the same for both
        var wide = FfnWidening.Widen(student, 3, noise: 0, seed: 1);
        Assert.Equal(3 * student.Config.IntermediateSize, wide.Config.IntermediateSize);
        Assert.Equal(student.Config.Binarization!.ActivationBinarizer, wide.Config.Binarization!.ActivationBinarizer);
        AssertSameLogits(student, wide, 4);
    }

    [Fact]
    public void WithoutNoiseTheFp32ModelComputesTheSameLogits()
    {
        var teacher = TinyModels.Parameters(TinyModels.Config(), 4);
        AssertSameLogits(teacher, FfnWidening.Widen(teacher, 2, noise: 0, seed: 1), 4);
    }

    [Fact]
    public void CopiesCarryTheSourceNeuronAndAShareOfItsOutput()
    {
        var p = TinyModels.Parameters(TinyModels.Config(), 5);
        var wide = FfnWidening.Widen(p, 2, noise: 0, seed: 1);
        int n = p.Config.IntermediateSize, h = p.Config.HiddenSize;
        for (int j = 0; j < n; j++)
        {
            Assert.Equal(p.FfnWeight.Data.AsSpan(j * h, h).ToArray(), wide.FfnWeight.Data.AsSpan((n + j) * h, h).ToArray());
            Assert.Equal(p.FfnBias.Data[j], wide.FfnBias.Data[n + j]);
            Assert.Equal(p.FfnOutputWeight.Data[j] / 2, wide.FfnOutputWeight.Data[n + j]);
        }
        Assert.Equal(p.QueryWeight.Data, wide.QueryWeight.Data);
        Assert.Equal(p.Exits[^1].ClassifierWeight.Data, wide.Exits[^1].ClassifierWeight.Data);
    }

    [Fact]
    public void NoiseSeparatesTheCopiesDeterministically()
    {
        var p = BinarizationPipeline.Student(TinyModels.Parameters(TinyModels.Config(), 6), new BinarizationSettings());
        var a = FfnWidening.Widen(p, 2, FfnWidening.DefaultNoise, seed: 9);
        var b = FfnWidening.Widen(p, 2, FfnWidening.DefaultNoise, seed: 9);
        var c = FfnWidening.Widen(p, 2, FfnWidening.DefaultNoise, seed: 10);
        Assert.Equal(a.FfnWeight.Data, b.FfnWeight.Data);
        Assert.NotEqual(a.FfnWeight.Data, c.FfnWeight.Data);
        int n = p.Config.IntermediateSize, h = p.Config.HiddenSize;
        Assert.NotEqual(a.FfnWeight.Data.AsSpan(0, h).ToArray(), a.FfnWeight.Data.AsSpan(n * h, h).ToArray());
        // A share of the row's spread: the copies stay close to their source.
        for (int i = 0; i < n * h; i++)
            Assert.True(Math.Abs(a.FfnWeight.Data[i] - p.FfnWeight.Data[i]) < 0.5f * Math.Abs(p.FfnWeight.Data.Max() - p.FfnWeight.Data.Min()));
    }
}
