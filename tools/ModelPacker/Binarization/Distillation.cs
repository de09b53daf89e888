using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Training;

namespace ModelPacker.Binarization;

/// <summary>
/// The teacher's part of the w1a1 student's loss (<see cref="BinarizeConfig"/>): the fp32 teacher (or a binarized assistant, <see cref="BinarizationPipeline"/>) runs on the same
/// batch (no dropout) and the student is pulled towards its logits at every exit, its hidden states h_0..h_L and the
/// directions of its Q, K and V similarity matrices (DMD) at every layer. Padding rows ([PAD] after the last real
/// token) are left out of the hidden and DMD terms.
/// </summary>
public sealed class Distillation : IAuxiliaryLoss
{
    private readonly BinarizeConfig _cfg;
    private readonly float[] _exitWeights;
    private readonly ModelWeights _teacher;
    private readonly AlbertComputation[] _work;
    private readonly float[][] _scratch;
    private readonly int _h, _heads, _layers;

    public Distillation(AlbertParameters teacher, BinarizeConfig config, float[] exitWeights, int shards)
    {
        _cfg = config;
        _exitWeights = exitWeights;
        _teacher = new ModelWeights(teacher);
        _work = Enumerable.Range(0, shards).Select(_ => new AlbertComputation(teacher.Config)).ToArray();
        _h = teacher.Config.HiddenSize; _heads = teacher.Config.NumAttentionHeads; _layers = teacher.Config.NumHiddenLayers;
        _scratch = new float[shards][];
        for (int i = 0; i < shards; i++) _scratch[i] = new float[DirectionMatching.ScratchLength(teacher.Config.MaxPositionEmbeddings)];
    }

    public double Add(int shard, AlbertComputation student, float scale)
    {
        var batch = student.Batch;
        var teacher = _work[shard];
        teacher.Forward(_teacher, batch);
        double loss = 0;
        int c = _teacher.Config.NumLabels;
        for (int l = 0; l < _layers; l++)
        {
            float w = _cfg.KdWeight * _exitWeights[l] * scale;
            if (w == 0) continue;
            var ds = student.LogitsGradient(l);
            for (int q = 0; q < batch.Count; q++)
                loss += SoftTargetLoss.Add(student.Logits(l).Slice(q * c, c), teacher.Logits(l).Slice(q * c, c), _cfg.KdTemperature, w, ds.Slice(q * c, c));
        }
        for (int q = 0; q < batch.Count; q++)
        {
            int o = batch.Offsets[q], t = RealTokens(student, o, batch.Length(q));
            if (_cfg.HiddenWeight > 0)
                for (int l = 0; l <= _layers; l++)
                    loss += MeanSquaredError(student.Hidden(l), teacher.Hidden(l), o * _h, t * _h, _cfg.HiddenWeight * scale, student.HiddenGradient(l));
            if (_cfg.DmdWeight > 0)
                for (int l = 0; l < _layers; l++)
                {
                    float w = _cfg.DmdWeight * scale / (_heads * t);
                    loss += DirectionLoss(student.Query(l), teacher.Query(l), o, t, w, student.QueryGradient(l), _scratch[shard]);
                    loss += DirectionLoss(student.Key(l), teacher.Key(l), o, t, w, student.KeyGradient(l), _scratch[shard]);
                    loss += DirectionLoss(student.Value(l), teacher.Value(l), o, t, w, student.ValueGradient(l), _scratch[shard]);
                }
        }
        return loss;
    }

    /// <summary>Rows of the sequence before its first [PAD].</summary>
    private static int RealTokens(AlbertComputation c, int offset, int length)
    {
        int t = 0;
        while (t < length && c.IsToken(offset + t)) t++;
        return t;
    }

    /// <summary>weight · mean (s − t)² over [offset, offset + count); adds its gradient into ds.</summary>
    private static double MeanSquaredError(ReadOnlySpan<float> s, ReadOnlySpan<float> t, int offset, int count, float weight, Span<float> ds)
    {
        if (count == 0) return 0;
        double sum = 0;
        float k = 2f * weight / count;
        for (int i = offset; i < offset + count; i++)
        {
            float diff = s[i] - t[i];
            sum += (double)diff * diff;
            ds[i] += k * diff;
        }
        return weight * sum / count;
    }

    private double DirectionLoss(ReadOnlySpan<float> s, ReadOnlySpan<float> t, int offset, int tokens, float weight, Span<float> ds, float[] scratch)
    {
        int d = _h / _heads;
        double loss = 0;
        for (int h = 0; h < _heads; h++)
        {
            int at = offset * _h + h * d;
            loss += DirectionMatching.Add(s[at..], t[at..], tokens, d, _h, weight, ds[at..], scratch);
        }
        return loss;
    }
}
