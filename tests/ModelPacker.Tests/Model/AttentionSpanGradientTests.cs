using ModelPacker.Model;
using ModelPacker.Training;

namespace ModelPacker.Tests.Model;

/// <summary>The soft span mask in the fp32 forward and backward (docs/numerics.md, "Adaptive attention span").</summary>
public class AttentionSpanGradientTests
{
    private static AlbertParameters WithSpans(float ramp, params float[] spans)
    {
        var p = AttentionSpanTraining.WithSpans(TinyModels.Parameters(TinyModels.Config()), ramp);
        spans.CopyTo(p.AttentionSpan!.Data, 0);
        return p;
    }

    [Fact]
    public void EveryParameterTensorAndTheSpansMatchFiniteDifferences()
    {
        // ramp 2: head 0 keeps d ≤ 1 whole, d = 2 at 0.65, d = 3 at 0.15; head 1 d = 1 at 0.7, d = 2 at 0.2 (no kink near)
        var p = WithSpans(2f, 1.3f, 0.4f);
        // the spans' gradient is small (a few keys per row sit on the ramp): a tighter absolute tolerance
        AlbertGradientTests.CheckEveryTensor(p, t => t == p.AttentionSpan ? 2e-5 : 4e-4);
    }

    [Fact]
    public void SpansAtMaxPositionsLeaveTheModelUnchanged()
    {
        var plain = TinyModels.Parameters(TinyModels.Config());
        var spans = AttentionSpanTraining.WithSpans(plain, 4f);
        Xunit.Assert.All(spans.AttentionSpan!.Data, z => Xunit.Assert.Equal(8f, z));
        int[] ids = [2, 7, 9, 11, 3, 5, 13, 3];
        var a = new AlbertModel(plain).Predict(ids);
        var b = new AlbertModel(spans).Predict(ids);
        for (int l = 0; l < a.Length; l++)
            for (int c = 0; c < a[l].Length; c++) Xunit.Assert.Equal(a[l][c], b[l][c], 5);
    }

    [Fact]
    public void ADeadHeadContributesNothingAndGetsOnlyThePenalty()
    {
        var p = WithSpans(2f, 1.3f, -2f);
        var dead = WithSpans(2f, 1.3f, -2f);
        // Zeroing head 1's value weights changes nothing when its context is 0 everywhere.
        int d = p.Config.HeadSize, h = p.Config.HiddenSize;
        for (int r = d; r < 2 * d; r++)
        {
            Array.Clear(dead.ValueWeight.Data, r * h, h);
            dead.ValueBias.Data[r] = 5f;
        }
        int[] ids = [2, 7, 9, 11, 3];
        var a = new AlbertModel(p).Predict(ids);
        var b = new AlbertModel(dead).Predict(ids);
        for (int l = 0; l < a.Length; l++) Xunit.Assert.Equal(a[l], b[l]);
        var comp = new AlbertComputation(p.Config);
        comp.Forward(new ModelWeights(p), TinyModels.Batch());
        comp.Loss([0.4f, 1f], 0f, 1f / 3, out _);
        var grads = new AlbertParameters(p.Config);
        comp.Backward(grads);
        Xunit.Assert.Equal(0f, grads.AttentionSpan!.Data[1]);
        Xunit.Assert.NotEqual(0f, grads.AttentionSpan.Data[0]);
        double penalty = AttentionSpanTraining.AddPenalty(p, grads, 0.5f);
        Xunit.Assert.Equal(0.5 * (1.3 + 2) + 0.5 * (-2 + 2), penalty, 5);
        Xunit.Assert.Equal(0.5f, grads.AttentionSpan.Data[1]);
    }

    [Fact]
    public void ClampKeepsSpansBetweenOneMinusRampAndMaxPositions()
    {
        var p = WithSpans(2f, -7f, 30f);
        AttentionSpanTraining.Clamp(p);
        Xunit.Assert.Equal([-1f, 8f], p.AttentionSpan!.Data);
        Xunit.Assert.Equal(1, AttentionSpanSettings.HardSpan(-1f, 2f, 8));
    }

    [Theory]
    [InlineData(-2f, 2f, 0)]
    [InlineData(-1.5f, 2f, 1)]
    [InlineData(0f, 2f, 2)]
    [InlineData(0.01f, 2f, 3)]
    [InlineData(7.5f, 2f, 8)]
    public void TheHardSpanKeepsExactlyTheDistancesWithAPositiveMask(float z, float ramp, int expected)
    {
        int span = AttentionSpanSettings.HardSpan(z, ramp, 8);
        Xunit.Assert.Equal(expected, span);
        for (int dist = 0; dist < 8; dist++)
            Xunit.Assert.Equal(dist < span, AttentionSpanSettings.Mask(z, ramp, dist) > 0f);
    }
}
