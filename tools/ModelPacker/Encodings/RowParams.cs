using ModelPacker.IntegerRuntime;

namespace ModelPacker.Encodings;

/// <summary>
/// What the requantization after a GEMM needs of one output row, whatever the encoding stores (ni_int8_row_params):
/// out = rq(acc + Bias; Multiplier, Shift). Every encoding's params decode to this.
/// </summary>
public readonly record struct RowParams(int Bias, int Multiplier, int Shift)
{
    /// <summary>Bytes of one row in NI_ENC_INT8_ROW params (three little-endian int32).</summary>
    public const int Bytes = 12;
    /// <summary>|bias| bound that keeps acc + bias below 2^31 for every accumulator a validated image can produce.</summary>
    public const int MaxAbsBias = 1 << 30;
    public Requant Requant => new(Multiplier, Shift);
    public bool IsValid => Math.Abs((long)Bias) <= MaxAbsBias && Requant.IsValid;
}
