using ModelPacker.IntegerRuntime;

namespace ModelPacker.Quantization;

/// <summary>Turns a real scale ratio into the integer (multiplier, shift) pair of docs/numerics.md.</summary>
public static class FixedPointMultiplier
{
    /// <summary>m ≈ multiplier · 2^-shift with multiplier in [2^30, 2^31) when the shift range allows.</summary>
    public static Requant FromReal(double real, string site)
    {
        if (double.IsNaN(real) || double.IsInfinity(real) || real < 0)
            throw new InvalidDataException($"{site}: scale ratio {real} is not a finite non-negative number");
        if (real == 0) return new Requant(0, 1);
        int exp = Math.ILogB(real) + 1;                 // real = frac · 2^exp, frac in [0.5, 1)
        double frac = Math.ScaleB(real, -exp);
        long mult = (long)Math.Round(frac * (1L << 31), MidpointRounding.AwayFromZero);
        int shift = 31 - exp;
        if (mult == 1L << 31) { mult >>= 1; shift--; }
        if (shift < 1)
            throw new InvalidDataException($"{site}: scale ratio {real:G4} is too large for a fixed-point multiplier (max 2^30)");
        if (shift > 62)
        {
            mult = (long)Math.Round(Math.ScaleB(real, 62), MidpointRounding.AwayFromZero);
            shift = 62;
        }
        return new Requant((int)mult, shift);
    }

    public static double ToReal(Requant rq) => rq.Multiplier * Math.ScaleB(1.0, -rq.Shift);
}
