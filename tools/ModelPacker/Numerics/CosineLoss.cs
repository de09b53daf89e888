namespace ModelPacker.Numerics;

/// <summary>
/// Representation distillation: 1 − cos(z, e) between a student's projected vector z and a teacher's embedding e. Only
/// the direction of z counts, so the projection need not learn the teacher's scale. Its gradient with respect to z is
/// −(e / (|z|·|e|) − cos·z / |z|²).
/// </summary>
public static class CosineLoss
{
    /// <summary>Below this norm z has no direction to speak of; the loss is 1 and gives no gradient.</summary>
    private const double Tiny = 1e-12;

    /// <summary>Returns weight × (1 − cos(z, e)) and adds weight × its gradient into <paramref name="dz"/>.</summary>
    public static double Add(ReadOnlySpan<float> z, ReadOnlySpan<float> e, float weight, Span<float> dz)
    {
        if (z.Length != e.Length || dz.Length < z.Length) throw new ArgumentException("z, e and dz must have the same length");
        double zz = 0, ee = 0, ze = 0;
        for (int i = 0; i < z.Length; i++) { zz += (double)z[i] * z[i]; ee += (double)e[i] * e[i]; ze += (double)z[i] * e[i]; }
        if (zz < Tiny || ee < Tiny) return weight;
        double nz = Math.Sqrt(zz), ne = Math.Sqrt(ee), cos = ze / (nz * ne);
        double a = weight / (nz * ne), b = weight * cos / zz;
        for (int i = 0; i < z.Length; i++) dz[i] += (float)(b * z[i] - a * e[i]);
        return weight * (1 - cos);
    }
}
