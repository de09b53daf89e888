using ModelPacker.Model;
using ModelPacker.Training;

namespace ModelPacker.Tests.Training;

/// <summary>The moving average of the weights (<c>ema_decay</c>): its warm-up, its formula over real training steps,
/// and that training keeps the average, not the raw weights.</summary>
public class WeightAverageTests
{
    [Fact]
    public void DecayWarmsUpToItsCap()
    {
        var p = Model.TinyModels.Parameters(Model.TinyModels.Config(), seed: 1);
        var average = new WeightAverage(p, 0.9f);
        Assert.Equal(2f / 11f, average.NextDecay, 6);    // (1 + 1) / (10 + 1)
        for (int i = 0; i < 200; i++) average.Update(p);
        Assert.Equal(0.9f, average.NextDecay);           // capped
    }

    [Fact]
    public void AverageFollowsTheFormulaOverTrainingSteps()
    {
        var config = Model.TinyModels.Config();
        var p = Model.TinyModels.Parameters(config, seed: 4);
        var cfg = new TrainConfig { NumHiddenLayers = config.NumHiddenLayers, Seed = 9, LearningRate = 1e-2f };
        var trainer = new Trainer(p, cfg, totalSteps: 30);
        var average = new WeightAverage(p, 0.8f);
        var expected = p.All.Select(t => t.Data.Select(v => (double)v).ToArray()).ToArray();
        var rng = new Random(3);
        for (int step = 1; step <= 30; step++)
        {
            var seqs = Enumerable.Range(0, 4).Select(_ => new[] { 2 }.Concat(Enumerable.Range(0, 1 + rng.Next(5)).Select(_ => 4 + rng.Next(16))).Append(3).ToArray()).ToArray();
            trainer.Step(seqs, seqs.Select((_, i) => i % 3).ToArray());
            double keep = Math.Min(0.8, (1.0 + step) / (10.0 + step));
            for (int k = 0; k < expected.Length; k++)
                for (int i = 0; i < expected[k].Length; i++)
                    expected[k][i] = keep * expected[k][i] + (1 - keep) * p.All[k].Data[i];
            average.Update(p);
        }
        double worst = 0, moved = 0;
        for (int k = 0; k < expected.Length; k++)
            for (int i = 0; i < expected[k].Length; i++)
            {
                worst = Math.Max(worst, Math.Abs(expected[k][i] - average.Average.All[k].Data[i]));
                moved = Math.Max(moved, Math.Abs(average.Average.All[k].Data[i] - p.All[k].Data[i]));
            }
        Assert.True(worst < 1e-5, $"average differs from the formula by {worst}");
        Assert.True(moved > 1e-3, "the average should lag behind the trained weights");
    }

    [Fact]
    public void TrainingKeepsTheAverageAndStepsTheRawWeights()
    {
        var config = Model.TinyModels.Config();
        var vocab = ModelPacker.Text.Vocabulary.FromTokens(Enumerable.Range(0, config.VocabSize)
            .Select(i => i < Checkpoints.TinyCheckpoint.Tokens.Length ? Checkpoints.TinyCheckpoint.Tokens[i] : $"w{i}"));
        var rng = new Random(5);
        var x = Enumerable.Range(0, 24).Select(_ => new[] { 2 }.Concat(Enumerable.Range(0, 1 + rng.Next(5)).Select(_ => 4 + rng.Next(16))).Append(3).ToArray()).ToArray();
        var y = x.Select(s => s[1] % 3).ToArray();
        var start = Model.TinyModels.Parameters(config, seed: 4);
        TrainedModel Run(float ema)
        {
            var p = TrainingPipeline.Clone(start);
            var cfg = new TrainConfig { NumHiddenLayers = config.NumHiddenLayers, Seed = 9, Epochs = 3, BatchSize = 8, EmaDecay = ema, LearningRate = 1e-2f };
            return TrainingPipeline.Train(p, vocab, cfg, x, y, [], [], keepLast: true);
        }
        var raw = Run(0f);
        var averaged = Run(0.9f);
        // The average never feeds back into the steps: the raw trajectory, and so every epoch's loss, is the same.
        Assert.Equal(raw.History.Select(h => h.Loss), averaged.History.Select(h => h.Loss));
        // The kept weights lag behind the raw ones towards where training started.
        double Distance(AlbertParameters a) => a.All.Zip(start.All).Sum(t => t.First.Data.Zip(t.Second.Data).Sum(v => (double)(v.First - v.Second) * (v.First - v.Second)));
        Assert.True(Distance(averaged.Parameters) < Distance(raw.Parameters),
            $"averaged {Distance(averaged.Parameters)} should be nearer the start than raw {Distance(raw.Parameters)}");
        Assert.True(Distance(averaged.Parameters) > 0);
    }
}
