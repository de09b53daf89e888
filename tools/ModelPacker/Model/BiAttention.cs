using ModelPacker.Numerics;

namespace ModelPacker.Model;

/// <summary>
/// BiBERT's Bi-Attention of one sequence over its own T rows, every head at once: with q̂ = sign(q), k̂ = sign(k),
/// v̂ = sign(v) and s_ij = Σ_d q̂_id·k̂_jd (an even integer in [−dh, dh]), the attention weight is
/// a_ij = [s_ij ≥ threshold] ∈ {0, 1} (no softmax) and the context c_i = Σ_j a_ij·v̂_j (no normalisation) — exactly
/// what the integer runtime computes with xor-popcount. Padding keys (keep = false) get a_ij = 0. q, k, v and ctx are
/// [T, H] views (row stride H, head h in columns h·dh..h·dh+dh); the scores are [heads, T, T].
/// </summary>
public static class BiAttention
{
    /// <summary>Forward. <paramref name="scores"/> receives u_ij = (s_ij − threshold)/√dh (−∞ for padding keys), the
    /// backward pass's input; <paramref name="signs"/> is scratch of 3·T·H floats.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Forward(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int t, int hidden, int heads,
        ReadOnlySpan<bool> keep, int threshold, Span<float> scores, Span<float> ctx, Span<float> signs)
    {
        int d = hidden / heads, th = t * hidden;
        float inv = 1f / MathF.Sqrt(d);
        Signs(q, k, v, th, signs, out var qs, out var ks, out var vs);
        ctx[..th].Clear();
        for (int h = 0; h < heads; h++)
        {
            int c0 = h * d;
            for (int i = 0; i < t; i++)
            {
                var row = scores.Slice((h * t + i) * t, t);
                var qi = qs.Slice(i * hidden + c0, d);
                var ci = ctx.Slice(i * hidden + c0, d);
                for (int j = 0; j < t; j++)
                {
                    if (!keep[j]) { row[j] = float.NegativeInfinity; continue; }
                    float s = VectorMath.Dot(qi, ks.Slice(j * hidden + c0, d)); // exact: a sum of ±1
                    row[j] = (s - threshold) * inv;
                    if (row[j] >= 0f) VectorMath.Axpy(1f, vs.Slice(j * hidden + c0, d), ci);
                }
            }
        }
    }

    /// <summary>
    /// Straight-through backward: overwrites dq, dk, dv ([T, H]) from dctx. The step a = [u ≥ 0] passes its gradient
    /// where |u| ≤ 1 (BiBERT's bool function), each sign where its input is within ±1.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> dctx, ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v,
        int t, int hidden, int heads, ReadOnlySpan<float> scores, Span<float> dq, Span<float> dk, Span<float> dv, Span<float> signs)
    {
        int d = hidden / heads, th = t * hidden;
        float inv = 1f / MathF.Sqrt(d);
        Signs(q, k, v, th, signs, out var qs, out var ks, out var vs);
        dq[..th].Clear(); dk[..th].Clear(); dv[..th].Clear();
        for (int h = 0; h < heads; h++)
        {
            int c0 = h * d;
            for (int i = 0; i < t; i++)
            {
                var row = scores.Slice((h * t + i) * t, t);
                var dci = dctx.Slice(i * hidden + c0, d);
                var qi = qs.Slice(i * hidden + c0, d);
                var dqi = dq.Slice(i * hidden + c0, d);
                for (int j = 0; j < t; j++)
                {
                    float u = row[j]; // −∞ for padding: neither branch
                    if (u >= 0f) VectorMath.Axpy(1f, dci, dv.Slice(j * hidden + c0, d));
                    if (MathF.Abs(u) > 1f) continue;
                    float ds = VectorMath.Dot(dci, vs.Slice(j * hidden + c0, d)) * inv;
                    VectorMath.Axpy(ds, ks.Slice(j * hidden + c0, d), dqi);
                    VectorMath.Axpy(ds, qi, dk.Slice(j * hidden + c0, d));
                }
            }
        }
        Binarize.SignBackward(dq[..th], q, dq); Binarize.SignBackward(dk[..th], k, dk); Binarize.SignBackward(dv[..th], v, dv);
    }

    /// <summary>sign(q), sign(k), sign(v) of the sequence's <paramref name="count"/> values, into thirds of <paramref name="signs"/>.</summary>
    private static void Signs(ReadOnlySpan<float> q, ReadOnlySpan<float> k, ReadOnlySpan<float> v, int count, Span<float> signs,
        out Span<float> qs, out Span<float> ks, out Span<float> vs)
    {
        qs = signs[..count]; ks = signs.Slice(count, count); vs = signs.Slice(2 * count, count);
        Binarize.SignForward(q[..count], qs); Binarize.SignForward(k[..count], ks); Binarize.SignForward(v[..count], vs);
    }
}
