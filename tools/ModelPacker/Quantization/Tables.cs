using ModelPacker.IntegerRuntime;

namespace ModelPacker.Quantization;

/// <summary>The lookup tables of QUANT_PARAMS, computed once by the packer so the device needs no float.</summary>
public static class Tables
{
    /// <summary>round(exp(−k/32) · 2^16), k = 0..511.</summary>
    public static int[] Exp()
    {
        var t = new int[IntegerKernels.ExpTableLength];
        for (int k = 0; k < t.Length; k++)
            t[k] = (int)Math.Round(Math.Exp(-k / (double)(1 << IntegerKernels.ExpIndexFracBits)) * 65536, MidpointRounding.AwayFromZero);
        return t;
    }

    /// <summary>round(2^(−k/256) · 2^30).</summary>
    public static int[] Exp2Frac()
    {
        var t = new int[IntegerKernels.FracTableLength];
        for (int k = 0; k < t.Length; k++) t[k] = (int)Math.Round(Math.Pow(2, -k / 256.0) * (1 << 30), MidpointRounding.AwayFromZero);
        return t;
    }

    /// <summary>round(log2(1 + k/256) · 2^16).</summary>
    public static int[] Log2Frac()
    {
        var t = new int[IntegerKernels.FracTableLength];
        for (int k = 0; k < t.Length; k++) t[k] = (int)Math.Round(Math.Log2(1 + k / 256.0) * 65536, MidpointRounding.AwayFromZero);
        return t;
    }

    /// <summary>table[q + 128] = sat8(round(f(q · inScale) / outScale)).</summary>
    public static sbyte[] Activation(Func<double, double> f, double inScale, double outScale)
    {
        var t = new sbyte[IntegerKernels.Lut8Length];
        for (int i = 0; i < t.Length; i++)
            t[i] = (sbyte)Math.Clamp(Math.Round(f((i - 128) * inScale) / outScale, MidpointRounding.AwayFromZero), -128, 127);
        return t;
    }
}
