namespace ModelPacker.Evaluation;

/// <summary>What one exit layer says about an utterance: softmax, its entropy and the winning label.</summary>
public static class ExitStatistics
{
    /// <summary>Index of the largest logit (the first one on ties).</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty) throw new ArgumentException("no logits", nameof(logits));
        int best = 0;
        for (int i = 1; i < logits.Length; i++)
            if (logits[i] > logits[best]) best = i;
        return best;
    }

    /// <summary>Numerically stable softmax, in double.</summary>
    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty) throw new ArgumentException("no logits", nameof(logits));
        float max = logits[ArgMax(logits)];
        var p = new double[logits.Length];
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += p[i] = Math.Exp((double)logits[i] - max);
        for (int i = 0; i < p.Length; i++) p[i] /= sum;
        return p;
    }

    /// <summary>Shannon entropy in nats (natural log), the quantity the device's early-exit thresholds compare.</summary>
    public static double Entropy(ReadOnlySpan<double> probabilities)
    {
        double h = 0;
        foreach (double q in probabilities)
            if (q > 0) h -= q * Math.Log(q);
        return h;
    }
}
