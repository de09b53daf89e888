using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace ModelPacker.IntegerRuntime;

/// <summary>
/// The C kernels of native-kernels/src/kernels, operation for operation (docs/numerics.md). Every value and every
/// rounding matches the C reference bit for bit; the xunit tests compare the two through the shared library.
/// </summary>
public static class IntegerKernels
{
    public const int LnGainShift = 16;
    public const int ExpTableLength = 512;
    public const int ExpIndexFracBits = 5;
    public const int Lut8Length = 256;
    public const int FracTableLength = 256;
    public const int LogitFracBits = 16;
    public const int LogitLimit = 1 << 26;
    public const int Log2EQ16 = 94548;
    public const int Ln2Q16 = 45426;

    /// <summary>y[r] = Σc w[r·cols + c]·x[c] (int32).</summary>
    public static void Gemv(ReadOnlySpan<sbyte> w, ReadOnlySpan<sbyte> x, Span<int> y, int rows, int cols)
    {
        for (int r = 0; r < rows; r++) y[r] = Dot(w.Slice(r * cols, cols), x, cols);
    }

    /// <summary>Σ a[i]·b[i] in int32. Integer sums are exact in any order, so the SIMD path equals the scalar one.</summary>
    public static int Dot(ReadOnlySpan<sbyte> a, ReadOnlySpan<sbyte> b, int n)
    {
        int i = 0, acc = 0;
        if (Vector256.IsHardwareAccelerated && n >= 32)
        {
            ref sbyte ra = ref MemoryMarshal.GetReference(a);
            ref sbyte rb = ref MemoryMarshal.GetReference(b);
            var sum = Vector256<int>.Zero;
            for (; i <= n - 32; i += 32)
            {
                var (al, ah) = Vector256.Widen(Vector256.LoadUnsafe(ref ra, (nuint)i));
                var (bl, bh) = Vector256.Widen(Vector256.LoadUnsafe(ref rb, (nuint)i));
                // int8·int8 products fit int16 (|p| ≤ 16384); widen them before adding.
                var (p0, p1) = Vector256.Widen(al * bl);
                var (p2, p3) = Vector256.Widen(ah * bh);
                sum += p0 + p1 + p2 + p3;
            }
            acc = Vector256.Sum(sum);
        }
        for (; i < n; i++) acc += a[i] * b[i];
        return acc;
    }

    private static long RowValue(int acc, in RowParams p) => FixedPoint.RoundShift(((long)acc + p.Bias) * p.Multiplier, p.Shift);

    public static void RequantRowsS8(ReadOnlySpan<int> acc, ReadOnlySpan<RowParams> p, Span<sbyte> output, int rows)
    {
        for (int r = 0; r < rows; r++) output[r] = FixedPoint.Sat8(RowValue(acc[r], p[r]));
    }

    public static void RequantRowsAddS16(ReadOnlySpan<int> acc, ReadOnlySpan<RowParams> p, ReadOnlySpan<sbyte> residual, Requant residualRq, Span<short> output, int rows)
    {
        for (int r = 0; r < rows; r++)
        {
            long res = FixedPoint.RoundShift((long)residual[r] * residualRq.Multiplier, residualRq.Shift);
            output[r] = FixedPoint.Sat16(RowValue(acc[r], p[r]) + res);
        }
    }

    public static void RequantRowsLogits(ReadOnlySpan<int> acc, ReadOnlySpan<RowParams> p, Span<int> output, int rows)
    {
        for (int r = 0; r < rows; r++) output[r] = (int)Math.Clamp(RowValue(acc[r], p[r]), -LogitLimit, LogitLimit);
    }

    public static void EmbedTokenS16(Int8RowTensor word, Int8RowTensor pos, int token, int position, Span<short> output)
    {
        int dim = word.Cols;
        var w = word.Row(token);
        var p = pos.Row(position);
        RowParams wp = word.Params[token], pp = pos.Params[position];
        for (int c = 0; c < dim; c++)
        {
            long a = FixedPoint.RoundShift((long)w[c] * wp.Multiplier, wp.Shift);
            long b = FixedPoint.RoundShift((long)p[c] * pp.Multiplier, pp.Shift);
            output[c] = FixedPoint.Sat16(a + b);
        }
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
        for (int i = 0; i < n; i++)
        {
            long d = (long)x[i] - mean;
            long scaled = FixedPoint.DivRound(d * p[i].Gain * 256, sigma);
            output[i] = FixedPoint.Sat8(FixedPoint.RoundShift(scaled + p[i].Bias, LnGainShift));
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
        for (int j = 0; j < n; j++) scores[j] = Dot(q, k[(j * stride)..], headDim);
        SoftmaxQ15(scores, n, qp.SoftmaxIndex, qp.ExpTable);
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
}
