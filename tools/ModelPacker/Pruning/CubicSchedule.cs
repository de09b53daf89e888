namespace ModelPacker.Pruning;

/// <summary>
/// The gradual pruning schedule of Zhu and Gupta (2017), also Sanh et al.'s (2020) for the kept share: sparsity 0 up
/// to step t0, then s_t = s · (1 − (1 − (t − t0) / (t1 − t0))³) up to step t1, then s: fast at first, when many weights
/// are redundant, slower as fewer remain.
/// </summary>
public sealed record CubicSchedule(double Sparsity, long Start, long End)
{
    public static CubicSchedule Of(PruningSettings s, long totalSteps) =>
        new(s.Sparsity, (long)Math.Round(s.Begin * totalSteps), Math.Max((long)Math.Round(s.Begin * totalSteps) + 1, (long)Math.Round(s.End * totalSteps)));

    public double At(long step)
    {
        if (step <= Start) return 0;
        if (step >= End) return Sparsity;
        double u = 1 - (double)(step - Start) / (End - Start);
        return Sparsity * (1 - u * u * u);
    }
}
