using ModelPacker.Model;
using ModelPacker.Training;

namespace ModelPacker.Tests.Training;

/// <summary>The trainer clears and sums only the looked-up rows of the word-embedding gradient when no weight
/// transform is set; with one it handles the whole table. Both must give the same weights, bit for bit, in any
/// sequence of steps with and without a transform.</summary>
public class TouchedRowsTests
{
    private static AlbertParameters Train(Func<int, bool> identityAt, int shards)
    {
        var config = Model.TinyModels.Config();
        var p = Model.TinyModels.Parameters(config, seed: 4);
        var cfg = new TrainConfig { NumHiddenLayers = config.NumHiddenLayers, GradientShards = shards, HiddenDropout = 0.1f, TokenDropout = 0.2f, Seed = 9 };
        var trainer = new Trainer(p, cfg, totalSteps: 8);
        var rng = new Random(2);
        for (int step = 0; step < 8; step++)
        {
            trainer.Transform = identityAt(step) ? new Model.IdentityTransform() : null;
            // batches of 1 to 6 sequences over varying ids, so shards come and go and rows differ step to step
            int b = 1 + step % 6;
            var seqs = Enumerable.Range(0, b).Select(_ => new[] { 2 }.Concat(Enumerable.Range(0, 1 + rng.Next(5)).Select(_ => 4 + rng.Next(16))).Append(3).ToArray()).ToArray();
            trainer.Step(seqs, seqs.Select((_, i) => i % 3).ToArray());
        }
        return p;
    }

    [Theory]
    [InlineData(4)]
    [InlineData(2)]
    public void RowsAloneGiveTheSameWeightsAsTheWholeTable(int shards)
    {
        var whole = Train(_ => true, shards);
        foreach (var mixed in new[] { Train(_ => false, shards), Train(s => s % 3 == 1, shards), Train(s => s == 0, shards) })
            for (int k = 0; k < whole.All.Count; k++)
                Assert.True(whole.All[k].Data.AsSpan().SequenceEqual(mixed.All[k].Data), whole.All[k].Name);
    }

    [Fact]
    public void ClearsForgetsAndUnitesTheMarkedRows()
    {
        var a = new TouchedRows(6); var b = new TouchedRows(6);
        a.Record([3, 1, 3]);
        b.Record([5, 1]);
        Assert.Equal([3, 1], a.Rows);
        a.Union([a, b], 2);
        Assert.Equal([3, 1, 5], a.Rows);
        Assert.True(a.Contains(5) && !a.Contains(0));
        var table = Enumerable.Range(0, 12).Select(i => (float)i + 1).ToArray(); // 6 rows of 2
        a.Clear(table, 2);
        Assert.Equal([1f, 2, 0, 0, 5, 6, 0, 0, 9, 10, 0, 0], table);
        Assert.Empty(a.Rows);
        Assert.False(a.Contains(3));
    }
}
