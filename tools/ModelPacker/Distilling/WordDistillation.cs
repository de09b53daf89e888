using System.Numerics.Tensors;
using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Training;

namespace ModelPacker.Distilling;

/// <summary>
/// Word-level distillation from the sentence encoder (<see cref="DistilConfig.WordWeight"/>): at the last layer, each
/// word's student state (the mean of its pieces' outputs) is projected to the encoder's width (a map trained with the
/// student, never saved) and meets the encoder's state of the same word through 1 − cos, averaged over the words of
/// the utterance. The encoder sees the words in context, so this passes on more than the pooled sentence does. An
/// utterance whose two tokenizers disagree on the number of words has no word targets; in a truncated sequence the
/// words after the cut, and a word cut in half, have none.
/// </summary>
public sealed class WordDistillation : IAuxiliaryLoss
{
    private readonly float[]?[] _targets;       // per example: words × dim, or null
    private readonly WordAlignment?[] _align;
    private readonly float _weight;
    private readonly int _dim;
    private readonly float[][] _s, _z, _dz, _ds;

    /// <param name="targets">Per example id, the encoder's word states (words × dim).</param>
    /// <param name="alignments">Per example id, the student's word of each piece.</param>
    public WordDistillation(IReadOnlyList<float[]> targets, IReadOnlyList<WordAlignment> alignments, int dim, float weight,
        int hiddenSize, int shards, int seed, float weightDecay = 0.01f)
    {
        if (targets.Count != alignments.Count) throw new ArgumentException("one alignment per example");
        _dim = dim;
        _weight = weight;
        _targets = new float[]?[targets.Count];
        _align = new WordAlignment?[targets.Count];
        for (int i = 0; i < targets.Count; i++)
        {
            if (targets[i].Length % dim != 0) throw new ArgumentException($"example {i}: word states not a multiple of {dim}");
            if (!HasTargets(targets[i], alignments[i], dim)) { Mismatched++; continue; }
            _targets[i] = targets[i];
            _align[i] = alignments[i];
        }
        Projection = new SentenceProjection(1, true, hiddenSize, dim, shards, seed ^ 0x3D, weightDecay);
        _s = Enumerable.Range(0, shards).Select(_ => new float[hiddenSize]).ToArray();
        _ds = Enumerable.Range(0, shards).Select(_ => new float[hiddenSize]).ToArray();
        _z = Enumerable.Range(0, shards).Select(_ => new float[dim]).ToArray();
        _dz = Enumerable.Range(0, shards).Select(_ => new float[dim]).ToArray();
    }

    /// <summary>Whether the encoder's <paramref name="states"/> are one per word of the student's split.</summary>
    public static bool HasTargets(float[] states, WordAlignment alignment, int dim) =>
        alignment.Words > 0 && states.Length == alignment.Words * dim;

    /// <summary>Examples left without word targets: the two tokenizers split them into different numbers of words.</summary>
    public int Mismatched { get; }

    public SentenceProjection Projection { get; }

    public double Add(int shard, AlbertComputation student, float scale)
    {
        var batch = student.Batch;
        var ids = batch.ExampleIds ?? throw new InvalidOperationException("word distillation needs the example ids of the batch");
        int h = Projection.Inputs, layer = student.Layers;
        var hidden = student.Hidden(layer);
        var dHidden = student.HiddenGradient(layer);
        Projection.BeginShard(shard);
        var s = _s[shard]; var ds = _ds[shard]; var z = _z[shard]; var dz = _dz[shard];
        double loss = 0;
        for (int q = 0; q < batch.Count; q++)
        {
            if (ids[q] >= _targets.Length || _targets[ids[q]] is not { } target) continue;
            var map = _align[ids[q]]!.WordOfPiece;
            int o = batch.Offsets[q], pieces = Math.Min(batch.Length(q) - 2, map.Length);
            if (pieces <= 0) continue;
            // truncation keeps the first words; one cut in half is not the word the encoder saw
            int words = pieces < map.Length && map[pieces] == map[pieces - 1] ? map[pieces - 1] : map[pieces - 1] + 1;
            if (words == 0) continue;
            float w = _weight * scale / words;
            for (int p = 0, word = 0; word < words; word++)
            {
                int first = p;
                s.AsSpan().Clear();
                for (; p < pieces && map[p] == word; p++) TensorPrimitives.Add(s, hidden.Slice((o + 1 + p) * h, h), s);
                float inv = 1f / (p - first);
                TensorPrimitives.Multiply(s, inv, s);
                Projection.Forward(0, s, z);
                Array.Clear(dz);
                loss += CosineLoss.Add(z, target.AsSpan(word * _dim, _dim), w, dz);
                Array.Clear(ds);
                Projection.Backward(shard, 0, s, dz, ds);
                TensorPrimitives.Multiply(ds, inv, ds);
                for (int k = first; k < p; k++)
                {
                    var g = dHidden.Slice((o + 1 + k) * h, h);
                    TensorPrimitives.Add(g, ds, g);
                }
            }
        }
        return loss;
    }

    public void Step(float learningRate) => Projection.Step(learningRate);
}
