using ModelPacker.Binarization;
using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Tests.Binarization;

/// <summary>A tiny fp32 teacher trained once on a small real SNIPS subset, shared by the binarization tests.</summary>
public sealed class TinyTeacher
{
    public TinyTeacher()
    {
        var full = DatasetLoader.Load(TestPaths.Dataset("snips"));
        static List<IntentExample> Take(IReadOnlyList<IntentExample> xs, int per) => xs.GroupBy(e => e.Label).SelectMany(g => g.Take(per)).ToList();
        Data = new IntentDataset
        {
            Name = "snips-subset", SourcePath = full.SourcePath, Labels = full.Labels,
            Train = Take(full.Train, 150), Validation = Take(full.Validation, 20), Test = Take(full.Test, 30),
        };
        Model = TrainingPipeline.Run(Data, new TrainConfig
        {
            VocabSize = 500, EmbeddingSize = 32, HiddenSize = 32, NumAttentionHeads = 1, IntermediateSize = 64, NumHiddenLayers = 2,
            MaxLength = 24, Epochs = 8, BatchSize = 8, LearningRate = 3e-3f, WarmupFraction = 0.1f, GradientShards = 2,
        });
        var ids = Data.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        (TestX, TestY) = TrainingPipeline.Encode(Data.Test, new WordPieceTokenizer(Model.Vocabulary), ids, 24);
    }

    public IntentDataset Data { get; }
    public TrainedModel Model { get; }
    public int[][] TestX { get; }
    public int[] TestY { get; }
}

/// <summary>The w1a1 student of the tiny teacher, trained end to end (small enough for CI).</summary>
public class BinarizationTrainingTests(TinyTeacher teacher) : IClassFixture<TinyTeacher>
{
    [Theory]
    [InlineData(BinarizationSettings.Elastic)]
    [InlineData(BinarizationSettings.Sign)]
    public void StudentLearnsFromATinyTeacher(string activation)
    {
        var config = BinarizeConfig.DefaultTrainConfig();
        BinarizeConfig.UseTeacherShape(config, teacher.Model.Config);
        (config.Epochs, config.BatchSize, config.LearningRate, config.GradientShards) = (5, 8, 2e-3f, 2);
        config.Binarize!.ActivationBinarizer = activation;
        config.Binarize.CalibrationUtterances = 64;
        var student = BinarizationPipeline.Run(teacher.Model.Parameters, teacher.Model.Vocabulary, teacher.Data, config);

        Assert.Equal(activation, student.Config.Binarization!.ActivationBinarizer);
        float acc = TrainingPipeline.Accuracy(new AlbertModel(student.Parameters), teacher.TestX, teacher.TestY);
        float teacherAcc = TrainingPipeline.Accuracy(new AlbertModel(teacher.Model.Parameters), teacher.TestX, teacher.TestY);
        Assert.True(acc >= 0.5f, $"binarized test accuracy {acc:P1} (7 intents: chance is 14 %), teacher {teacherAcc:P1}, " +
            string.Join(" ", student.History.Select(h => $"{h.Loss:F2}/{h.ValidationAccuracy:P0}")));
        Assert.True(student.History[^1].Loss < 0.8f * student.History[0].Loss, $"loss {student.History[0].Loss} → {student.History[^1].Loss}");
        Assert.Equal(0f, student.Parameters.AttentionOutputInput!.Beta.Data[0]); // the context is always binarized by its sign
        bool moved = student.Parameters.FfnInput!.Beta.Data[0] != 0f;
        Assert.Equal(activation == BinarizationSettings.Elastic, moved);
    }
}

/// <summary>The first step of multi-step distillation: 1-bit weights, full-precision layer inputs.</summary>
public class MultiStepBinarizationTests(TinyTeacher teacher) : IClassFixture<TinyTeacher>
{
    private TrainedModel Train(string activation, AlbertParameters? init = null, int epochs = 2)
    {
        var config = BinarizeConfig.DefaultTrainConfig();
        BinarizeConfig.UseTeacherShape(config, teacher.Model.Config);
        (config.Epochs, config.BatchSize, config.LearningRate, config.GradientShards) = (epochs, 8, 2e-3f, 2);
        config.Binarize!.ActivationBinarizer = activation;
        config.Binarize.CalibrationUtterances = 64;
        return BinarizationPipeline.Run(teacher.Model.Parameters, teacher.Model.Vocabulary, teacher.Data, config, init: init);
    }

    [Fact]
    public void TheNoneStepIgnoresItsBinarizersWhileASignModelDoesNot()
    {
        var none = Train(BinarizationSettings.None).Parameters;
        var sign = BinarizationPipeline.Student(teacher.Model.Parameters, new BinarizationSettings());
        foreach (var p in new[] { none, sign })
        {
            var before = new AlbertModel(p).Predict(teacher.TestX[0])[^1];
            p.FfnInput!.Alpha.Data[0] *= 3f;
            var after = new AlbertModel(p).Predict(teacher.TestX[0])[^1];
            bool same = before.SequenceEqual(after);
            Assert.Equal(p == none, same);
        }
        Assert.Throws<InvalidDataException>(() => ModelPacker.Quantization.W1A1Quantizer.Quantize(none, null!));
    }

    [Fact]
    public void StartFromCopiesEveryTensorButTheBinarizersAndChecksShapes()
    {
        var none = Train(BinarizationSettings.None, epochs: 1).Parameters;
        var student = BinarizationPipeline.Student(teacher.Model.Parameters, new BinarizationSettings());
        var binarizers = student.InputBinarizers.SelectMany(b => new[] { b.Alpha.Name, b.Beta.Name }).ToHashSet();
        var alphas = student.InputBinarizers.Select(b => b.Alpha.Data[0]).ToArray();
        BinarizationPipeline.StartFrom(student, none);
        foreach (var t in student.All.Where(t => !binarizers.Contains(t.Name)))
            Assert.Equal(none[t.Name].Data, t.Data);
        Assert.Equal(alphas, student.InputBinarizers.Select(b => b.Alpha.Data[0]).ToArray());
        Assert.NotEqual(teacher.Model.Parameters.QueryWeight.Data, student.QueryWeight.Data); // training moved them

        Assert.Contains("not binarized", Assert.Throws<ArgumentException>(() => BinarizationPipeline.StartFrom(student, teacher.Model.Parameters)).Message);
    }

    [Fact]
    public void AW1A1RunStartedFromTheNoneStepLearns()
    {
        var none = Train(BinarizationSettings.None, epochs: 3).Parameters;
        var student = Train(BinarizationSettings.Sign, none, epochs: 3);
        Assert.Equal(BinarizationSettings.Sign, student.Config.Binarization!.ActivationBinarizer);
        float acc = TrainingPipeline.Accuracy(new AlbertModel(student.Parameters), teacher.TestX, teacher.TestY);
        Assert.True(acc >= 0.5f, $"w1a1 accuracy after the none step {acc:P1} (7 intents: chance is 14 %)");
    }
}
