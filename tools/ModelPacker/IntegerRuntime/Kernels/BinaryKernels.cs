using System.Numerics;

namespace ModelPacker.IntegerRuntime.Kernels;

// TEMPORARY stand-in with the agreed signatures, replaced by the reference binary kernels when they are merged.
public static class BinaryKernels
{
    public static void PackS8(ReadOnlySpan<sbyte> x, int threshold, Span<uint> bits)
    {
        bits[..((x.Length + 31) / 32)].Clear();
        for (int c = 0; c < x.Length; c++)
            if (x[c] >= threshold) bits[c / 32] |= 1u << (c % 32);
    }

    public static void Gemm(ReadOnlySpan<uint> w, int words, ReadOnlySpan<uint> xbits, int xWordsStride, int n, int r0, int r1, Span<int> acc, int accStride)
    {
        for (int r = r0; r < r1; r++)
            for (int t = 0; t < n; t++)
            {
                int pop = 0;
                for (int k = 0; k < words; k++) pop += BitOperations.PopCount(w[r * words + k] ^ xbits[t * xWordsStride + k]);
                acc[t * accStride + (r - r0)] = 32 * words - 2 * pop;
            }
    }

    public static void Attention(ReadOnlySpan<uint> qbits, ReadOnlySpan<uint> kbits, ReadOnlySpan<uint> vbits, int n, int hidden, int heads, int threshold, Span<sbyte> ctx)
    {
        int wpt = hidden / 32, dh = hidden / heads, hw = dh / 32;
        var a = new bool[n];
        for (int h = 0; h < heads; h++)
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    int pop = 0;
                    for (int k = 0; k < hw; k++) pop += BitOperations.PopCount(qbits[i * wpt + h * hw + k] ^ kbits[j * wpt + h * hw + k]);
                    a[j] = dh - 2 * pop >= threshold;
                }
                for (int d = 0; d < dh; d++)
                {
                    int c = h * dh + d, sum = 0;
                    for (int j = 0; j < n; j++)
                        if (a[j]) sum += (vbits[j * wpt + c / 32] >> (c % 32) & 1) != 0 ? 1 : -1;
                    ctx[i * hidden + c] = (sbyte)Math.Clamp(sum, -128, 127);
                }
            }
    }
}
