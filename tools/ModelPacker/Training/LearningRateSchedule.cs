namespace ModelPacker.Training;

/// <summary>Linear warm-up from 0 to the peak, then linear or cosine decay to 0 at the last step.</summary>
public sealed class LearningRateSchedule(float peak, int totalSteps, int warmupSteps, bool cosine)
{
    public float At(long step)
    {
        if (step < warmupSteps) return peak * (step + 1) / warmupSteps;
        double progress = totalSteps <= warmupSteps ? 1 : (double)(step - warmupSteps) / (totalSteps - warmupSteps);
        progress = Math.Clamp(progress, 0, 1);
        return (float)(cosine ? peak * 0.5 * (1 + Math.Cos(Math.PI * progress)) : peak * (1 - progress));
    }
}
