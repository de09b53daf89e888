using ModelPacker.Model;

namespace ModelPacker.Training;

/// <summary>Several auxiliary losses in one step (e.g. the fp32 teacher's and the sentence teacher's), in order.</summary>
public sealed class CombinedLoss(params IAuxiliaryLoss[] parts) : IAuxiliaryLoss
{
    public double Add(int shard, AlbertComputation student, float scale)
    {
        double loss = 0;
        foreach (var p in parts) loss += p.Add(shard, student, scale);
        return loss;
    }

    public void Step(float learningRate)
    {
        foreach (var p in parts) p.Step(learningRate);
    }
}
