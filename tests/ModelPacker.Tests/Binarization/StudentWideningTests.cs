using ModelPacker.Binarization;
using ModelPacker.Model;
using ModelPacker.Tests.Model;

namespace ModelPacker.Tests.Binarization;

/// <summary>The widened FFN and embedding compute its source's function (fp32 and w1a1) until noise separates the copies.</summary>
public class StudentWideningTests
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
        var wide = StudentWidening.WidenFfn(student, 3, noise: 0, seed: 1);
        Assert.Equal(3 * student.Config.IntermediateSize, wide.Config.IntermediateSize);
        Assert.Equal(student.Config.Binarization!.ActivationBinarizer, wide.Config.Binarization!.ActivationBinarizer);
        AssertSameLogits(student, wide, 4);
    }

    [Theory]
    [InlineData(BinarizationSettings.Sign)]
    [InlineData(BinarizationSettings.None)]
    public void WithoutNoiseTheWiderEmbeddingComputesTheSameLogits(string activation)
    {
        var student = BinarizationPipeline.Student(TinyModels.Parameters(TinyModels.Config(), 7), new BinarizationSettings { ActivationBinarizer = activation });
        foreach (var b in student.InputBinarizers) b.Alpha.Data[0] = 0.7f;
        var wide = StudentWidening.WidenEmbedding(student, 2, noise: 0, seed: 1);
        Assert.Equal(2 * student.Config.EmbeddingSize, wide.Config.EmbeddingSize);
        AssertSameLogits(student, wide, 4);
        AssertSameLogits(student, StudentWidening.WidenFfn(wide, 2, noise: 0, seed: 1), 4);
    }

    [Fact]
    public void WithoutNoiseTheFp32ModelComputesTheSameLogits()
    {
        var teacher = TinyModels.Parameters(TinyModels.Config(), 4);
        AssertSameLogits(teacher, StudentWidening.WidenFfn(teacher, 2, noise: 0, seed: 1), 4);
        AssertSameLogits(teacher, StudentWidening.WidenEmbedding(teacher, 3, noise: 0, seed: 1), 4);
    }

    [Fact]
    public void CopiesCarryTheSourceNeuronAndAShareOfItsOutput()
    {
        var p = TinyModels.Parameters(TinyModels.Config(), 5);
        var wide = StudentWidening.WidenFfn(p, 2, noise: 0, seed: 1);
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
        var a = StudentWidening.WidenFfn(p, 2, StudentWidening.DefaultNoise, seed: 9);
        var b = StudentWidening.WidenFfn(p, 2, StudentWidening.DefaultNoise, seed: 9);
        var c = StudentWidening.WidenFfn(p, 2, StudentWidening.DefaultNoise, seed: 10);
        Assert.Equal(a.FfnWeight.Data, b.FfnWeight.Data);
        Assert.NotEqual(a.FfnWeight.Data, c.FfnWeight.Data);
        int n = p.Config.IntermediateSize, h = p.Config.HiddenSize;
        Assert.NotEqual(a.FfnWeight.Data.AsSpan(0, h).ToArray(), a.FfnWeight.Data.AsSpan(n * h, h).ToArray());
        // A share of the row's spread: the copies stay close to their source.
        for (int i = 0; i < n * h; i++)
            Assert.True(Math.Abs(a.FfnWeight.Data[i] - p.FfnWeight.Data[i]) < 0.5f * Math.Abs(p.FfnWeight.Data.Max() - p.FfnWeight.Data.Min()));
    }

    [Theory]
    [InlineData(0, 1, "cfg.json: binarize.ffn_width must be in 1..8")]
    [InlineData(1, 9, "cfg.json: binarize.embedding_width must be in 1..8")]
    public void WidthsOutsideTheirRangeNameTheKey(int ffn, int embedding, string message)
    {
        var b = new ModelPacker.Training.BinarizeConfig { FfnWidth = ffn, EmbeddingWidth = embedding };
        Assert.Equal(message, Assert.Throws<InvalidDataException>(() => b.Validate("cfg.json")).Message);
    }

    [Fact]
    public void TheTrainConfigTakesTheWidenedShape()
    {
        var config = new ModelPacker.Training.TrainConfig { Binarize = new() { FfnWidth = 2, EmbeddingWidth = 2 } };
        var teacher = TinyModels.Config();
        ModelPacker.Training.BinarizeConfig.UseTeacherShape(config, teacher);
        Assert.Equal(2 * teacher.IntermediateSize, config.IntermediateSize);
        Assert.Equal(2 * teacher.EmbeddingSize, config.EmbeddingSize);
        Assert.Equal(teacher.HiddenSize, config.HiddenSize);
    }
}
