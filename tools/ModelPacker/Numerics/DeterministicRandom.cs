namespace ModelPacker.Numerics;

/// <summary>
/// SplitMix64: a tiny, fast random stream whose state is derived from (seed, step, index), so that every training
/// example gets its own dropout stream no matter which thread runs it.
/// </summary>
public struct DeterministicRandom
{
    private ulong _state;

    public DeterministicRandom(ulong seed) => _state = seed;

    public static DeterministicRandom For(int seed, long step, int index)
    {
        ulong s = Mix((ulong)(uint)seed * 0x9E3779B97F4A7C15UL);
        s = Mix(s ^ ((ulong)step * 0xBF58476D1CE4E5B9UL));
        s = Mix(s ^ ((ulong)(uint)index * 0x94D049BB133111EBUL + 1));
        return new DeterministicRandom(s);
    }

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 24 bits.</summary>
    public float NextFloat() => (NextULong() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)((NextULong() >> 33) % (ulong)n);

    /// <summary>Standard normal (Box–Muller).</summary>
    public float NextGaussian()
    {
        double u1 = 1.0 - (NextULong() >> 11) * (1.0 / (1UL << 53));
        double u2 = (NextULong() >> 11) * (1.0 / (1UL << 53));
        return (float)(Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2));
    }

    /// <summary>Fills <paramref name="mask"/> with 0 (dropped, probability p) or 1/(1−p) (kept).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public void FillDropoutMask(Span<float> mask, float p)
    {
        // 16 random bits per element, four elements per draw (p is resolved to 1/65536).
        float keep = 1f / (1f - p);
        uint threshold = (uint)Math.Round(p * 65536.0);
        int i = 0;
        for (; i + 4 <= mask.Length; i += 4)
        {
            ulong r = NextULong();
            mask[i] = (uint)(r & 0xFFFF) < threshold ? 0f : keep;
            mask[i + 1] = (uint)((r >> 16) & 0xFFFF) < threshold ? 0f : keep;
            mask[i + 2] = (uint)((r >> 32) & 0xFFFF) < threshold ? 0f : keep;
            mask[i + 3] = (uint)(r >> 48) < threshold ? 0f : keep;
        }
        for (; i < mask.Length; i++) mask[i] = (uint)(NextULong() >> 48) < threshold ? 0f : keep;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
