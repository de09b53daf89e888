namespace ModelPacker.IntegerRuntime;

/// <summary>A real multiplier m = Multiplier · 2^-Shift (0 ≤ Multiplier &lt; 2^31, 1 ≤ Shift ≤ 62); ni_requant in C.</summary>
public readonly record struct Requant(int Multiplier, int Shift)
{
    public bool IsValid => Multiplier >= 0 && Shift is >= 1 and <= 62;
}

/// <summary>
/// The rounding rules of docs/numerics.md, written exactly like the C kernels (src/kernels/ni_fixed.c): ties away
/// from zero, computed on the magnitude so no negative number is ever shifted.
/// </summary>
public static class FixedPoint
{
    /// <summary>round(v / 2^shift), ties away from zero; 1 ≤ shift ≤ 62.</summary>
    public static long RoundShift(long v, int shift)
    {
        ulong mag = v < 0 ? 0UL - (ulong)v : (ulong)v;
        ulong r = (mag + (1UL << (shift - 1))) >> shift;
        return v < 0 ? -(long)r : (long)r;
    }

    /// <summary>round(num / den), ties away from zero; den &gt; 0.</summary>
    public static long DivRound(long num, long den)
    {
        ulong mag = num < 0 ? 0UL - (ulong)num : (ulong)num;
        ulong d = (ulong)den;
        ulong r = (mag + d / 2) / d;
        return num < 0 ? -(long)r : (long)r;
    }

    /// <summary>floor(sqrt(v)), digit by digit.</summary>
    public static uint Isqrt64(ulong v)
    {
        ulong rem = v, root = 0, bit = 1UL << 62;
        while (bit > v) bit >>= 2;
        while (bit != 0)
        {
            if (rem >= root + bit)
            {
                rem -= root + bit;
                root = (root >> 1) + bit;
            }
            else root >>= 1;
            bit >>= 2;
        }
        return (uint)root;
    }

    public static int RequantS32(int acc, Requant rq)
    {
        long r = RoundShift((long)acc * rq.Multiplier, rq.Shift);
        return (int)Math.Clamp(r, int.MinValue, int.MaxValue);
    }

    public static sbyte Sat8(long v) => (sbyte)Math.Clamp(v, -128, 127);
    public static short Sat16(long v) => (short)Math.Clamp(v, -32768, 32767);
}
