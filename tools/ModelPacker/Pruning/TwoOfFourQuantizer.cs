using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Quantization;

namespace ModelPacker.Pruning;

/// <summary>
/// Scheme int8-2of4 (docs/numerics.md section 3m): the int8 model (<see cref="Int8Quantizer"/>, the same calibration
/// and per-row int8 weights) of a checkpoint that is already 2:4, every 2:4 weight (<see cref="NMSparsity.SparseWeights"/>)
/// stored as int8_2of4. A zero fp32 weight stays 0 in int8, so the int8 rows are 2:4 too.
/// </summary>
public static class TwoOfFourQuantizer
{
    public static readonly Scheme Scheme = Schemes.Int8TwoOfFour;

    /// <summary>Throws a one-line error naming the first tensor and group that is not 2:4.</summary>
    public static void RequireTwoOfFour(AlbertParameters p, string source)
    {
        if (NMSparsity.FirstViolation(p) is { } v)
            throw new InvalidDataException($"{source}: tensor '{v.Tensor}' row {v.Row}, columns {v.Column}..{v.Column + 3} hold {v.NonZeros} non-zero weights; " +
                                           "scheme int8-2of4 needs a 2:4 checkpoint (modelpacker sparsify --pattern 2:4)");
    }

    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s, string source = "checkpoint")
    {
        RequireTwoOfFour(p, source);
        return Int8Quantizer.Quantize(p, s, Scheme, Linear);
    }

    public static EncodedTensor Linear(NamedTensor weight, NamedTensor bias, double inScale, double outScale)
    {
        var (q, sw) = Int8Quantizer.QuantizeRows(weight.Data, weight.Rows, weight.Cols);
        return Int8Quantizer.RowLinear(weight, bias, inScale, outScale, q, sw, Scheme.Weights);
    }
}
