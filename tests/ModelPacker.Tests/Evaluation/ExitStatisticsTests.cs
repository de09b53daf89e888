using ModelPacker.Evaluation;

namespace ModelPacker.Tests.Evaluation;

public class ExitStatisticsTests
{
    [Fact]
    public void Softmax_and_entropy_by_hand()
    {
        var p = ExitStatistics.Softmax([0f, 0f]);
        Assert.Equal([0.5, 0.5], p);
        Assert.Equal(Math.Log(2), ExitStatistics.Entropy(p), 12);

        // logits 0 and ln 3 give 1/4 and 3/4.
        p = ExitStatistics.Softmax([0f, MathF.Log(3)]);
        Assert.Equal(0.25, p[0], 6);
        Assert.Equal(0.75, p[1], 6);
        Assert.Equal(0.5623351446, ExitStatistics.Entropy(p), 6);
    }

    [Fact]
    public void Softmax_is_stable_for_large_logits_and_a_certain_answer_has_zero_entropy()
    {
        var p = ExitStatistics.Softmax([1000f, 0f, -1000f]);
        Assert.Equal(1.0, p[0]);
        Assert.Equal(0.0, ExitStatistics.Entropy(p));
        Assert.Equal(Math.Log(4), ExitStatistics.Entropy(ExitStatistics.Softmax([5f, 5f, 5f, 5f])), 12);
    }

    [Fact]
    public void ArgMax_takes_the_first_of_ties()
    {
        Assert.Equal(1, ExitStatistics.ArgMax([0f, 3f, 3f, -1f]));
        Assert.Throws<ArgumentException>(() => ExitStatistics.ArgMax([]));
    }
}
