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

    /// <summary>Called once per step after the student's update, with its learning rate: a loss with trainable
    /// parameters of its own (a projection used only in training) updates them here.</summary>
    void Step(float learningRate) { }
}
