using ModelPacker.Encodings;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>iPQ sizes: <see cref="Codes"/> codewords (K, at most 256: 8-bit indices) of <see cref="Block"/> weights (d).</summary>
public sealed record IpqSettings(int Codes = IpqSettings.DefaultCodes, int Block = IpqSettings.DefaultBlock)
{
    public const int DefaultCodes = 256, DefaultBlock = 8;

    /// <summary>Throws naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (Codes is < 1 or > IpqEncoding.MaxCodes) throw new ArgumentOutOfRangeException(nameof(Codes), Codes, $"1..{IpqEncoding.MaxCodes} codewords");
        if (Block is < 1 or > IpqEncoding.MaxBlock) throw new ArgumentOutOfRangeException(nameof(Block), Block, $"1..{IpqEncoding.MaxBlock} weights a block");
    }
}

/// <summary>
/// Post-training scheme ipq (product quantization, Stock et al. 2020; docs/numerics.md section 3k): the int8 model
/// (<see cref="Int8Quantizer"/>, the same calibration) with every linear layer of the encoder and the poolers as a
/// codebook and indices. Per tensor: the rows are cut into sub-vectors of d consecutive weights (d = the requested
/// block, or the largest divisor of cols below it), k-means finds K codewords (k-means++ seeding from a fixed seed,
/// then Lloyd iterations until no assignment changes), the codewords are rounded to int8 at the tensor's scale
/// max |codeword| / 127, and each row's {bias, multiplier, shift} is int8_row's for that scale.
/// </summary>
public static class IpqQuantizer
{
    public static readonly Scheme Scheme = Schemes.Ipq;
    public const int Seed = 20261201, MaxIterations = 50;

    public static IntegerModel Quantize(AlbertParameters p, ActivationScales s, IpqSettings? settings = null)
    {
        var k = settings ?? new IpqSettings();
        k.Validate();
        return Int8Quantizer.Quantize(p, s, Scheme, (w, b, inScale, outScale) => Linear(w, b, inScale, outScale, k));
    }

    public static EncodedTensor Linear(NamedTensor weight, NamedTensor bias, double inScale, double outScale, IpqSettings settings)
    {
        var fit = Fit(weight.Data, weight.Rows, weight.Cols, settings);
        var (book, scale) = RoundCodebook(fit.Codewords);
        var sw = Enumerable.Repeat(scale, weight.Rows).ToArray();
        var rows = Int8Quantizer.RowParamsOf(weight, bias, inScale, outScale, sw);
        return IpqEncoding.Pack(new IpqTensor(weight.Rows, weight.Cols, fit.Codes, fit.Block, book, fit.Assignment, rows), weight.Name);
    }

    /// <summary>The block for a row of <paramref name="cols"/>: the requested one when it divides cols, else the largest
    /// divisor of cols below it (at least 1).</summary>
    public static int BlockFor(int cols, int requested)
    {
        for (int d = Math.Min(requested, cols); d > 1; d--) if (cols % d == 0) return d;
        return 1;
    }

    /// <summary>One tensor's k-means: K codewords of d floats (codeword k at k·d) and the codeword of every sub-vector
    /// (row-major, cols/d a row).</summary>
    public sealed record Clustering(int Codes, int Block, float[] Codewords, byte[] Assignment);

    public static Clustering Fit(ReadOnlySpan<float> w, int rows, int cols, IpqSettings settings)
    {
        int d = BlockFor(cols, settings.Block), n = rows * (cols / d);
        int k = Math.Max(1, Math.Min(settings.Codes, n));
        var x = w.ToArray();                     // sub-vector i is x[i·d .. i·d + d)
        var c = Seeding(x, n, d, k, new Random(Seed));
        var a = new byte[n];
        for (int iter = 0; iter < MaxIterations; iter++)
        {
            bool moved = Assign(x, n, d, c, k, a) || iter == 0;
            if (!moved) break;
            Means(x, n, d, a, k, c);
        }
        return new Clustering(k, d, c, a);
    }

    /// <summary>k-means++: the first codeword a uniformly drawn sub-vector, each next one drawn with probability ∝ its
    /// squared distance to the nearest codeword so far (any sub-vector when all distances are 0).</summary>
    private static float[] Seeding(float[] x, int n, int d, int k, Random rng)
    {
        var c = new float[k * d];
        var dist = new double[n];
        int first = rng.Next(n);
        Array.Copy(x, first * d, c, 0, d);
        for (int i = 0; i < n; i++) dist[i] = Distance(x, i * d, c, 0, d);
        for (int j = 1; j < k; j++)
        {
            double total = 0;
            for (int i = 0; i < n; i++) total += dist[i];
            int pick = rng.Next(n);
            if (total > 0)
            {
                double u = rng.NextDouble() * total, run = 0;
                for (pick = 0; pick < n - 1; pick++) { run += dist[pick]; if (run > u) break; }
            }
            Array.Copy(x, pick * d, c, j * d, d);
            for (int i = 0; i < n; i++) dist[i] = Math.Min(dist[i], Distance(x, i * d, c, j * d, d));
        }
        return c;
    }

    private static double Distance(float[] a, int ao, float[] b, int bo, int d)
    {
        double s = 0;
        for (int t = 0; t < d; t++) { double e = a[ao + t] - b[bo + t]; s += e * e; }
        return s;
    }

    /// <summary>Each sub-vector to its nearest codeword (ties: the lowest index); true when any assignment changed.</summary>
    public static bool Assign(float[] x, int n, int d, float[] c, int k, byte[] a)
    {
        bool changed = false;
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            double bestD = double.PositiveInfinity;
            for (int j = 0; j < k; j++)
            {
                double e = Distance(x, i * d, c, j * d, d);
                if (e < bestD) { bestD = e; best = j; }
            }
            if (a[i] != best) { a[i] = (byte)best; changed = true; }
        }
        return changed;
    }

    /// <summary>Each codeword the mean of its sub-vectors (a codeword without any keeps its value).</summary>
    public static void Means(ReadOnlySpan<float> x, int n, int d, byte[] a, int k, float[] c)
    {
        var sum = new double[k * d];
        var count = new int[k];
        for (int i = 0; i < n; i++)
        {
            count[a[i]]++;
            for (int t = 0; t < d; t++) sum[a[i] * d + t] += x[i * d + t];
        }
        for (int j = 0; j < k; j++)
            if (count[j] > 0)
                for (int t = 0; t < d; t++) c[j * d + t] = (float)(sum[j * d + t] / count[j]);
    }

    /// <summary>The codewords in int8 at the tensor's scale max |c| / 127 (1 when all are 0).</summary>
    public static (sbyte[] Codebook, double Scale) RoundCodebook(ReadOnlySpan<float> c)
    {
        double max = 0;
        foreach (float v in c) max = Math.Max(max, Math.Abs(v));
        double scale = max > 0 ? max / 127.0 : 1.0;
        var q = new sbyte[c.Length];
        for (int i = 0; i < c.Length; i++) q[i] = (sbyte)Math.Clamp(Math.Round(c[i] / scale, MidpointRounding.AwayFromZero), -127, 127);
        return (q, scale);
    }
}
