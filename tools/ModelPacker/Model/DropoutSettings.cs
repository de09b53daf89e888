namespace ModelPacker.Model;

/// <summary>Dropout rates of one training step and the seed material of its per-example random streams.</summary>
public readonly record struct DropoutSettings(float Hidden, float Attention, float Classifier, int Seed, long Step)
{
    public bool Any => Hidden > 0 || Attention > 0 || Classifier > 0;
}
