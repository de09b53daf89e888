namespace ModelPacker.Numerics;

/// <summary>
/// BiBERT's direction-matching distillation for one head of one sequence: with G = X·Xᵀ (tokens × tokens) and each
/// row of G scaled to unit L2 norm (N), the loss is ‖N_student − N_teacher‖²_F. X are [t, d] views with row stride
/// <c>stride</c> (one head's columns of Q, K or V).
/// </summary>
public static class DirectionMatching
{
    /// <summary>Floats of scratch <see cref="Add"/> needs for t tokens.</summary>
    public static int ScratchLength(int t) => 3 * t * t + 2 * t;

    /// <summary>Returns weight × the loss and adds weight × dLoss/dX_student into <paramref name="dStudent"/> (same
    /// layout as <paramref name="student"/>).</summary>
    public static double Add(ReadOnlySpan<float> student, ReadOnlySpan<float> teacher, int t, int d, int stride, float weight,
        Span<float> dStudent, Span<float> scratch)
    {
        int tt = t * t;
        var ns = scratch[..tt]; var nt = scratch.Slice(tt, tt); var dg = scratch.Slice(2 * tt, tt);
        var norms = scratch.Slice(3 * tt, t);
        NormalisedGram(student, t, d, stride, ns, norms);
        NormalisedGram(teacher, t, d, stride, nt, scratch.Slice(3 * tt + t, t));
        double loss = 0;
        for (int i = 0; i < t; i++)
        {
            var si = ns.Slice(i * t, t); var ti = nt.Slice(i * t, t); var gi = dg.Slice(i * t, t);
            float dot = 0f;
            for (int j = 0; j < t; j++)
            {
                float diff = si[j] - ti[j];
                loss += (double)diff * diff;
                gi[j] = 2f * weight * diff; // dL/dN
                dot += gi[j] * si[j];
            }
            // Through n = g/‖g‖: dg = (dn − n (n·dn)) / ‖g‖ (zero for an all-zero row).
            float inv = norms[i] > 0f ? 1f / norms[i] : 0f;
            for (int j = 0; j < t; j++) gi[j] = (gi[j] - si[j] * dot) * inv;
        }
        // G = X·Xᵀ: dX_i = Σ_j (dG_ij + dG_ji) X_j.
        for (int i = 0; i < t; i++)
        {
            var dxi = dStudent.Slice(i * stride, d);
            for (int j = 0; j < t; j++)
                VectorMath.Axpy(dg[i * t + j] + dg[j * t + i], student.Slice(j * stride, d), dxi);
        }
        return weight * loss;
    }

    private static void NormalisedGram(ReadOnlySpan<float> x, int t, int d, int stride, Span<float> n, Span<float> norms)
    {
        for (int i = 0; i < t; i++)
        {
            var row = n.Slice(i * t, t);
            for (int j = 0; j < t; j++) row[j] = VectorMath.Dot(x.Slice(i * stride, d), x.Slice(j * stride, d));
            float norm = MathF.Sqrt(VectorMath.Dot(row, row));
            norms[i] = norm;
            if (norm > 0f) System.Numerics.Tensors.TensorPrimitives.Multiply(row, 1f / norm, row);
        }
    }
}
