using ModelPacker.FlashImage;

namespace ModelPacker.Encodings;

/// <summary>
/// One weight tensor as the image stores it: its encoding id, logical shape [Rows, Cols] (a linear layer is
/// [out, in]) and the encoding's data and params bytes (docs/numerics.md defines them per encoding). What the bytes
/// mean is known only to the encoding (<see cref="Traits"/>), never to the code that carries the tensor.
/// </summary>
public sealed record EncodedTensor(TensorEncoding Encoding, int Rows, int Cols, byte[] Data, byte[] Params)
{
    /// <summary>The encoding's row of the table; throws for an encoding the runtime does not implement.</summary>
    public ITensorEncoding Traits => TensorEncodings.Get(Encoding);

    /// <summary>Bias, multiplier and shift of row <paramref name="row"/> (what the requantization after the GEMM uses).</summary>
    public RowParams RowParams(int row) => Traits.RowParams(this, row);

    /// <summary>Null when sizes, params and (for a variable-length encoding) data are what the encoding demands for this
    /// shape, else a one-line reason.</summary>
    public string? Problem()
    {
        if (TensorEncodings.Find(Encoding) is not { } enc) return $"encoding {(byte)Encoding} is not supported";
        return (ModelValidator.Lengths(enc, Rows, Cols, Data.Length, Params.Length) ?? ModelValidator.Content(this))?.Message;
    }
}
