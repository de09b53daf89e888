namespace ModelPacker.Encodings;

/// <summary>
/// A tensor's integers before encoding (and after decoding): what the GEMM multiplies and what the requantization
/// uses, independent of the byte layout. <see cref="Weights"/> is [Rows, Cols] row-major (int8 values, or -1/+1 for
/// 1-bit weights). <see cref="InputThreshold"/> is null when the layer multiplies its int8 input as it is, and the
/// threshold t when the layer sees each input as +1 (x &gt;= t) or -1 (x &lt; t).
/// </summary>
public sealed record QuantizedTensor(int Rows, int Cols, sbyte[] Weights, RowParams[] RowParams, int? InputThreshold = null)
{
    public ReadOnlySpan<sbyte> Row(int r) => Weights.AsSpan(r * Cols, Cols);

    /// <summary>The value the GEMM multiplies for input <paramref name="x"/>.</summary>
    public int InputValue(sbyte x) => InputThreshold is { } t ? (x >= t ? 1 : -1) : x;
}
