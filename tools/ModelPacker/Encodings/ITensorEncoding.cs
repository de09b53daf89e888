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
    /// <summary>The spec's name: "int8_row", "binary", "binary_embed", "binary_sign", "binary_s8", "adaptivfloat", "gobo3", "int8_sparse_embed", "int4", "ipq", "int8_sparse", "int8_2of4".</summary>
    string Name { get; }

    /// <summary>(data bytes, params bytes) of a rows x cols tensor (for a <see cref="VariableLength"/> encoding the least
    /// lengths); null when they do not fit 32 bits.</summary>
    (int Data, int Params)? Sizes(int rows, int cols);

    /// <summary>False (the default): data and params are exactly <see cref="Sizes"/> long. True for an encoding whose lengths
    /// depend on its content (outlier lists, kept weights): <see cref="Sizes"/> gives the least lengths and
    /// <see cref="ValidateData"/> checks the whole tensor, as C's validate_data is non-NULL.</summary>
    bool VariableLength => false;

    /// <summary>For a <see cref="VariableLength"/> encoding, after <see cref="ValidateParams"/> passed: null when every byte the
    /// kernels read lies inside data and params and the lengths are exactly what the content declares (else
    /// <see cref="NiStatus.TensorSize"/>) and the content is within the kernels' bounds (else
    /// <see cref="NiStatus.TensorParams"/>), with a one-line reason. Fixed-length encodings: always null.</summary>
    (NiStatus Status, string Message)? ValidateData(EncodedTensor t) => null;

    /// <summary>Null when the params (of the length <see cref="Sizes"/> gives) and the shape are valid, else a one-line reason.</summary>
    string? ValidateParams(ReadOnlySpan<byte> parameters, int rows, int cols);

    /// <summary>Bias, multiplier and shift of row <paramref name="row"/> of a validated tensor.</summary>
    RowParams RowParams(EncodedTensor t, int row);

    /// <summary>The bytes of <paramref name="q"/>; throws <see cref="InvalidDataException"/> naming
    /// <paramref name="what"/> and the row when a value cannot be stored in this encoding.</summary>
    EncodedTensor Encode(QuantizedTensor q, string what);

    /// <summary>The integers of a validated tensor.</summary>
    QuantizedTensor Decode(EncodedTensor t);

    /// <summary>False for an encoding that is never a GEMM operand (binary_embed: embedding tables only); then the
    /// members from <see cref="InputBytes"/> to <see cref="Gemm"/> throw, as C's traits hold NULL there.</summary>
    bool HasGemm { get; }

    /// <summary>False for an encoding that is never an embedding table (binary_sign); then <see cref="EmbedAdd"/>
    /// throws, as C's embed_add is NULL.</summary>
    bool HasEmbed { get; }

    /// <summary>Bytes of one token's input row as <see cref="Gemm"/> reads it (a multiple of 4).</summary>
    int InputBytes(int cols);

    /// <summary>False when the GEMM reads int8 rows as they are (then <see cref="PackInput"/> is a copy).</summary>
    bool PacksInput { get; }

    /// <summary>Stores int8 values x[0..count) as input columns [c0, c0 + count) of one token's input row.</summary>
    void PackInput(EncodedTensor t, ReadOnlySpan<sbyte> x, int c0, int count, Span<byte> input);

    /// <summary>
    /// acc[tok · accStride + (r − r0)] = Σ_c w[r][c] · xval_tok[c] for tokens tok &lt; n and rows r in [r0, r1), token
    /// tok's input row (<see cref="PackInput"/>) at input[tok · inStride ..]; xval is what the encoding makes of an
    /// int8 input (<see cref="QuantizedTensor.InputValue"/>). Each weight row is read once for all n tokens.
    /// </summary>
    void Gemm(EncodedTensor t, ReadOnlySpan<byte> input, int inStride, int n, int r0, int r1, Span<int> acc, int accStride);

    /// <summary>output[c] += round_shift(w[row][c] · M_row, s_row) for every column: an embedding row brought to the
    /// int16 embedding-sum scale (bias ignored).</summary>
    void EmbedAdd(EncodedTensor t, int row, Span<long> output);
}
