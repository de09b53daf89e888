namespace ModelPacker.Quantization;

/// <summary>
/// AdaptivFloat (Tambe et al., DAC 2020): 8-bit floats, sign | exponent field | mantissa field, whose exponent range
/// is shifted so the largest magnitude of the weights it quantizes sits in the top binade (docs/numerics.md section
/// 3g). No denormals and no infinities: the code with exponent and mantissa fields 0 is zero, so the smallest nonzero
/// magnitude is (1 + 2^-m) · 2^exp_min. A code's value is an integer on the power-of-two unit 2^(exp_min − m):
/// ±(2^m + M) · 2^E, which is what the device's decode table holds. Scheme af8 stores <see cref="Device"/> (1-3-4);
/// the other splits exist for the measurement that chose it (bench/AdaptivFloatBench).
/// </summary>
public readonly record struct AdaptivFloatFormat
{
    public const int Bits = 8;

    /// <summary>The device's split: 1 sign, 3 exponent, 4 mantissa bits (docs/numerics.md section 3g).</summary>
    public static readonly AdaptivFloatFormat Device = new(3);

    public AdaptivFloatFormat(int exponentBits)
    {
        if (exponentBits is < 1 or > 4) throw new ArgumentOutOfRangeException(nameof(exponentBits), exponentBits, "1..4 exponent bits (the integer values fit int32)");
        ExponentBits = exponentBits;
    }

    public int ExponentBits { get; }
    public int MantissaBits => Bits - 1 - ExponentBits;
    /// <summary>The largest exponent field, E_max = 2^e − 1 binades above exp_min.</summary>
    public int MaxExponent => (1 << ExponentBits) - 1;
    private int Lead => 1 << MantissaBits;
    /// <summary>The largest integer magnitude, (2^(m+1) − 1) · 2^E_max (3968 for 1-3-4).</summary>
    public int MaxMagnitude => ((Lead << 1) - 1) << MaxExponent;
    public string Name => $"1-{ExponentBits}-{MantissaBits}";

    /// <summary>
    /// The exponent of the integer unit for weights whose largest magnitude is <paramref name="maxAbs"/>: exp_max =
    /// floor(log2 maxAbs), exp_min = exp_max − E_max, unit = 2^(exp_min − m). 0 for an all-zero set.
    /// </summary>
    public int UnitExponent(double maxAbs) => maxAbs > 0 && double.IsFinite(maxAbs) ? Math.ILogB(maxAbs) - MaxExponent - MantissaBits : 0;

    /// <summary>
    /// The code of the representable value nearest to w (at unit 2^<paramref name="unitExponent"/>): ties away from
    /// zero, magnitudes beyond the largest saturate to it, zero is code 0 (never 0x80).
    /// </summary>
    public byte Encode(double w, int unitExponent)
    {
        double u = Math.ScaleB(Math.Abs(w), -unitExponent);
        if (!(u > 0)) return 0; // 0 and NaN
        int sign = w < 0 ? 1 << (Bits - 1) : 0, m = MantissaBits, lead = Lead;
        int e = Math.Max(0, Math.ILogB(u) - m);
        if (e > MaxExponent) return Code(sign, MaxExponent, (lead << 1) - 1);
        double q = Math.Round(Math.ScaleB(u, -e), MidpointRounding.AwayFromZero);
        if (q >= lead << 1)
        {
            if (e == MaxExponent) return Code(sign, MaxExponent, (lead << 1) - 1);
            e++;
            q = lead;
        }
        if (e == 0 && q <= lead) // below 2^m + 1 only zero is representable (2^m itself is the zero code)
            return 2 * u < lead + 1 ? (byte)0 : Code(sign, 0, lead + 1);
        return Code(sign, e, (int)q);
    }

    private byte Code(int sign, int e, int q) => (byte)(sign | e << MantissaBits | (q - Lead));

    /// <summary>The signed integer a code stands for: 0 for codes 0x00 and 0x80, else ±(2^m + M) · 2^E.</summary>
    public int Value(byte code)
    {
        int m = MantissaBits, e = code >> m & MaxExponent, mant = code & (Lead - 1);
        int magnitude = e == 0 && mant == 0 ? 0 : (Lead + mant) << e;
        return (code & 1 << (Bits - 1)) != 0 ? -magnitude : magnitude;
    }

    /// <summary>w rounded to this format at unit 2^<paramref name="unitExponent"/>.</summary>
    public double Round(double w, int unitExponent) => Math.ScaleB(Value(Encode(w, unitExponent)), unitExponent);
}
