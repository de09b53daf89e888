using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;
using ModelPacker.Tests.Model;

namespace ModelPacker.Tests.Training;

public class TrainingTests
{
    /// <summary>A tiny model on a small real SNIPS subset, small enough for CI.</summary>
    private static TrainConfig TinyConfig(int seed = 7) => new()
    {
        VocabSize = 600, EmbeddingSize = 32, HiddenSize = 32, NumAttentionHeads = 2, IntermediateSize = 64, NumHiddenLayers = 2,
        MaxLength = 24, Epochs = 6, BatchSize = 8, LearningRate = 3e-3f, WarmupFraction = 0.1f, Seed = seed, GradientShards = 3,
    };

    private static IntentDataset SnipsSubset(int perIntentTrain, int perIntentTest)
    {
        var full = DatasetLoader.Load(TestPaths.Dataset("snips"));
        static List<IntentExample> Take(IReadOnlyList<IntentExample> xs, int per) =>
            xs.GroupBy(e => e.Label).SelectMany(g => g.Take(per)).ToList();
        return new IntentDataset
        {
            Name = "snips-subset", SourcePath = full.SourcePath, Labels = full.Labels,
            Train = Take(full.Train, perIntentTrain), Validation = Take(full.Validation, 20), Test = Take(full.Test, perIntentTest),
        };
    }

    [Fact]
    public void TinyModelLearnsSnipsSubset()
    {
        var data = SnipsSubset(perIntentTrain: 120, perIntentTest: 40);
        var reports = new List<TrainProgress>();
        var model = TrainingPipeline.Run(data, TinyConfig(), new SyncProgress(reports.Add));
        var tok = new WordPieceTokenizer(model.Vocabulary);
        var ids = data.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        var (tx, ty) = TrainingPipeline.Encode(data.Test, tok, ids, 24);
        float acc = TrainingPipeline.Accuracy(new AlbertModel(model.Parameters), tx, ty);
        // 7 intents: chance is 14 %.
        Assert.True(acc >= 0.6f, $"test accuracy {acc:P1} after {model.History.Count} epochs");
        Assert.True(model.History[^1].Loss < 0.6f * model.History[0].Loss, $"loss {model.History[0].Loss} → {model.History[^1].Loss}");
        Assert.Equal(model.History.Max(h => h.ValidationAccuracy), model.BestValidationAccuracy);
        Assert.True(model.Vocabulary.Count <= 600);
        Assert.Equal(model.Vocabulary.Count, model.Config.VocabSize);
        Assert.NotEmpty(reports);
        Assert.Equal(reports[^1].TotalSteps, reports[^1].Step);
    }

    [Fact]
    public void SameSeedGivesBitIdenticalWeightsAndAnotherSeedDoesNot()
    {
        var data = SnipsSubset(perIntentTrain: 30, perIntentTest: 1);
        var cfg = TinyConfig(seed: 11);
        cfg.Epochs = 2;
        var a = TrainingPipeline.Run(data, cfg);
        var b = TrainingPipeline.Run(data, cfg);
        var c = TrainingPipeline.Run(data, TinyConfig(seed: 12) is var c2 ? Tweak(c2) : null!);
        bool anyDifferent = false;
        for (int k = 0; k < a.Parameters.All.Count; k++)
        {
            Assert.Equal(a.Parameters.All[k].Data, b.Parameters.All[k].Data);
            anyDifferent |= !a.Parameters.All[k].Data.AsSpan().SequenceEqual(c.Parameters.All[k].Data);
        }
        Assert.True(anyDifferent);
        static TrainConfig Tweak(TrainConfig x) { x.Epochs = 2; return x; }
    }

    [Fact]
    public void ShardedStepEqualsTheSumOfExampleGradients()
    {
        // Without dropout, a step's gradient is the batch mean however the batch is sliced.
        var cfg = TinyModels.Config();
        var seqs = new[] { new[] { 2, 7, 9, 3 }, [2, 5, 3], [2, 13, 17, 11, 3], [2, 4, 3], [2, 6, 8, 3] };
        var labels = new[] { 0, 2, 1, 1, 0 };
        AlbertParameters Grad(int shards)
        {
            var tc = new TrainConfig { HiddenDropout = 0, AttentionDropout = 0, ClassifierDropout = 0, GradientShards = shards, ClipNorm = 0, NumHiddenLayers = 2 };
            var t = new Trainer(TinyModels.Parameters(cfg), tc, 10);
            t.Step(seqs, labels);
            return t.LastGradient;
        }
        var one = Grad(1); var many = Grad(4);
        for (int k = 0; k < one.All.Count; k++)
            for (int i = 0; i < one.All[k].Length; i++)
                Assert.True(Math.Abs(one.All[k].Data[i] - many.All[k].Data[i]) <= 1e-5f + 1e-4f * Math.Abs(one.All[k].Data[i]), one.All[k].Name);
    }

    private sealed class SyncProgress(Action<TrainProgress> a) : IProgress<TrainProgress>
    {
        public void Report(TrainProgress value) => a(value);
    }
}
