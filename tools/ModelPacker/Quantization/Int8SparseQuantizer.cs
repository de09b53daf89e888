using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>
/// Post-training scheme int8-sparse (docs/numerics.md section 3l): the int8 model (<see cref="Int8Quantizer"/>, the same
/// calibration and per-row int8 values) with every linear layer of the encoder and the poolers stored as int8_sparse:
/// only blocks with a non-zero int8 weight are kept. A pruned checkpoint (modelpacker prune) loses its zeros; a dense
/// one packs too, with every block kept (more bytes than int8 rows: no gain, but a valid image).
/// </summary>
public static class Int8SparseQuantizer
{
    public static readonly Scheme Scheme = Schemes.Int8Sparse;

    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s) =>
        Int8Quantizer.Quantize(p, s, Scheme, (w, b, inScale, outScale) =>
        {
            var (q, sw) = Int8Quantizer.QuantizeRows(w.Data, w.Rows, w.Cols);
            return Int8Quantizer.RowLinear(w, b, inScale, outScale, q, sw, Scheme.Weights);
        });
}
