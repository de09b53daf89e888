using System.Numerics;
using System.Runtime.InteropServices;
using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime.Kernels;

namespace ModelPacker.IntegerRuntime;

/// <summary>
/// The C kernels of native-kernels/src/kernels, operation for operation (docs/numerics.md). Every value and every
/// rounding matches the C reference bit for bit; the xunit tests compare the two through the shared library.
/// </summary>
public static class IntegerKernels
{
    public const int LnGainShift = 16;
    public const int LnNormFracBits = 20;
    public const int ExpTableLength = 512;
    public const int ExpIndexFracBits = 5;
    public const int Lut8Length = 256;
    public const int FracTableLength = 256;
    public const int LogitFracBits = 16;
    public const int LogitLimit = 1 << 26;
    public const int Log2EQ16 = 94548;
    public const int Ln2Q16 = 45426;

    private static long RowValue(int acc, in RowParams p) => FixedPoint.RoundShift(((long)acc + p.Bias) * p.Multiplier, p.Shift);

    // The requantizations of a GEMM tile (C: ni_requant_tile.c): acc holds rows [r0, r1) of n tokens,
    // acc[k·accStride + (r − r0)]; each row's params come from the tensor's encoding once for all tokens.

    /// <summary>out[k·outStride + (r − r0)] = sat8(rq(acc + bias_r; M_r, s_r)).</summary>
    public static void RequantTileS8(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, int accStride, int n, Span<sbyte> output, int outStride)
    {
        var e = t.Traits;
        for (int r = r0; r < r1; r++)
        {
            var p = e.RowParams(t, r);
            for (int k = 0; k < n; k++) output[k * outStride + (r - r0)] = FixedPoint.Sat8(RowValue(acc[k * accStride + (r - r0)], p));
        }
    }

    /// <summary>io[k·ioStride + r] = sat16(rq(acc + bias_r; M_r, s_r) + rq(io[k·ioStride + r]; residualRq)): the int16
    /// buffer holds the residual (int8 values, widened) and receives the sum.</summary>
    public static void RequantTileAddS16(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, int accStride, int n,
        Requant residualRq, Span<short> io, int ioStride)
    {
        var e = t.Traits;
        for (int r = r0; r < r1; r++)
        {
            var p = e.RowParams(t, r);
            for (int k = 0; k < n; k++)
            {
                ref short o = ref io[k * ioStride + r];
                long residual = FixedPoint.RoundShift((long)o * residualRq.Multiplier, residualRq.Shift);
                o = FixedPoint.Sat16(RowValue(acc[k * accStride + (r - r0)], p) + residual);
            }
        }
    }

    /// <summary>out[r] = clamp(rq(acc + bias_r; M_r, s_r), ±2^26), one token (the exit classifier).</summary>
    public static void RequantTileLogits(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, Span<int> output)
    {
        var e = t.Traits;
        for (int r = r0; r < r1; r++) output[r] = (int)Math.Clamp(RowValue(acc[r - r0], e.RowParams(t, r)), -LogitLimit, LogitLimit);
    }

    /// <summary>Sign bits (scheme W1A1's Q, K, V): bit r of token k = (acc + bias_r ≥ 0), the multiplier unused (the
    /// scale is positive), at bits[k·bitsStride + r/32].</summary>
    public static void SignTileBits(EncodedTensor t, int r0, int r1, ReadOnlySpan<int> acc, int accStride, int n, Span<uint> bits, int bitsStride)
    {
        var e = t.Traits;
        for (int r = r0; r < r1; r++)
        {
            int bias = e.RowParams(t, r).Bias;
            uint m = 1u << (r % 32);
            for (int k = 0; k < n; k++)
            {
                ref uint w = ref bits[k * bitsStride + r / 32];
                w = (long)acc[k * accStride + (r - r0)] + bias >= 0 ? w | m : w & ~m;
            }
        }
    }

    /// <summary>e[c] = sat16(word[token][c] + position[position][c]), each term its encoding's embed_add in int64
    /// (docs/numerics.md, "Embedding"); <paramref name="sum"/> holds E values.</summary>
    public static void EmbedTokenS16(EncodedTensor word, EncodedTensor pos, int token, int position, Span<long> sum, Span<short> output)
    {
        int dim = word.Cols;
        sum[..dim].Clear();
        word.Traits.EmbedAdd(word, token, sum);
        pos.Traits.EmbedAdd(pos, position, sum);
        for (int c = 0; c < dim; c++) output[c] = FixedPoint.Sat16(sum[c]);
    }

    /// <summary>The first n bytes of <paramref name="buffer"/>, int8, become n int16 in place (from the last down).</summary>
    public static void WidenS8InPlace(Span<byte> buffer, int n)
    {
        var s16 = MemoryMarshal.Cast<byte, short>(buffer[..(2 * n)]);
        for (int i = n; i-- > 0;) s16[i] = (sbyte)buffer[i];
    }

    public static void LayerNormS16(ReadOnlySpan<short> x, ReadOnlySpan<LayerNormParam> p, int n, Span<sbyte> output)
    {
        int sum = 0;
        for (int i = 0; i < n; i++) sum += x[i];
        int mean = (int)FixedPoint.DivRound(sum, n);
        ulong ss = 0;
        for (int i = 0; i < n; i++)
        {
            long d = (long)x[i] - mean;
            ss += (ulong)(d * d);
        }
        uint sigma = FixedPoint.Isqrt64((ss << 16) / (ulong)n);
        if (sigma == 0) sigma = 1;
        // the row's one division: inv = 2^(30+e) / sigma in (2^29, 2^30], e = floor(log2 sigma)
        int e = BitOperations.Log2(sigma);
        int inv = (int)FixedPoint.DivRound(1L << (30 + e), sigma);
        for (int i = 0; i < n; i++)
        {
            int d = x[i] - mean;
            int xn = (int)FixedPoint.RoundShift((long)d * inv, e + 2);
            long y = (long)xn * p[i].Gain + ((long)p[i].Bias << LnNormFracBits);
            output[i] = FixedPoint.Sat8(FixedPoint.RoundShift(y, LnGainShift + LnNormFracBits));
        }
    }

    public static void Lut(ReadOnlySpan<sbyte> x, ReadOnlySpan<sbyte> table, Span<sbyte> output, int n)
    {
        for (int i = 0; i < n; i++) output[i] = table[x[i] + 128];
    }

    public static void SoftmaxQ15(Span<int> scores, int n, Requant indexRq, ReadOnlySpan<int> expTable)
    {
        int m = scores[0];
        for (int j = 1; j < n; j++) if (scores[j] > m) m = scores[j];
        long sum = 0;
        for (int j = 0; j < n; j++)
        {
            long idx = FixedPoint.RoundShift(((long)m - scores[j]) * indexRq.Multiplier, indexRq.Shift);
            int e = idx < ExpTableLength ? expTable[(int)idx] : 0;
            scores[j] = e;
            sum += e;
        }
        for (int j = 0; j < n; j++) scores[j] = (int)FixedPoint.DivRound((long)scores[j] * 32768, sum);
    }

    /// <summary>One head of one query row; k and v rows are <paramref name="stride"/> apart. ctx may alias q.</summary>
    public static void AttentionHead(ReadOnlySpan<sbyte> q, ReadOnlySpan<sbyte> k, ReadOnlySpan<sbyte> v, int stride, int n, int headDim,
        QuantParams qp, Span<int> scores, Span<sbyte> ctx)
    {
        for (int j = 0; j < n; j++) scores[j] = GemmS8.Dot(q, k[(j * stride)..], headDim);
        SoftmaxQ15(scores, n, qp.SoftmaxIndex, qp.ExpTable ?? throw new InvalidOperationException("QUANT_PARAMS has no softmax block"));
        for (int d = 0; d < headDim; d++)
        {
            int acc = 0;
            for (int j = 0; j < n; j++) acc += scores[j] * v[j * stride + d];
            ctx[d] = FixedPoint.Sat8(FixedPoint.RoundShift((long)acc * qp.Context.Multiplier, qp.Context.Shift));
        }
    }

    /// <summary>Entropy of softmax(logits) in Q16 nats from Q16 logits.</summary>
    public static int EntropyQ16(ReadOnlySpan<int> logits, int n, ReadOnlySpan<int> exp2Frac, ReadOnlySpan<int> log2Frac)
    {
        int m = logits[0];
        for (int j = 1; j < n; j++) if (logits[j] > m) m = logits[j];
        long z = 0, s = 0;
        for (int j = 0; j < n; j++)
        {
            long d = (long)m - logits[j];
            long t = FixedPoint.RoundShift(d * Log2EQ16, 16);
            long ip = t >> 16;
            long e = ip >= 31 ? 0 : exp2Frac[(int)((t >> 8) & 255)] >> (int)ip;
            z += e;
            s += e * d;
        }
        int k = 30;
        while (k < 62 && (z >> (k + 1)) != 0) k++;
        long log2z = (long)(k - 30) * 65536 + log2Frac[(int)((z >> (k - 8)) & 255)];
        long lnz = FixedPoint.RoundShift(log2z * Ln2Q16, 16);
        return (int)(lnz + FixedPoint.DivRound(s, z));
    }

    /// <summary>Softmax probability of the argmax (the first largest logit) in Q16, from the entropy's exp terms: 1..65536
    /// (ni_confidence_q16).</summary>
    public static int ConfidenceQ16(ReadOnlySpan<int> logits, int n, ReadOnlySpan<int> exp2Frac, out int argmax)
    {
        argmax = 0;
        for (int j = 1; j < n; j++) if (logits[j] > logits[argmax]) argmax = j;
        int m = logits[argmax];
        long z = 0;
        for (int j = 0; j < n; j++)
        {
            long d = (long)m - logits[j];
            long t = FixedPoint.RoundShift(d * Log2EQ16, 16);
            long ip = t >> 16;
            z += ip >= 31 ? 0 : exp2Frac[(int)((t >> 8) & 255)] >> (int)ip;
        }
        return (int)FixedPoint.DivRound((long)exp2Frac[0] * 65536, z);
    }

    /// <summary>The answer of an exit under an image's rejection rule: a label index or <see cref="RejectionRule.Unknown"/>
    /// (ni_exit_answer).</summary>
    public static int Answer(RejectionRule rule, ReadOnlySpan<int> logits, int entropyQ16, ReadOnlySpan<int> exp2Frac)
    {
        int confidence = ConfidenceQ16(logits, logits.Length, exp2Frac, out int argmax);
        return rule.Answer(argmax, entropyQ16, confidence);
    }
}
