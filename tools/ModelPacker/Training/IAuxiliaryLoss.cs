using ModelPacker.Model;

namespace ModelPacker.Training;

/// <summary>
/// A loss added to the labels' cross-entropy in every training step (e.g. distillation from a teacher). The trainer
/// calls it per gradient shard after the forward pass and the cross-entropy, before the backward pass.
/// </summary>
public interface IAuxiliaryLoss
{
    /// <summary>Adds the loss of <paramref name="student"/>'s current batch, scaled by <paramref name="scale"/> (1 /
    /// step batch size), into its gradient buffers (<see cref="AlbertComputation.LogitsGradient"/>, ...); returns the
    /// scaled loss. <paramref name="shard"/> (0 ≤ shard &lt; shards) lets it keep one workspace per parallel slice.</summary>
    double Add(int shard, AlbertComputation student, float scale);
}
