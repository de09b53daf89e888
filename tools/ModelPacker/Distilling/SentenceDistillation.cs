using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Training;

namespace ModelPacker.Distilling;

/// <summary>
/// The sentence teacher's part of the student's loss (<see cref="DistilConfig"/>), at every exit weighted as the
/// labels' cross-entropy: soft labels (T²·KL against the teacher head's logits) and 1 − cos between the projected
/// pooled output and the teacher's sentence embedding. Targets are looked up by <see cref="PackedBatch.ExampleIds"/>.
/// </summary>
public sealed class SentenceDistillation : IAuxiliaryLoss
{
    private readonly SentenceTargets _targets;
    private readonly DistilConfig _cfg;
    private readonly float[] _exitWeights;
    private readonly float[][] _z, _dz;

    public SentenceDistillation(SentenceTargets targets, DistilConfig config, float[] exitWeights, int hiddenSize, int shards, int seed,
        float weightDecay = 0.01f)
    {
        _targets = targets;
        _cfg = config;
        _exitWeights = exitWeights;
        Projection = new SentenceProjection(exitWeights.Length, config.Projection == DistilConfig.Shared, hiddenSize, targets.Dimension, shards, seed, weightDecay);
        _z = Enumerable.Range(0, shards).Select(_ => new float[targets.Dimension]).ToArray();
        _dz = Enumerable.Range(0, shards).Select(_ => new float[targets.Dimension]).ToArray();
    }

    public SentenceProjection Projection { get; }

    public double Add(int shard, AlbertComputation student, float scale)
    {
        var batch = student.Batch;
        var ids = batch.ExampleIds ?? throw new InvalidOperationException("sentence distillation needs the example ids of the batch");
        int c = _targets.Classes, h = Projection.Inputs;
        if (student.Logits(0).Length != batch.Count * c)
            throw new InvalidOperationException($"the student has {student.Logits(0).Length / batch.Count} labels, the teacher's targets {c}");
        Projection.BeginShard(shard);
        double loss = 0;
        for (int l = 0; l < _exitWeights.Length; l++)
        {
            float soft = _cfg.SoftLabelWeight * _exitWeights[l] * scale, rep = _cfg.RepresentationWeight * _exitWeights[l] * scale;
            if (soft > 0)
            {
                var ds = student.LogitsGradient(l);
                for (int q = 0; q < batch.Count; q++)
                    if (ids[q] < _targets.Count)
                        loss += SoftTargetLoss.Add(student.Logits(l).Slice(q * c, c), _targets.Logits[ids[q]], _cfg.Temperature, soft, ds.Slice(q * c, c));
            }
            if (rep > 0)
            {
                var pooled = student.Pooled(l);
                int d = _targets.Dimension;
                var z = _z[shard];
                var dz = Rows(_dz, shard, batch.Count * d);
                dz.Clear(); // a sequence without targets keeps a zero row, which the backward skips
                for (int q = 0; q < batch.Count; q++)
                {
                    if (ids[q] >= _targets.Count) continue;
                    Projection.Forward(l, pooled.Slice(q * h, h), z);
                    loss += CosineLoss.Add(z, _targets.Embeddings[ids[q]], rep, dz.Slice(q * d, d));
                }
                Projection.Backward(shard, l, pooled, dz, student.PooledGradient(l), batch.Count);
            }
        }
        return loss;
    }

    public void Step(float learningRate) => Projection.Step(learningRate);

    /// <summary>The shard's buffer, grown to <paramref name="length"/> floats when a batch needs more.</summary>
    private static Span<float> Rows(float[][] buffers, int shard, int length)
    {
        if (buffers[shard].Length < length) buffers[shard] = new float[length];
        return buffers[shard].AsSpan(0, length);
    }
}
