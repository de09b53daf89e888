using ModelPacker.FlashImage;
using ModelPacker.Quantization;

namespace ModelPacker.Tests.Quantization;

/// <summary>
/// The rejection threshold <see cref="RejectionSweep.Choose"/> picks equals the one a brute force finds by trying every
/// integer threshold over the whole score range of small hand-made splits: the highest out-of-scope recall within the
/// in-scope bound (or, without out-of-scope utterances, the most in-scope answers turned unknown), ties to the higher
/// in-scope accuracy, then to the threshold that rejects least.
/// </summary>
public sealed class RejectionSweepTests
{
    private const int Oos = 3; // the model's own out-of-scope label in these splits

    // (predicted, gold, out of scope, entropy, confidence): gold -1 for out-of-scope utterances the model has no label for
    private static RejectionSample S(int predicted, int gold, int entropy, int confidence) =>
        new(predicted, gold, gold == Oos, entropy, confidence);

    /// <summary>Eleven in-scope utterances (two wrong) and five out-of-scope ones (one predicted as the oos label).</summary>
    private static readonly RejectionSample[] Split =
    [
        S(0, 0, 10, 60000), S(1, 1, 14, 58000), S(2, 2, 20, 52000), S(0, 0, 25, 50000), S(1, 1, 31, 47000),
        S(2, 2, 40, 41000), S(0, 1, 44, 39000), S(1, 1, 52, 33000), S(2, 0, 57, 30000), S(0, 0, 63, 26000), S(1, 1, 70, 20000),
        S(0, Oos, 45, 37000), S(1, Oos, 58, 29000), S(Oos, Oos, 12, 59000), S(2, Oos, 66, 24000), S(0, Oos, 30, 48000),
    ];

    /// <summary>The expected point, found without the sweep's candidate list: every integer threshold from below the
    /// smallest score to above the largest, scored by counting.</summary>
    private static (int Caught, int InScopeCorrect, int Rejected) BruteForce(IReadOnlyList<RejectionSample> samples, RejectKind kind,
        int unknownLabel, double maxDrop)
    {
        int Answer(RejectionSample s, int t)
        {
            if (s.Predicted == unknownLabel) return -1;
            bool reject = kind == RejectKind.Confidence ? s.ConfidenceQ16 < t : s.EntropyQ16 > t;
            return reject ? -1 : s.Predicted;
        }
        (int, int, int) Score(int t) => (
            samples.Count(s => s.OutOfScope && (Answer(s, t) == -1 || Answer(s, t) == s.Gold)),
            samples.Count(s => !s.OutOfScope && Answer(s, t) == s.Gold),
            samples.Count(s => !s.OutOfScope && Answer(s, t) == -1));
        // every threshold the format allows over the scores' range: entropy >= 0, confidence 0..65536
        int lo = 0, hi = Math.Min(samples.Max(s => Math.Max(s.EntropyQ16, s.ConfidenceQ16)) + 2, RejectionRule.ConfidenceOne);
        var never = kind == RejectKind.Confidence ? Score(lo) : Score(hi);
        int inScope = samples.Count(s => !s.OutOfScope);
        bool haveOos = samples.Any(s => s.OutOfScope);
        var feasible = Enumerable.Range(lo, hi - lo + 1).Select(Score)
            .Where(p => never.Item2 - p.Item2 <= maxDrop * inScope + 1e-9).ToList();
        return feasible.OrderByDescending(p => haveOos ? p.Item1 : p.Item3).ThenByDescending(p => p.Item2).ThenBy(p => p.Item3).First();
    }

    private static void AssertChoosesTheBruteForcePoint(IReadOnlyList<RejectionSample> samples, RejectKind kind, int unknownLabel, double maxDrop)
    {
        var chosen = RejectionSweep.Choose(samples, kind, unknownLabel, maxDrop);
        var want = BruteForce(samples, kind, unknownLabel, maxDrop);
        Assert.Equal(want, (chosen.OutOfScopeCaught, chosen.InScopeCorrect, chosen.InScopeRejected));
        Assert.Equal(kind, chosen.Rule.Kind);
        Assert.Equal(unknownLabel, chosen.Rule.UnknownLabel);
        // the stored rule gives exactly the counted answers (what the device will do with it)
        var again = RejectionSweep.Evaluate(samples, chosen.Rule);
        Assert.Equal((chosen.OutOfScopeCaught, chosen.InScopeCorrect, chosen.InScopeRejected), (again.OutOfScopeCaught, again.InScopeCorrect, again.InScopeRejected));
        Assert.Null(chosen.Rule.Problem(labels: 4));
    }

    [Theory]
    [InlineData(RejectKind.Entropy, 0.0)]
    [InlineData(RejectKind.Entropy, 0.1)]
    [InlineData(RejectKind.Entropy, 0.2)]
    [InlineData(RejectKind.Entropy, 1.0)]
    [InlineData(RejectKind.Confidence, 0.0)]
    [InlineData(RejectKind.Confidence, 0.1)]
    [InlineData(RejectKind.Confidence, 0.2)]
    [InlineData(RejectKind.Confidence, 1.0)]
    public void ChoosesTheHighestOutOfScopeRecallWithinTheInScopeBound(RejectKind kind, double maxDrop)
    {
        AssertChoosesTheBruteForcePoint(Split, kind, Oos, maxDrop);
        AssertChoosesTheBruteForcePoint(Split, kind, RejectionRule.NoLabel, maxDrop);
    }

    [Fact]
    public void TheBoundIsCountedInUtterancesAndTheTieGoesToTheLeastRejection()
    {
        // a loss of exactly two of the eleven in-scope utterances is allowed at 2/11: above entropy 57 the correct
        // answers at 63 and 70 go, the out-of-scope ones at 58 and 66 are caught (12 is the oos label's); every threshold
        // 52..57 does that, and 57 also keeps the wrong answer at 57, so it rejects least
        var p = RejectionSweep.Choose(Split, RejectKind.Entropy, Oos, 2.0 / 11);
        Assert.Equal(57, p.Rule.ThresholdQ16);
        Assert.Equal((3, 7, 2), (p.OutOfScopeCaught, p.InScopeCorrect, p.InScopeRejected));
        // just under it only one correct answer may go: the one at 70, catching the out-of-scope one at 66
        p = RejectionSweep.Choose(Split, RejectKind.Entropy, Oos, 2.0 / 11 - 1e-6);
        Assert.Equal(63, p.Rule.ThresholdQ16);
        Assert.Equal((2, 8, 1), (p.OutOfScopeCaught, p.InScopeCorrect, p.InScopeRejected));
    }

    [Fact]
    public void WithoutOutOfScopeUtterancesItRejectsTheMostInScopeAnswersWithinTheBound()
    {
        var inScope = Split.Where(s => !s.OutOfScope).ToList();
        foreach (var kind in new[] { RejectKind.Entropy, RejectKind.Confidence })
            foreach (double drop in new[] { 0.0, 0.1, 0.3 })
                AssertChoosesTheBruteForcePoint(inScope, kind, RejectionRule.NoLabel, drop);
        // with no loss allowed, only the two wrong answers may go, and only if nothing correct lies beyond them
        var p = RejectionSweep.Choose(inScope, RejectKind.Entropy, RejectionRule.NoLabel, 0);
        Assert.Equal((9, 0), (p.InScopeCorrect, p.InScopeRejected));
        Assert.Equal(int.MaxValue, p.Rule.ThresholdQ16);
    }

    [Fact]
    public void RandomSplitsAgreeWithTheBruteForce()
    {
        var rng = new Random(5);
        for (int k = 0; k < 60; k++)
        {
            int n = rng.Next(1, 30);
            var samples = Enumerable.Range(0, n).Select(_ =>
            {
                int gold = rng.Next(4), predicted = rng.Next(3) == 0 ? rng.Next(4) : gold;
                return S(predicted, gold, rng.Next(0, 40), rng.Next(0, 40));   // small ranges: many ties
            }).ToList();
            var kind = k % 2 == 0 ? RejectKind.Entropy : RejectKind.Confidence;
            AssertChoosesTheBruteForcePoint(samples, kind, k % 3 == 0 ? RejectionRule.NoLabel : Oos, rng.Next(0, 4) / 10.0);
        }
    }

    [Fact]
    public void TheRuleAnswersAsTheFormatSays()
    {
        var entropy = new RejectionRule(RejectKind.Entropy, 100, 2);
        Assert.Equal(1, entropy.Answer(1, 100, 0));                      // at the threshold: kept
        Assert.Equal(RejectionRule.Unknown, entropy.Answer(1, 101, 65536));
        Assert.Equal(RejectionRule.Unknown, entropy.Answer(2, 0, 65536)); // the unknown label, however sure
        var confidence = new RejectionRule(RejectKind.Confidence, 30000, RejectionRule.NoLabel);
        Assert.Equal(2, confidence.Answer(2, 1 << 20, 30000));
        Assert.Equal(RejectionRule.Unknown, confidence.Answer(2, 0, 29999));
        Assert.Equal(0, RejectionRule.None.Answer(0, int.MaxValue, 1));
        Assert.Equal("entropy > 0.0015 nats, or the label 'c'", entropy.Describe(["a", "b", "c"]));
        Assert.NotNull(new RejectionRule(RejectKind.Confidence, 65537, -1).Problem(3));
        Assert.NotNull(new RejectionRule(RejectKind.Entropy, -1, -1).Problem(3));
        Assert.NotNull(new RejectionRule(RejectKind.Entropy, 0, 3).Problem(3));
        Assert.NotNull(new RejectionRule((RejectKind)3, 0, -1).Problem(3));
        Assert.Null(new RejectionRule(RejectKind.Entropy, int.MaxValue, 2).Problem(3));
    }
}
