namespace ModelPacker.Encodings;

/// <summary>
/// An iPQ tensor's integers (encoding ipq, docs/numerics.md section 3k): <see cref="Codes"/> int8 codewords of
/// <see cref="Block"/> weights (<see cref="Codebook"/>, codeword k at k·Block), an index per sub-vector of Block
/// consecutive weights of a row (<see cref="Indices"/>, [Rows, Cols / Block] row-major) and each row's {bias,
/// multiplier, shift} as int8_row's. Weight (r, c) = Codebook[Indices[r·(Cols/Block) + c/Block]·Block + c % Block].
/// </summary>
public sealed record IpqTensor(int Rows, int Cols, int Codes, int Block, sbyte[] Codebook, byte[] Indices, RowParams[] RowParams)
{
    /// <summary>Sub-vectors per row.</summary>
    public int SubVectors => Cols / Block;

    /// <summary>The weight the GEMM multiplies at (row, col).</summary>
    public int Weight(int row, int col) => Codebook[Indices[row * SubVectors + col / Block] * Block + col % Block];
}
