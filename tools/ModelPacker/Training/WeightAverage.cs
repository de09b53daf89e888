using System.Numerics.Tensors;
using ModelPacker.Model;

namespace ModelPacker.Training;

/// <summary>
/// An exponential moving average of the parameters (Polyak averaging), updated after every optimizer step:
/// avg ← avg + (1 − d_t)·(w − avg) with d_t = min(decay, (1 + t) / (10 + t)), so the first steps are not held back
/// by the initial weights. The average smooths the last ~1/(1 − decay) steps' noise out of the weights the trainer
/// validates and keeps; the optimizer itself keeps stepping the raw weights.
/// </summary>
public sealed class WeightAverage
{
    private readonly float _decay;
    private long _updates;

    public WeightAverage(AlbertParameters start, float decay)
    {
        if (decay is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(decay), "the decay must be in [0, 1)");
        _decay = decay;
        Average = TrainingPipeline.Clone(start);
    }

    public AlbertParameters Average { get; }

    /// <summary>The decay the next update uses.</summary>
    public float NextDecay => Math.Min(_decay, (1f + (_updates + 1)) / (10f + (_updates + 1)));

    public void Update(AlbertParameters weights)
    {
        float keep = NextDecay;
        _updates++;
        for (int k = 0; k < weights.All.Count; k++)
        {
            var avg = Average.All[k].Data;
            // Lerp(avg, w, 1 − keep) = avg + (w − avg)·(1 − keep), element by element: the same floats on any core count.
            TensorPrimitives.Lerp(avg, weights.All[k].Data, 1f - keep, avg);
        }
    }
}
