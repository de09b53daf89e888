using ModelPacker.Distilling;
using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Tests.Model;
using ModelPacker.Training;
using static ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Distilling;

/// <summary>
/// The sentence teacher's losses enter the backward pass at the logits (soft labels) and at each exit's pooled
/// output (cosine through the projection). The whole loss (labels + both terms) is checked against finite differences
/// for the student's tensors and for the projection's own weights, with a projection per exit and with a shared one.
/// </summary>
public class SentenceDistillationGradientTests
{
    private static readonly float[] ExitWeights = [0.4f, 1f];
    private const int Dim = 5;

    /// <summary>Targets of examples 0..3: random teacher logits (3 intents) and embeddings.</summary>
    private static SentenceTargets Targets(int seed) => new(
        Enumerable.Range(0, 4).Select(i => Random(3, seed + i, 2f)).ToArray(),
        Enumerable.Range(0, 4).Select(i => Random(Dim, seed + 10 + i)).ToArray());


    [Theory]
    [InlineData(DistilConfig.PerExit)]
    [InlineData(DistilConfig.Shared)]
    public void WholeLossMatchesFiniteDifferencesForStudentAndProjection(string projection)
    {
        var cfg = TinyModels.Config();
        var student = TinyModels.Parameters(cfg, seed: 11);
        var batch = TinyModels.Batch(2, 0, 3);
        var distil = new DistilConfig { SoftLabelWeight = 0.7f, Temperature = 2f, RepresentationWeight = 0.9f, Projection = projection };
        var loss = new SentenceDistillation(Targets(20), distil, ExitWeights, cfg.HiddenSize, shards: 1, seed: 3);
        Xunit.Assert.Equal(projection == DistilConfig.Shared ? 1 : 2, loss.Projection.Maps);
        var comp = new AlbertComputation(cfg);
        float scale = 1f / batch.Count;
        double Loss()
        {
            comp.Forward(new ModelWeights(student), batch);
            return comp.Loss(ExitWeights, 0.1f, scale, out _) + loss.Add(0, comp, scale);
        }
        Xunit.Assert.True(Loss() > 0);
        var grads = new AlbertParameters(cfg);
        comp.Backward(grads);
        var projectionGrads = loss.Projection.Gradients(0).Select(g => g.ToArray()).ToArray(); // Loss() below clears them
        foreach (var t in new[] { student.Exits[0].PoolerWeight, student.Exits[1].PoolerBias, student.Exits[0].ClassifierWeight,
                     student.FfnWeight, student.QueryWeight, student.EmbeddingProjectionWeight })
            Assert(t.Name, t.Data, grads[t.Name].Data, Sample(t.Length, 16, 5), Loss, eps: 2e-3f, absTol: 3e-4, relTol: 3e-2);
        for (int k = 0; k < loss.Projection.Tensors.Count; k++)
        {
            var t = loss.Projection.Tensors[k];
            Assert(t.Name, t.Data, projectionGrads[k], Sample(t.Length, 16, k), Loss, eps: 2e-3f, absTol: 3e-4, relTol: 3e-2);
        }
    }

    [Fact]
    public void EachTermAloneMatchesFiniteDifferencesAndExamplesWithoutTargetsAreLeftOut()
    {
        var cfg = TinyModels.Config();
        var student = TinyModels.Parameters(cfg, seed: 12);
        var comp = new AlbertComputation(cfg);
        foreach (var (soft, rep) in new[] { (1f, 0f), (0f, 1f) })
        {
            var loss = new SentenceDistillation(Targets(30), new DistilConfig { SoftLabelWeight = soft, RepresentationWeight = rep }, ExitWeights,
                cfg.HiddenSize, shards: 1, seed: 4);
            var batch = TinyModels.Batch(2, 0, 3);
            double Loss()
            {
                comp.Forward(new ModelWeights(student), batch);
                comp.Loss(ExitWeights, 0f, 1f, out _);
                foreach (int l in new[] { 0, 1 }) comp.LogitsGradient(l).Clear(); // only the distillation term
                return loss.Add(0, comp, 1f);
            }
            Xunit.Assert.True(Loss() > 0);
            var grads = new AlbertParameters(cfg);
            comp.Backward(grads);
            foreach (var t in new[] { student.Exits[1].PoolerWeight, student.ValueWeight })
                Assert($"{t.Name} ({soft}, {rep})", t.Data, grads[t.Name].Data, Sample(t.Length, 12, 9), Loss, eps: 2e-3f, absTol: 3e-4, relTol: 3e-2);
            // the classifier sees only the soft labels; the cosine goes around it
            Assert("classifier", student.Exits[1].ClassifierWeight.Data, grads[student.Exits[1].ClassifierWeight.Name].Data,
                Sample(student.Exits[1].ClassifierWeight.Length, 8, 1), Loss, eps: 2e-3f, absTol: 3e-4, expectZero: soft == 0);

            // examples 4 and 5 have no targets (e.g. another teacher's transfer set): no loss, no gradient
            batch = new PackedBatch([[2, 7, 9, 3], [2, 5, 3]], [0, 1], 0, [4, 5]);
            Xunit.Assert.Equal(0, Loss());
            var none = new AlbertParameters(cfg);
            comp.Backward(none);
            Xunit.Assert.All(none.All, t => Xunit.Assert.All(t.Data, g => Xunit.Assert.Equal(0f, g)));
        }
    }

    [Fact]
    public void AShardsRowsAtOnceGiveTheFloatsOfOneSequenceAtATime()
    {
        // Add projects every sequence of an exit, then runs the projection's backward over all of them in one call.
        // The per-sequence loop it replaced (forward, cosine, backward, next sequence) is rebuilt here from the
        // public pieces: the loss, the pooled gradients and the projection's gradients must match bit for bit.
        var cfg = TinyModels.Config();
        var comp = new AlbertComputation(cfg);
        var d = new DistilConfig { SoftLabelWeight = 0 };
        var targets = Targets(50);
        var batched = new SentenceDistillation(targets, d, ExitWeights, cfg.HiddenSize, shards: 1, seed: 6);
        var reference = new SentenceProjection(ExitWeights.Length, false, cfg.HiddenSize, Dim, shards: 1, seed: 6);
        comp.Forward(new ModelWeights(TinyModels.Parameters(cfg, seed: 14)), TinyModels.Batch(2, 9, 0)); // 9: no target
        const float scale = 0.5f;
        double loss = batched.Add(0, comp, scale);

        reference.BeginShard(0);
        double expectedLoss = 0;
        int h = cfg.HiddenSize;
        var z = new float[Dim]; var dz = new float[Dim];
        int[] ids = [2, 9, 0];
        for (int l = 0; l < ExitWeights.Length; l++)
        {
            var dPooled = new float[ids.Length * h];
            for (int q = 0; q < ids.Length; q++)
            {
                if (ids[q] >= targets.Count) continue;
                var x = comp.Pooled(l).Slice(q * h, h);
                reference.Forward(l, x, z);
                Array.Clear(dz);
                expectedLoss += CosineLoss.Add(z, targets.Embeddings[ids[q]], d.RepresentationWeight * ExitWeights[l] * scale, dz);
                reference.Backward(0, l, x, dz, dPooled.AsSpan(q * h, h));
            }
            Xunit.Assert.Equal(Bits(dPooled), Bits(comp.PooledGradient(l)));
        }
        Xunit.Assert.Equal(BitConverter.DoubleToInt64Bits(expectedLoss), BitConverter.DoubleToInt64Bits(loss));
        for (int k = 0; k < reference.Tensors.Count; k++)
            Xunit.Assert.Equal(Bits(reference.Gradients(0)[k]), Bits(batched.Projection.Gradients(0)[k]));
    }

    private static int[] Bits(ReadOnlySpan<float> x)
    {
        var b = new int[x.Length];
        for (int i = 0; i < x.Length; i++) b[i] = BitConverter.SingleToInt32Bits(x[i]);
        return b;
    }

    [Fact]
    public void TrainingPullsEveryExitTowardsTheTeachersEmbeddings()
    {
        // 8 utterances, each with its own embedding; only the cosine term: after 40 steps every exit's projected
        // pooled output points much closer to its utterance's embedding than at the start.
        var cfg = TinyModels.Config();
        var p = TinyModels.Parameters(cfg, seed: 13);
        var x = Enumerable.Range(0, 8).Select(i => new[] { 2, 4 + i, 12 + i % 5, 3 }).ToArray();
        var y = Enumerable.Range(0, 8).Select(i => i % 3).ToArray();
        var targets = new SentenceTargets(Enumerable.Range(0, 8).Select(_ => new float[3]).ToArray(),
            Enumerable.Range(0, 8).Select(i => Random(Dim, 40 + i)).ToArray());
        var train = new TrainConfig { LearningRate = 1e-2f, WarmupFraction = 0, HiddenDropout = 0, AttentionDropout = 0, ClassifierDropout = 0,
            TokenDropout = 0, GradientShards = 2, NumHiddenLayers = 2, ExitLossWeights = ExitWeights };
        var distil = new SentenceDistillation(targets, new DistilConfig { SoftLabelWeight = 0 }, ExitWeights, cfg.HiddenSize, train.GradientShards, seed: 5);
        var trainer = new Trainer(p, train, totalSteps: 40, auxiliary: distil);
        var ids = Enumerable.Range(0, 8).ToArray();
        double Cosine(int exit)
        {
            var comp = new AlbertComputation(cfg);
            comp.Forward(new ModelWeights(p), new PackedBatch(x, y));
            var z = new float[Dim];
            double sum = 0;
            for (int i = 0; i < 8; i++)
            {
                distil.Projection.Forward(exit, comp.Pooled(exit).Slice(i * cfg.HiddenSize, cfg.HiddenSize), z);
                sum += Dot(z, targets.Embeddings[i]) / Math.Sqrt(Dot(z, z) * Dot(targets.Embeddings[i], targets.Embeddings[i]));
            }
            return sum / 8;
        }
        var before = new[] { Cosine(0), Cosine(1) };
        for (int s = 0; s < 40; s++) trainer.Step(x, y, ids);
        for (int l = 0; l < 2; l++)
            Xunit.Assert.True(Cosine(l) > before[l] + 0.3 && Cosine(l) > 0.6, $"exit {l}: mean cosine {before[l]:F3} → {Cosine(l):F3}");
    }
}
