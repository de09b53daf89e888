using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>How a row's int4 scale is chosen: from its largest magnitude, or the clip that minimizes the row's squared
/// rounding error (docs/numerics.md section 3j; the packer's default is the one measured better on SNIPS).</summary>
public enum Int4Clip { Max, Mse }

/// <summary>
/// Post-training scheme int4 (docs/numerics.md section 3j): the int8 model (<see cref="Int8Quantizer"/>, the same
/// calibration) with every linear layer of the encoder and the poolers in symmetric per-row int4, q = clamp(round(w /
/// s_r), ±7), s_r = clip_r / 7; the row's scale folds into its {bias, multiplier, shift} as for int8 rows.
/// </summary>
public static class Int4Quantizer
{
    public static readonly Scheme Scheme = Schemes.Int4;

    /// <summary>The largest magnitude the quantizer writes: a symmetric grid (q(−w) = −q(w)); the format also holds −8.</summary>
    public const int Levels = 7;

    /// <summary>The clip rule <c>pack --scheme int4</c> uses unless told otherwise.</summary>
    public const Int4Clip DefaultClip = Int4Clip.Mse;

    /// <summary>The MSE search: clip = max|w| · k / <see cref="ClipSteps"/> for k = ClipSteps / 2 .. ClipSteps.</summary>
    public const int ClipSteps = 40;

    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s, Int4Clip clip = DefaultClip) =>
        Int8Quantizer.Quantize(p, s, Scheme, (w, b, inScale, outScale) => Linear(w, b, inScale, outScale, clip));

    public static EncodedTensor Linear(NamedTensor weight, NamedTensor bias, double inScale, double outScale, Int4Clip clip)
    {
        var (q, sw) = QuantizeRows(weight.Data, weight.Rows, weight.Cols, clip);
        return Int8Quantizer.RowLinear(weight, bias, inScale, outScale, q, sw, Scheme.Weights);
    }

    /// <summary>Per-row int4 values in [−7, 7] and their scales s_r (1 for an all-zero row).</summary>
    public static (sbyte[] Data, double[] RowScales) QuantizeRows(ReadOnlySpan<float> w, int rows, int cols, Int4Clip clip)
    {
        var q = new sbyte[rows * cols];
        var scales = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = w.Slice(r * cols, cols);
            double sw = RowScale(row, clip);
            scales[r] = sw;
            for (int j = 0; j < cols; j++) q[r * cols + j] = Round(row[j], sw);
        }
        return (q, scales);
    }

    public static sbyte Round(double w, double scale) =>
        (sbyte)Math.Clamp(Math.Round(w / scale, MidpointRounding.AwayFromZero), -Levels, Levels);

    /// <summary>The row's scale: max|w| / 7, or the clip of the search grid with the least squared error (ties: the larger).</summary>
    public static double RowScale(ReadOnlySpan<float> row, Int4Clip clip)
    {
        double max = 0;
        foreach (float v in row) max = Math.Max(max, Math.Abs(v));
        if (!(max > 0)) return 1.0;
        if (clip == Int4Clip.Max) return max / Levels;
        double best = max / Levels, bestErr = double.PositiveInfinity;
        for (int k = ClipSteps; k >= ClipSteps / 2; k--)
        {
            double s = max * k / ClipSteps / Levels, err = 0;
            foreach (float v in row)
            {
                double d = v - Round(v, s) * s;
                err += d * d;
            }
            if (err < bestErr) { bestErr = err; best = s; }
        }
        return best;
    }
}
