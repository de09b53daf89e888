using System.Numerics.Tensors;
using ModelPacker.Numerics;

namespace ModelPacker.Model;

/// <summary>
/// Scaled dot-product attention of one sequence over its own T rows, every head at once. q, k, v and ctx are
/// [T, H] views (row stride H, head h in columns h·d..h·d+d); probabilities are [heads, T, T]. Keys whose
/// <c>keep</c> flag is false (padding) get probability 0. With learned spans (one per head, <see cref="AttentionSpanSettings"/>)
/// each row's probabilities are multiplied by the soft span mask and renormalised, a_ij = m_ij·p_ij / Σ_k m_ik·p_ik
/// (a softmax of s_ij + log m_ij); a row whose mask is 0 everywhere (a dead head) is 0.
/// </summary>
public static class MultiHeadAttention
{
    /// <summary>Forward. <paramref name="probsDropped"/> receives the probabilities after dropout (the ones that
    /// weight V); pass the same span as <paramref name="probs"/> and an empty mask when there is no dropout.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int t, int hidden, int heads,
        ReadOnlySpan<bool> keep, Span<float> probs, Span<float> probsDropped, ReadOnlySpan<float> dropMask, Span<float> ctx,
        ReadOnlySpan<float> spans = default, float ramp = 0)
    {
        int d = hidden / heads;
        float scale = 1f / MathF.Sqrt(d);
        ctx[..(t * hidden)].Clear();
        for (int h = 0; h < heads; h++)
        {
            int c0 = h * d;
            for (int i = 0; i < t; i++)
            {
                var row = probs.Slice((h * t + i) * t, t);
                var qi = q.Slice(i * hidden + c0, d);
                float max = float.NegativeInfinity;
                for (int j = 0; j < t; j++)
                {
                    if (!keep[j]) { row[j] = float.NegativeInfinity; continue; }
                    float s = VectorMath.Dot(qi, k.Slice(j * hidden + c0, d)) * scale;
                    row[j] = s;
                    if (s > max) max = s;
                }
                float sum = 0f;
                for (int j = 0; j < t; j++)
                {
                    float e = keep[j] ? MathF.Exp(row[j] - max) : 0f;
                    row[j] = e;
                    sum += e;
                }
                float inv = 1f / sum;
                TensorPrimitives.Multiply(row, inv, row);
                if (!spans.IsEmpty) ApplySpan(row, i, spans[h], ramp);
                var rowD = probsDropped.Slice((h * t + i) * t, t);
                if (!dropMask.IsEmpty) TensorPrimitives.Multiply(row, dropMask.Slice((h * t + i) * t, t), rowD);
                var ci = ctx.Slice(i * hidden + c0, d);
                for (int j = 0; j < t; j++)
                    if (rowD[j] != 0f) VectorMath.Axpy(rowD[j], v.Slice(j * hidden + c0, d), ci);
            }
        }
    }

    /// <summary>Backward: overwrites dq, dk, dv ([T, H]) from dctx. <paramref name="scratch"/> needs T floats.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> dctx, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        int t, int hidden, int heads, ReadOnlySpan<float> probs, ReadOnlySpan<float> probsDropped, ReadOnlySpan<float> dropMask,
        Span<float> dq, Span<float> dk, Span<float> dv, Span<float> scratch,
        ReadOnlySpan<float> spans = default, float ramp = 0, Span<float> dSpans = default)
    {
        int d = hidden / heads;
        float scale = 1f / MathF.Sqrt(d);
        dq[..(t * hidden)].Clear();
        dk[..(t * hidden)].Clear();
        dv[..(t * hidden)].Clear();
        var dp = scratch[..t];
        for (int h = 0; h < heads; h++)
        {
            int c0 = h * d;
            for (int i = 0; i < t; i++)
            {
                var p = probs.Slice((h * t + i) * t, t);
                var pD = probsDropped.Slice((h * t + i) * t, t);
                var dci = dctx.Slice(i * hidden + c0, d);
                // dP_dropped[j] = dctx_i · v_j ; dv_j += P_dropped[i,j] · dctx_i
                for (int j = 0; j < t; j++)
                {
                    if (p[j] == 0f) { dp[j] = 0f; continue; }
                    dp[j] = VectorMath.Dot(dci, v.Slice(j * hidden + c0, d));
                    if (pD[j] != 0f)
                    {
                        var dvj = dv.Slice(j * hidden + c0, d);
                        VectorMath.Axpy(pD[j], dci, dvj);
                    }
                }
                if (!dropMask.IsEmpty) TensorPrimitives.Multiply(dp, dropMask.Slice((h * t + i) * t, t), dp);
                // softmax backward: dS_j = P_j (dP_j − Σ P·dP), then the 1/√d scale
                float dot = VectorMath.Dot(p, dp);
                if (!spans.IsEmpty && i > 0) dSpans[h] += SpanGradient(p, dp, dot, i, spans[h], ramp);
                var qi = q.Slice(i * hidden + c0, d);
                var dqi = dq.Slice(i * hidden + c0, d);
                for (int j = 0; j < t; j++)
                {
                    if (p[j] == 0f) continue;
                    float ds = p[j] * (dp[j] - dot) * scale;
                    VectorMath.Axpy(ds, k.Slice(j * hidden + c0, d), dqi);
                    var dkj = dk.Slice(j * hidden + c0, d);
                    VectorMath.Axpy(ds, qi, dkj);
                }
            }
        }
    }

    /// <summary>Multiplies the softmax row of query <paramref name="i"/> by the span mask and renormalises it.</summary>
    private static void ApplySpan(Span<float> row, int i, float span, float ramp)
    {
        float sum = 0f;
        for (int j = 0; j < row.Length; j++)
        {
            if (row[j] == 0f) continue;
            row[j] *= AttentionSpanSettings.Mask(span, ramp, AttentionSpanSettings.Distance(i, j));
            sum += row[j];
        }
        if (sum > 0f) TensorPrimitives.Multiply(row, 1f / sum, row);
        else row.Clear();
    }

    /// <summary>dL/dz of one row (i ≥ 1; [CLS]'s uniform mask cancels in the renormalisation): with a = softmax(s + log m),
    /// dL/dm_j = a_j (dP_j − Σ a·dP) / m_j, and dm_j/dz = 1/R where 0 &lt; m_j &lt; 1 (0 on the clamped parts).</summary>
    private static float SpanGradient(ReadOnlySpan<float> a, ReadOnlySpan<float> dp, float dot, int i, float span, float ramp)
    {
        float g = 0f;
        for (int j = 0; j < a.Length; j++)
        {
            if (a[j] == 0f) continue;
            float m = AttentionSpanSettings.Mask(span, ramp, AttentionSpanSettings.Distance(i, j));
            if (m < 1f) g += a[j] * (dp[j] - dot) / m;
        }
        return g / ramp;
    }
}
