using ModelPacker.Model;

namespace ModelPacker.Pruning;

/// <summary>
/// Head importance (Michel et al. 2019, "Are Sixteen Heads Really Better than One?"): a gate ξ_h multiplies head h's
/// context; the importance of h is E_x |∂L(x)/∂ξ_h| at ξ = 1 over the validation utterances. The gate needs no new
/// parameter: head h's context reaches the model only through the attention output's input columns of that head,
/// so scaling them by ξ_h is the gate, and ∂L/∂ξ_h = Σ_{r, c ∈ head h} W[r, c] · ∂L/∂W[r, c] with W the attention
/// output weight [H, H] (the layer is shared, so the sum covers every layer application). L is the training loss
/// (the exits weighted as in training), no dropout, no label smoothing.
/// </summary>
public static class HeadImportance
{
    /// <summary>∂L/∂ξ_h of one utterance for every head h (gates at 1).</summary>
    public static double[] GateGradients(AlbertParameters p, int[] ids, int label, float[] exitWeights, AlbertComputation work, AlbertParameters grads)
    {
        var batch = new PackedBatch([ids], [label]);
        work.Forward(new ModelWeights(p), batch);
        work.Loss(exitWeights, 0f, 1f, out _);
        foreach (var t in grads.All) Array.Clear(t.Data);
        work.Backward(grads);
        return Contract(p.AttentionOutputWeight, grads.AttentionOutputWeight, p.Config.NumAttentionHeads);
    }

    /// <summary>Σ over head h's input columns of w · g, per head (w, g: [H, H], columns = the context's heads).</summary>
    public static double[] Contract(NamedTensor w, NamedTensor g, int heads)
    {
        int dh = w.Cols / heads;
        var s = new double[heads];
        for (int r = 0; r < w.Rows; r++)
            for (int c = 0; c < w.Cols; c++) s[c / dh] += (double)w.Data[r * w.Cols + c] * g.Data[r * w.Cols + c];
        return s;
    }

    /// <summary>The loss of one utterance with head h's gate at <paramref name="gate"/> (the others at 1): for the
    /// finite-difference check of <see cref="GateGradients"/>.</summary>
    public static double LossWithGate(AlbertParameters p, int[] ids, int label, float[] exitWeights, int head, float gate, AlbertComputation work)
    {
        var w = p.AttentionOutputWeight;
        int dh = w.Cols / p.Config.NumAttentionHeads;
        var saved = (float[])w.Data.Clone();
        for (int r = 0; r < w.Rows; r++)
            for (int c = head * dh; c < (head + 1) * dh; c++) w.Data[r * w.Cols + c] *= gate;
        try
        {
            work.Forward(new ModelWeights(p), new PackedBatch([ids], [label]));
            return work.Loss(exitWeights, 0f, 1f, out _);
        }
        finally { saved.CopyTo(w.Data, 0); }
    }

    /// <summary>E_x |∂L(x)/∂ξ_h| over <paramref name="ids"/> (one utterance each), per head.</summary>
    public static double[] Estimate(AlbertParameters p, IReadOnlyList<int[]> ids, IReadOnlyList<int> labels, float[] exitWeights)
    {
        if (ids.Count == 0) throw new InvalidDataException("head importance needs at least one validation utterance");
        var work = new AlbertComputation(p.Config);
        var grads = new AlbertParameters(p.Config);
        var sum = new double[p.Config.NumAttentionHeads];
        for (int i = 0; i < ids.Count; i++)
        {
            var g = GateGradients(p, ids[i], labels[i], exitWeights, work, grads);
            for (int h = 0; h < sum.Length; h++) sum[h] += Math.Abs(g[h]);
        }
        return sum.Select(v => v / ids.Count).ToArray();
    }

    /// <summary>The <paramref name="k"/> least important heads (ties: the lower index), ascending.</summary>
    public static int[] LeastImportant(double[] importance, int k) =>
        Enumerable.Range(0, importance.Length).OrderBy(h => importance[h]).ThenBy(h => h).Take(k).Order().ToArray();
}
