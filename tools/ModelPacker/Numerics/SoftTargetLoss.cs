namespace ModelPacker.Numerics;

/// <summary>
/// Knowledge distillation from a teacher's logits (Hinton et al.): T²·KL(softmax(t/T) ‖ softmax(s/T)), whose gradient
/// with respect to the student's logits s is T·(softmax(s/T) − softmax(t/T)).
/// </summary>
public static class SoftTargetLoss
{
    /// <summary>Returns weight × the loss and adds weight × its gradient into <paramref name="dStudent"/>.</summary>
    public static double Add(ReadOnlySpan<float> student, ReadOnlySpan<float> teacher, float temperature, float weight, Span<float> dStudent)
    {
        int c = student.Length;
        Span<double> ps = stackalloc double[c], pt = stackalloc double[c];
        double logZs = Softmax(student, temperature, ps), logZt = Softmax(teacher, temperature, pt);
        double kl = 0;
        for (int j = 0; j < c; j++)
        {
            double logPt = teacher[j] / temperature - logZt, logPs = student[j] / temperature - logZs;
            if (pt[j] > 0) kl += pt[j] * (logPt - logPs);
            dStudent[j] += (float)(weight * temperature * (ps[j] - pt[j]));
        }
        return weight * temperature * temperature * kl;
    }

    /// <summary>p = softmax(z/T); returns log Σ exp(z/T).</summary>
    private static double Softmax(ReadOnlySpan<float> z, float temperature, Span<double> p)
    {
        double max = double.NegativeInfinity, sum = 0;
        for (int j = 0; j < z.Length; j++) max = Math.Max(max, z[j] / temperature);
        for (int j = 0; j < z.Length; j++) sum += p[j] = Math.Exp(z[j] / temperature - max);
        for (int j = 0; j < z.Length; j++) p[j] /= sum;
        return max + Math.Log(sum);
    }
}
