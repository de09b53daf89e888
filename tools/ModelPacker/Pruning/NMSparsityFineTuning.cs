using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Pruning;

/// <summary>
/// 2:4 fine-tuning (docs/numerics.md section 3m): training continues with every 2:4 weight masked by its magnitude 2:4
/// mask (<see cref="NMSparsityTransform"/>), the masks recomputed at every step of the first
/// <see cref="RecomputeShare"/> of the steps and fixed for the rest; the last epoch is kept (the masks are fixed then)
/// and written with its pruned weights zeroed, a checkpoint that <c>pack --scheme int8-2of4</c> accepts.
/// </summary>
public static class NMSparsityFineTuning
{
    /// <summary>The share of the steps during which the masks follow the weights.</summary>
    public const double RecomputeShare = 0.5;

    public static TrainedModel Run(AlbertParameters p, Vocabulary vocab, IntentDataset data, TrainConfig config,
        IProgress<TrainProgress>? progress = null, CancellationToken ct = default)
    {
        var (trainX, trainY, valX, valY) = FineTuneSplits.Of(p, vocab, data);
        int steps = (trainX.Length + config.BatchSize - 1) / config.BatchSize * config.Epochs;
        // a snapshot per step and one per validation: the epochs' validations count as steps here
        var masks = new NMSparsityTransform(p, (int)(RecomputeShare * (steps + config.Epochs)));
        var tuned = TrainingPipeline.Train(p, vocab, config, trainX, trainY, valX, valY, progress, ct, masks, keepLast: true);
        masks.Apply(tuned.Parameters);
        return tuned;
    }
}
