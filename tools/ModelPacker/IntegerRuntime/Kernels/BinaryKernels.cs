using System.Numerics;

namespace ModelPacker.IntegerRuntime.Kernels;

/// <summary>
/// The 1-bit kernels of native-kernels/src/kernels/ni_b1_*.c (ni_kernels_b1.h), written as plainly as the
/// definitions in docs/numerics.md: element c of a bit vector is bit c % 32 of word c / 32, a set bit is +1 and a
/// clear bit −1. The C kernels (SWAR, Arm asm, x86 POPCNT) must equal these bit for bit; the xunit tests compare
/// the two through the shared library and both with an element-by-element ±1 product.
/// </summary>
public static class BinaryKernels
{
    /// <summary>bits[c / 32] bit c % 32 = (x[c] ≥ threshold); x.Length a multiple of 32.</summary>
    public static void PackS8(ReadOnlySpan<sbyte> x, int threshold, Span<uint> bits)
    {
        if (x.Length % 32 != 0) throw new ArgumentException($"PackS8: {x.Length} values is not a multiple of 32", nameof(x));
        for (int k = 0; k < x.Length / 32; k++)
        {
            uint word = 0;
            for (int b = 0; b < 32; b++)
                if (x[32 * k + b] >= threshold) word |= 1u << b;
            bits[k] = word;
        }
    }

    /// <summary>
    /// acc[t·accStride + (r − r0)] = 32·words − 2·popcount(w_r XOR x_t) = Σc w[r][c]·x_t[c] in ±1, for tokens
    /// t &lt; n and rows r0 ≤ r &lt; r1; row r is w[r·words ..], token t's bits xbits[t·xWordsStride ..].
    /// </summary>
    public static void Gemm(ReadOnlySpan<uint> w, int words, ReadOnlySpan<uint> xbits, int xWordsStride, int n,
                            int r0, int r1, Span<int> acc, int accStride)
    {
        for (int t = 0; t < n; t++)
            for (int r = r0; r < r1; r++)
                acc[t * accStride + (r - r0)] = 32 * words - 2 * Differing(w.Slice(r * words, words), xbits.Slice(t * xWordsStride, words));
    }

    /// <summary>Bytes of scratch the C kernel ni_b1_attention needs (its arena share); 0 for an invalid shape.</summary>
    public static int AttentionScratchBytes(int n, int hidden, int heads)
    {
        if (heads <= 0 || hidden <= 0 || hidden % heads != 0 || hidden / heads % 32 != 0) return 0;
        int nw = (n + 31) / 32;
        return 4 * (hidden / heads * nw + nw + 32);
    }

    /// <summary>
    /// Bi-Attention over n tokens: per head h (size dh = hidden / heads, a multiple of 32), query i and key j,
    /// s_ij = dh − 2·popcount(q_i,h XOR k_j,h) (the ±1 dot product), a_ij = (s_ij ≥ threshold) ∈ {0, 1}, and
    /// ctx[i·hidden + h·dh + d] = sat8(Σj a_ij·v_j[d]) with v in ±1. Token t's bits start at word t·hidden/32.
    /// </summary>
    public static void Attention(ReadOnlySpan<uint> qbits, ReadOnlySpan<uint> kbits, ReadOnlySpan<uint> vbits, int n,
                                 int hidden, int heads, int threshold, Span<sbyte> ctx)
    {
        if (AttentionScratchBytes(n, hidden, heads) == 0)
            throw new ArgumentException($"Attention: hidden {hidden} with {heads} heads is not a head size that is a multiple of 32");
        int words = hidden / 32, dh = hidden / heads, dw = dh / 32;
        var attend = new bool[n];
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < n; i++)
            {
                var q = qbits.Slice(i * words + h * dw, dw);
                for (int j = 0; j < n; j++)
                    attend[j] = dh - 2 * Differing(q, kbits.Slice(j * words + h * dw, dw)) >= threshold;
                for (int d = h * dh; d < (h + 1) * dh; d++)
                {
                    int c = 0;
                    for (int j = 0; j < n; j++)
                        if (attend[j]) c += Bit(vbits.Slice(j * words, words), d) ? 1 : -1;
                    ctx[i * hidden + d] = FixedPoint.Sat8(c);
                }
            }
    }

    /// <summary>Element c of a bit vector: true for +1.</summary>
    public static bool Bit(ReadOnlySpan<uint> bits, int c) => (bits[c / 32] >> (c % 32) & 1u) != 0;

    private static int Differing(ReadOnlySpan<uint> a, ReadOnlySpan<uint> b)
    {
        int count = 0;
        for (int k = 0; k < a.Length; k++) count += BitOperations.PopCount(a[k] ^ b[k]);
        return count;
    }
}
