using ModelPacker.FlashImage;

namespace ModelPacker.Encodings;

/// <summary>
/// Everything specific to one tensor encoding (one row of the table, as ggml's type traits and C's
/// ni_encoding_traits): byte sizes, params validation, row params, the codec to and from the integers, and the
/// reference kernels. Nothing outside an encoding's own files knows what its bytes mean.
/// </summary>
public interface ITensorEncoding
{
    TensorEncoding Id { get; }
    /// <summary>The spec's name: "int8_row", "binary".</summary>
    string Name { get; }

    /// <summary>(data bytes, params bytes) of a rows x cols tensor; null when they do not fit 32 bits.</summary>
    (int Data, int Params)? Sizes(int rows, int cols);

    /// <summary>Null when the params (of the length <see cref="Sizes"/> gives) and the shape are valid, else a one-line reason.</summary>
    string? ValidateParams(ReadOnlySpan<byte> parameters, int rows, int cols);

    /// <summary>Bias, multiplier and shift of row <paramref name="row"/> of a validated tensor.</summary>
    RowParams RowParams(EncodedTensor t, int row);

    /// <summary>The bytes of <paramref name="q"/>; throws <see cref="InvalidDataException"/> naming
    /// <paramref name="what"/> and the row when a value cannot be stored in this encoding.</summary>
    EncodedTensor Encode(QuantizedTensor q, string what);

    /// <summary>The integers of a validated tensor.</summary>
    QuantizedTensor Decode(EncodedTensor t);

    /// <summary>Bytes of scratch <see cref="Gemm"/> needs for n tokens of <paramref name="cols"/> inputs.</summary>
    int GemmScratchBytes(int cols, int n);

    /// <summary>
    /// acc[t * accStride + (r - r0)] = Σ_c w[r][c] · xval(x[t * xStride + c]) for tokens t &lt; n and rows r in
    /// [r0, r1), where xval is what the encoding makes of an int8 input (<see cref="QuantizedTensor.InputValue"/>).
    /// </summary>
    void Gemm(EncodedTensor t, ReadOnlySpan<sbyte> x, int xStride, int n, int r0, int r1, Span<int> acc, int accStride, Span<byte> scratch);

    /// <summary>output[c] += round_shift(w[row][c] · M_row, s_row) for every column: an embedding row brought to the
    /// int16 embedding-sum scale (bias ignored).</summary>
    void EmbedAdd(EncodedTensor t, int row, Span<int> output);
}
