using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>Quant-Noise settings for scheme ipq: each step a share <see cref="Rate"/> of the sub-vectors (blocks of
/// <see cref="IpqSettings.Block"/> weights of a row) is replaced by its codeword.</summary>
public sealed record IpqNoiseSettings(double Rate, IpqSettings Codebook)
{
    public const double DefaultRate = 0.1;

    /// <summary>Throws naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (!(Rate >= 0 && Rate <= 1)) throw new ArgumentOutOfRangeException(nameof(Rate), Rate, "the noise rate is a share of blocks, 0..1");
        Codebook.Validate();
    }
}

/// <summary>
/// Scheme ipq simulated in fp32 with quantization noise (Fan et al., ICLR 2021, for iPQ), plugged into the forward
/// through <see cref="IWeightTransform"/>. Each weight scheme ipq stores as a codebook (<see cref="QuantNoise.Int4Weights"/>:
/// mapping-in, Q, K, V, dense, FFN, FFN output, the poolers) is clustered once, at construction, by the packer's k-means
/// (<see cref="IpqQuantizer.Fit"/>): that fixes each sub-vector's codeword. Every call the codewords are the means of
/// their sub-vectors in the current master weights, rounded to int8 at the tensor's scale as the packer stores them,
/// and each sub-vector is replaced by its codeword with probability <c>Rate</c>. Gradients pass straight through to the
/// master weights (the default <see cref="IWeightTransform.TransformGradient"/>); as a codeword is the mean of its
/// sub-vectors, its step is the mean of their steps, which is the codeword gradient of iPQ fine-tuning (the mean of
/// its sub-vectors' gradients) without a gradient of its own. Rate 1 is plain iPQ QAT, rate 0 no iPQ noise; evaluation
/// and <see cref="Snap"/> use rate 1. Everything else is the int8 <see cref="FakeQuantizer"/>'s.
/// </summary>
public sealed class IpqQuantNoise : IWeightTransform
{
    private readonly FakeQuantizer _int8;
    private readonly Dictionary<string, IpqQuantizer.Clustering> _fits;
    private readonly Random _rng;

    public IpqQuantNoise(AlbertParameters p, ActivationScales s, IpqNoiseSettings settings, int seed)
    {
        settings.Validate();
        Settings = settings;
        _int8 = new FakeQuantizer(p, s);
        _rng = new Random(seed);
        _fits = QuantNoise.Int4Weights(p).ToDictionary(w => w.Name, w => IpqQuantizer.Fit(w.Data, w.Rows, w.Cols, settings.Codebook));
    }

    private IpqQuantNoise(IpqQuantNoise other, double rate, int seed)
    {
        Settings = other.Settings with { Rate = rate };
        _int8 = other._int8;
        _fits = other._fits;
        _rng = new Random(seed);
    }

    public IpqNoiseSettings Settings { get; }

    /// <summary>The same clustering at another rate (rate 1: what validation and the image use).</summary>
    public IpqQuantNoise WithRate(double rate, int seed) => new(this, rate, seed);

    /// <summary>The clustering of an ipq weight (null for any other tensor).</summary>
    public IpqQuantizer.Clustering? ClusteringOf(string name) => _fits.GetValueOrDefault(name);

    /// <summary>The codewords of <paramref name="master"/> now: the means of their sub-vectors, at int8 precision.</summary>
    public float[] Codewords(NamedTensor master)
    {
        var fit = _fits[master.Name];
        var c = (float[])fit.Codewords.Clone();
        IpqQuantizer.Means(master.Data, fit.Assignment.Length, fit.Block, fit.Assignment, fit.Codes, c);
        var (q, scale) = IpqQuantizer.RoundCodebook(c);
        for (int i = 0; i < c.Length; i++) c[i] = (float)(q[i] * scale);
        return c;
    }

    public void TransformWeight(NamedTensor master, Span<float> effective)
    {
        if (!_fits.TryGetValue(master.Name, out var fit))
        {
            _int8.TransformWeight(master, effective);
            return;
        }
        master.Data.AsSpan().CopyTo(effective);
        if (Settings.Rate <= 0) return;
        var c = Codewords(master);
        int d = fit.Block;
        for (int i = 0; i < fit.Assignment.Length; i++)
        {
            if (Settings.Rate < 1 && _rng.NextDouble() >= Settings.Rate) continue;
            c.AsSpan(fit.Assignment[i] * d, d).CopyTo(effective.Slice(i * d, d));
        }
    }

    public void TransformLinearInput(string weightName, Span<float> input) => _int8.TransformLinearInput(weightName, input);

    /// <summary>Replaces every sub-vector of every ipq weight of <paramref name="p"/> by its codeword (rate 1): the
    /// checkpoint then holds at most K distinct sub-vectors a tensor, so the packer's k-means finds these codewords
    /// and assignments again and the image computes what validation measured.</summary>
    public void Snap(AlbertParameters p)
    {
        foreach (var w in QuantNoise.Int4Weights(p))
        {
            var fit = _fits[w.Name];
            var c = Codewords(w);
            for (int i = 0; i < fit.Assignment.Length; i++) c.AsSpan(fit.Assignment[i] * fit.Block, fit.Block).CopyTo(w.Data.AsSpan(i * fit.Block, fit.Block));
        }
    }
}
