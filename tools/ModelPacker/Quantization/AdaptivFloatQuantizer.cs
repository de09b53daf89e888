using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>
/// Post-training scheme af8 (docs/numerics.md section 3g): the int8 model (<see cref="Int8Quantizer"/>, the same
/// calibration) with every linear layer of the encoder and the poolers in AdaptivFloat 1-3-4, one exponent bias per
/// tensor chosen from its largest magnitude (the paper's rule; a bias per row measured no better, bench/results/
/// af8-formats.md), weights rounded to the nearest representable value.
/// </summary>
public static class AdaptivFloatQuantizer
{
    public static readonly Scheme Scheme = Schemes.Af8;

    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s) => Int8Quantizer.Quantize(p, s, Scheme, Linear);

    /// <summary>
    /// A linear layer: codes at the tensor's unit u = 2^(floor(log2 max|W|) − 11), bias in accumulator units u·S_in
    /// per row, one requantization u·S_in / S_out for the tensor.
    /// </summary>
    public static EncodedTensor Linear(NamedTensor weight, NamedTensor bias, double inScale, double outScale)
    {
        var f = AdaptivFloatFormat.Device;
        double max = 0;
        foreach (float v in weight.Data) max = Math.Max(max, Math.Abs((double)v));
        int unit = f.UnitExponent(max);
        var codes = new sbyte[weight.Length];
        for (int i = 0; i < codes.Length; i++) codes[i] = (sbyte)f.Encode(weight.Data[i], unit);
        double accUnit = Math.ScaleB(inScale, unit);
        var rq = FixedPointMultiplier.FromReal(accUnit / outScale, weight.Name);
        var prm = new RowParams[weight.Rows];
        for (int r = 0; r < weight.Rows; r++)
        {
            double b = Math.Round(bias.Data[r] / accUnit, MidpointRounding.AwayFromZero);
            if (Math.Abs(b) > RowParams.MaxAbsBias)
                throw new InvalidDataException($"{bias.Name}: bias {bias.Data[r]} of row {r} is {b:G3} accumulator units, more than 2^30 (weights or activations nearly zero)");
            prm[r] = new RowParams((int)b, rq.Multiplier, rq.Shift);
        }
        return TensorEncodings.Get(Scheme.Weights).Encode(new QuantizedTensor(weight.Rows, weight.Cols, codes, prm), weight.Name);
    }
}
