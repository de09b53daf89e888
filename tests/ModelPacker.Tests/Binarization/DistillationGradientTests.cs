using ModelPacker.Binarization;
using ModelPacker.Model;
using ModelPacker.Tests.Model;
using ModelPacker.Training;
using static ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Binarization;

/// <summary>
/// Distillation's gradients enter the backward pass at the logits, the hidden states and the pre-sign Q, K, V. With
/// an fp32 student everything is smooth, so the whole loss (labels + every distillation term) is checked against
/// finite differences for every parameter tensor; in the binarized student the exit heads, which come after the last
/// binarization, are checked the same way.
/// </summary>
public class DistillationGradientTests
{
    private static readonly float[] ExitWeights = [0.4f, 1f];

    private static Func<double> LossOf(AlbertComputation comp, AlbertParameters student, Distillation distillation, PackedBatch batch)
    {
        float scale = 1f / batch.Count;
        return () =>
        {
            comp.Forward(new ModelWeights(student), batch);
            return comp.Loss(ExitWeights, 0.1f, scale, out _) + distillation.Add(0, comp, scale);
        };
    }

    private static BinarizeConfig Weights(float kd = 0.8f, float hidden = 0.6f, float dmd = 0.5f) =>
        new() { KdWeight = kd, KdTemperature = 2f, HiddenWeight = hidden, DmdWeight = dmd };

    [Fact]
    public void FullPrecisionStudentMatchesFiniteDifferencesForEveryTensor()
    {
        var cfg = TinyModels.Config();
        var student = TinyModels.Parameters(cfg, seed: 1);
        var teacher = TinyModels.Parameters(cfg, seed: 2);
        var batch = TinyModels.Batch(); // ends in two [PAD] rows, left out of the hidden and DMD terms
        var comp = new AlbertComputation(cfg);
        var loss = LossOf(comp, student, new Distillation(teacher, Weights(), ExitWeights, 1), batch);
        loss();
        var grads = new AlbertParameters(cfg);
        comp.Backward(grads);
        foreach (var t in student.All)
        {
            IEnumerable<int> idx = t == student.WordEmbeddings
                ? new[] { 2, 7, 9, 11, 13, 17 }.SelectMany(id => Enumerable.Range(id * cfg.EmbeddingSize, 3))
                : t == student.PositionEmbeddings ? Enumerable.Range(0, 6 * cfg.EmbeddingSize)
                : t == student.TokenTypeEmbeddings ? Enumerable.Range(0, cfg.EmbeddingSize)
                : Sample(t.Length, 24, t.Name.Length);
            // the key bias now matters: DMD compares K·Kᵀ, which the bias changes (softmax alone would ignore it)
            Assert(t.Name, t.Data, grads[t.Name].Data, idx, loss, eps: 2e-3f, absTol: 4e-4, relTol: 3e-2);
        }
    }

    [Theory]
    [InlineData(1f, 0f, 0f)]
    [InlineData(0f, 1f, 0f)]
    [InlineData(0f, 0f, 1f)]
    public void EachTermAloneMatchesFiniteDifferences(float kd, float hidden, float dmd)
    {
        var cfg = TinyModels.Config();
        var student = TinyModels.Parameters(cfg, seed: 3);
        var teacher = TinyModels.Parameters(cfg, seed: 4);
        var batch = TinyModels.Batch();
        var comp = new AlbertComputation(cfg);
        var distillation = new Distillation(teacher, Weights(kd, hidden, dmd), ExitWeights, 1);
        float scale = 1f / batch.Count;
        double Loss()
        {
            comp.Forward(new ModelWeights(student), batch);
            comp.Loss(ExitWeights, 0f, scale, out _);
            foreach (int l in new[] { 0, 1 }) comp.LogitsGradient(l).Clear(); // only the distillation term
            return distillation.Add(0, comp, scale);
        }
        Xunit.Assert.True(Loss() > 0);
        var grads = new AlbertParameters(cfg);
        comp.Backward(grads);
        // softmax ignores the key bias: only DMD (K·Kᵀ) gives it a gradient
        foreach (var t in new[] { student.QueryWeight, student.KeyBias, student.FfnWeight, student.EmbeddingProjectionWeight })
            Assert(t.Name, t.Data, grads[t.Name].Data, Sample(t.Length, 16, 7), Loss, eps: 2e-3f, absTol: 2e-4, relTol: 3e-2,
                expectZero: t == student.KeyBias && dmd == 0);
    }

    [Fact]
    public void BinarizedStudentExitHeadsMatchFiniteDifferences()
    {
        var cfg = TinyModels.Config();
        var teacher = TinyModels.Parameters(cfg, seed: 5);
        var student = BinarizationPipeline.Student(TinyModels.Parameters(cfg, seed: 6), new BinarizationSettings());
        var batch = TinyModels.Batch();
        var comp = new AlbertComputation(student.Config);
        var loss = LossOf(comp, student, new Distillation(teacher, Weights(), ExitWeights, 1), batch);
        loss();
        var grads = new AlbertParameters(student.Config);
        comp.Backward(grads);
        // classifier weights and biases, and the pooler biases: nothing binarized lies between them and the loss
        foreach (var e in student.Exits)
            foreach (var t in new[] { e.ClassifierWeight, e.ClassifierBias, e.PoolerBias })
                Assert(t.Name, t.Data, grads[t.Name].Data, Sample(t.Length, 12, 3), loss, eps: 2e-3f, absTol: 4e-4, relTol: 3e-2);
        // every binarizer and binary weight gets a (straight-through) gradient
        foreach (var b in student.InputBinarizers) Xunit.Assert.NotEqual(0f, grads[b.Alpha.Name].Data[0]);
        Xunit.Assert.Contains(grads.QueryWeight.Data, g => g != 0);
        Xunit.Assert.Contains(grads.WordEmbeddings.Data, g => g != 0);
    }
}
