namespace ModelPacker.Numerics;

/// <summary>
/// The leading principal directions of a set of vectors: block power iteration on their covariance (in double), with
/// Gram–Schmidt after every product. Deterministic for a seed; enough for a few hundred dimensions, which is all the
/// trainer needs (the teacher's 384-value embeddings reduced to the student's embedding width).
/// </summary>
public static class PrincipalComponents
{
    /// <summary>The mean of <paramref name="rows"/> and the <paramref name="k"/> leading unit directions of their
    /// covariance, strongest first (each as a row of length d).</summary>
    public static (double[] Mean, double[][] Directions) Fit(IReadOnlyList<float[]> rows, int k, int seed, int iterations = 60)
    {
        if (rows.Count == 0) throw new ArgumentException("no vectors to fit principal directions to");
        int d = rows[0].Length;
        if (k < 1 || k > d) throw new ArgumentOutOfRangeException(nameof(k), $"k must be in 1..{d}");
        var mean = new double[d];
        foreach (var r in rows)
        {
            if (r.Length != d) throw new ArgumentException("the vectors differ in length");
            for (int j = 0; j < d; j++) mean[j] += r[j];
        }
        for (int j = 0; j < d; j++) mean[j] /= rows.Count;

        // Each covariance row and each direction's product is summed in its own fixed order whatever thread computes
        // it, so the spread over the cores changes no bit. The centred rows take rows × d doubles (15 MB for 5,000 × 384).
        var centred = new double[rows.Count][];
        for (int n = 0; n < rows.Count; n++)
        {
            var c = centred[n] = new double[d];
            for (int j = 0; j < d; j++) c[j] = rows[n][j] - mean[j];
        }
        var cov = new double[d][];
        for (int a = 0; a < d; a++) cov[a] = new double[d];
        Parallel.For(0, (d + CovarianceBlock - 1) / CovarianceBlock, blk =>
        {
            int a0 = blk * CovarianceBlock, a1 = Math.Min(d, a0 + CovarianceBlock);
            foreach (var c in centred) // rows in order, so no sum depends on the thread
                for (int a = a0; a < a1; a++)
                {
                    double ca = c[a];
                    if (ca == 0) continue;
                    var ra = cov[a];
                    for (int b = a; b < d; b++) ra[b] += ca * c[b];
                }
        });
        for (int a = 0; a < d; a++)
            for (int b = a; b < d; b++) cov[b][a] = cov[a][b] /= rows.Count;

        var rng = new Random(seed);
        var q = new double[k][];
        for (int i = 0; i < k; i++)
        {
            q[i] = new double[d];
            for (int j = 0; j < d; j++) q[i][j] = rng.NextDouble() - 0.5;
        }
        Orthonormalize(q);
        var next = new double[k][];
        for (int i = 0; i < k; i++) next[i] = new double[d];
        for (int it = 0; it < iterations; it++)
        {
            var (from, to) = (q, next);
            Parallel.For(0, k, i => Multiply(cov, from[i], to[i]));
            (q, next) = (next, q);
            Orthonormalize(q);
        }
        // Rayleigh quotients order the directions (the block converges as a subspace, not in order).
        var strength = new double[k];
        Parallel.For(0, k, i =>
        {
            var row = new double[d];
            Multiply(cov, q[i], row);
            double s = 0;
            for (int a = 0; a < d; a++) s += q[i][a] * row[a];
            strength[i] = s;
        });
        var order = Enumerable.Range(0, k).OrderByDescending(i => strength[i]).ToArray();
        return (mean, order.Select(i => q[i]).ToArray());
    }

    /// <summary>Covariance rows a parallel task accumulates: the centred rows are read once per block.</summary>
    private const int CovarianceBlock = 16;

    /// <summary>y = C·x, each element summed over x in order.</summary>
    private static void Multiply(double[][] c, double[] x, double[] y)
    {
        for (int a = 0; a < y.Length; a++)
        {
            var ca = c[a];
            double s = 0;
            for (int b = 0; b < x.Length; b++) s += ca[b] * x[b];
            y[a] = s;
        }
    }

    /// <summary>The coordinates of <paramref name="row"/> − mean along each direction.</summary>
    public static float[] Project(float[] row, double[] mean, double[][] directions)
    {
        var result = new float[directions.Length];
        for (int i = 0; i < directions.Length; i++)
        {
            double s = 0;
            for (int j = 0; j < row.Length; j++) s += (row[j] - mean[j]) * directions[i][j];
            result[i] = (float)s;
        }
        return result;
    }

    private static void Orthonormalize(double[][] q)
    {
        for (int i = 0; i < q.Length; i++)
        {
            for (int pass = 0; pass < 2; pass++) // twice: classical Gram–Schmidt loses orthogonality once
                for (int p = 0; p < i; p++)
                {
                    double dot = 0;
                    for (int j = 0; j < q[i].Length; j++) dot += q[i][j] * q[p][j];
                    for (int j = 0; j < q[i].Length; j++) q[i][j] -= dot * q[p][j];
                }
            double norm = Math.Sqrt(q[i].Sum(x => x * x));
            if (norm < 1e-300) throw new InvalidOperationException("the vectors span fewer directions than asked for");
            for (int j = 0; j < q[i].Length; j++) q[i][j] /= norm;
        }
    }
}
