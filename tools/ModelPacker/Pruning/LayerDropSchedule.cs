using ModelPacker.Numerics;

namespace ModelPacker.Pruning;

/// <summary>
/// LayerDrop (Fan et al. 2019) for the shared ALBERT layer: each training step skips every application of the layer
/// after the first with probability <see cref="Rate"/>, the same for the whole batch. A skipped application is the
/// identity, so exit l reads the output of the last application at or before l and every exit trains on every step.
/// The draws come from a stream of their own per (seed, step): the schedule is reproducible and independent of the
/// number of gradient shards.
/// </summary>
public sealed record LayerDropSchedule(float Rate, int Seed)
{
    private const int StreamSalt = 0x1A7E4D;

    /// <summary>Which of the <paramref name="depth"/> applications step <paramref name="step"/> skips (never the first).</summary>
    public bool[] Skipped(long step, int depth)
    {
        if (depth < 1) throw new ArgumentOutOfRangeException(nameof(depth), depth, "the depth must be at least 1");
        var skipped = new bool[depth];
        if (Rate <= 0) return skipped;
        var rng = DeterministicRandom.For(Seed ^ StreamSalt, step, 0);
        for (int l = 1; l < depth; l++) skipped[l] = rng.NextFloat() < Rate;
        return skipped;
    }
}
