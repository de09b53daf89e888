using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>
/// Post-training scheme gobo3 (GOBO, Zadeh et al., MICRO 2020; docs/numerics.md section 3h): the int8 model
/// (<see cref="Int8Quantizer"/>, the same calibration) with every linear layer of the encoder and the poolers in
/// GOBO form. Per tensor: a Gaussian fitted to the weights; the weights whose log-probability under it is below −4
/// are outliers, kept as integers in the tensor's unit; the rest go to 8 centroids found by equal-population bins,
/// then L1 refinement (assign to the nearest centroid, centroid = median of its weights, until nothing moves).
/// </summary>
public static class Gobo3Quantizer
{
    public static readonly Scheme Scheme = Schemes.Gobo3;

    /// <summary>GOBO's outlier threshold on the log-probability density.</summary>
    public const double OutlierLogProbability = -4;
    private const int MaxRefinements = 100;

    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s) => Int8Quantizer.Quantize(p, s, Scheme, Linear);

    /// <summary>
    /// A linear layer: indices, centroids and outliers at the tensor's unit u = max(|outlier|, |centroid|) / 4095, bias
    /// in accumulator units u·S_in per row, one requantization u·S_in / S_out for the tensor.
    /// </summary>
    public static EncodedTensor Linear(NamedTensor weight, NamedTensor bias, double inScale, double outScale)
    {
        var f = Fit(weight.Data);
        double max = f.Centroids.Select(Math.Abs).Concat(f.OutlierIndices.Select(i => Math.Abs((double)weight.Data[i]))).DefaultIfEmpty(0).Max();
        double unit = max > 0 ? max / Gobo3Tensor.MaxValue : 1;
        var cent = f.Centroids.Select(c => (short)Math.Round(c / unit, MidpointRounding.AwayFromZero)).ToArray();
        int rows = weight.Rows, cols = weight.Cols;
        var idx = new byte[rows * cols];
        var isOutlier = new bool[idx.Length];
        foreach (int i in f.OutlierIndices) isOutlier[i] = true;
        var outliers = new List<Gobo3Outlier>();
        for (int i = 0; i < idx.Length; i++)
        {
            double w = weight.Data[i] / unit;
            if (isOutlier[i]) { outliers.Add(new Gobo3Outlier(i / cols, i % cols, (short)Math.Round(w, MidpointRounding.AwayFromZero))); continue; }
            int best = 0;
            for (int k = 1; k < cent.Length; k++) if (Math.Abs(w - cent[k]) < Math.Abs(w - cent[best])) best = k;
            idx[i] = (byte)best;
        }
        double accUnit = unit * inScale;
        var rq = FixedPointMultiplier.FromReal(accUnit / outScale, weight.Name);
        var biases = new int[rows];
        for (int r = 0; r < rows; r++)
        {
            double b = Math.Round(bias.Data[r] / accUnit, MidpointRounding.AwayFromZero);
            if (Math.Abs(b) > RowParams.MaxAbsBias)
                throw new InvalidDataException($"{bias.Name}: bias {bias.Data[r]} of row {r} is {b:G3} accumulator units, more than 2^30 (weights or activations nearly zero)");
            biases[r] = (int)b;
        }
        return Gobo3Encoding.Pack(new Gobo3Tensor(rows, cols, idx, cent, outliers.ToArray(), biases, rq.Multiplier, rq.Shift), weight.Name);
    }

    /// <summary>GOBO's split of one tensor: the outliers' positions (ascending) and the 8 centroids (ascending) of the rest.</summary>
    public sealed record Split(int[] OutlierIndices, double[] Centroids);

    public static Split Fit(ReadOnlySpan<float> w)
    {
        int n = w.Length;
        double mean = 0, sq = 0;
        foreach (float v in w) mean += v;
        mean /= Math.Max(1, n);
        foreach (float v in w) sq += (v - mean) * (v - mean);
        double sd = Math.Sqrt(sq / Math.Max(1, n));
        var outliers = new List<int>();
        var rest = new List<double>(n);
        for (int i = 0; i < n; i++)
            if (sd > 0 && LogDensity(w[i], mean, sd) < OutlierLogProbability) outliers.Add(i);
            else rest.Add(w[i]);
        return new Split(outliers.ToArray(), Centroids(rest.ToArray()));
    }

    /// <summary>log N(x; μ, σ²).</summary>
    public static double LogDensity(double x, double mean, double sd) =>
        -0.5 * Math.Log(2 * Math.PI * sd * sd) - (x - mean) * (x - mean) / (2 * sd * sd);

    /// <summary>8 centroids of <paramref name="values"/>: the medians of 8 equal-population bins, then L1 refinement.</summary>
    public static double[] Centroids(double[] values)
    {
        const int k = Gobo3Tensor.Centroids;
        var v = (double[])values.Clone();
        Array.Sort(v);
        if (v.Length == 0) return new double[k];
        // members of centroid j are v[bounds[j] .. bounds[j + 1]) (sorted values, sorted centroids: contiguous)
        var bounds = Enumerable.Range(0, k + 1).Select(j => (int)((long)j * v.Length / k)).ToArray();
        var c = new double[k];
        for (int iter = 0; iter <= MaxRefinements; iter++)
        {
            for (int j = 0; j < k; j++) c[j] = bounds[j + 1] > bounds[j] ? Median(v, bounds[j], bounds[j + 1]) : (j > 0 ? c[j - 1] : v[0]);
            var next = new int[k + 1];
            next[k] = v.Length;
            for (int j = 1; j < k; j++)   // the first value nearer c[j] than c[j - 1]
            {
                double mid = (c[j - 1] + c[j]) / 2;
                int lo = next[j - 1], hi = v.Length;
                while (lo < hi) { int m = (lo + hi) / 2; if (v[m] < mid) lo = m + 1; else hi = m; }
                next[j] = lo;
            }
            if (next.SequenceEqual(bounds)) break;
            bounds = next;
        }
        return c;
    }

    private static double Median(double[] sorted, int from, int to)
    {
        int n = to - from, m = from + n / 2;
        return n % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
