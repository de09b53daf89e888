using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>Quant-Noise settings (Fan et al., ICLR 2021) for scheme int4: each step a random share
/// <see cref="Rate"/> of the blocks of <see cref="BlockSize"/> consecutive weights in a row is fake-quantized to int4.</summary>
public sealed record QuantNoiseSettings(double Rate, int BlockSize, Int4Clip Clip = Int4Quantizer.DefaultClip)
{
    public const int DefaultBlockSize = 8;

    /// <summary>Throws naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (!(Rate >= 0 && Rate <= 1)) throw new ArgumentOutOfRangeException(nameof(Rate), Rate, "the noise rate is a share of blocks, 0..1");
        if (BlockSize < 1) throw new ArgumentOutOfRangeException(nameof(BlockSize), BlockSize, "a block is 1 or more weights");
    }
}

/// <summary>
/// Scheme int4 simulated in fp32 with quantization noise, plugged into the forward through <see cref="IWeightTransform"/>:
/// every linear weight of the encoder and the poolers (the tensors scheme int4 packs in int4) is cut into blocks of
/// <c>BlockSize</c> consecutive weights of a row (the last block of a row may be shorter); each call draws, per block,
/// whether it is replaced by its int4 fake-quantized value (probability <c>Rate</c>, the packer's per-row rule
/// <see cref="Int4Quantizer.QuantizeRows"/>) or stays in full precision. Everything else (embedding tables, exit
/// classifiers, every linear input) is the int8 <see cref="FakeQuantizer"/>'s. Gradients pass straight through to the
/// master weights (the default <see cref="IWeightTransform.TransformGradient"/>). Rate 1 is plain int4 QAT, rate 0 no
/// int4 noise at all; evaluation uses rate 1, the image's numerics.
/// </summary>
public sealed class QuantNoise : IWeightTransform
{
    private readonly FakeQuantizer _int8;
    private readonly HashSet<string> _int4 = new();
    private readonly Random _rng;

    public QuantNoise(AlbertParameters p, ActivationScales s, QuantNoiseSettings settings, int seed)
    {
        settings.Validate();
        Settings = settings;
        _int8 = new FakeQuantizer(p, s);
        _rng = new Random(seed);
        foreach (var w in Int4Weights(p)) _int4.Add(w.Name);
    }

    public QuantNoiseSettings Settings { get; }

    /// <summary>The tensors scheme int4 stores in int4: mapping-in, Q, K, V, dense, FFN, FFN output and the poolers.</summary>
    public static IEnumerable<NamedTensor> Int4Weights(AlbertParameters p) =>
        new[] { p.EmbeddingProjectionWeight, p.QueryWeight, p.KeyWeight, p.ValueWeight, p.AttentionOutputWeight, p.FfnWeight, p.FfnOutputWeight }
            .Concat(p.Exits.Select(e => e.PoolerWeight));

    public void TransformWeight(NamedTensor master, Span<float> effective)
    {
        if (!_int4.Contains(master.Name))
        {
            _int8.TransformWeight(master, effective);
            return;
        }
        master.Data.AsSpan().CopyTo(effective);
        if (Settings.Rate <= 0) return;
        var (q, scales) = Int4Quantizer.QuantizeRows(master.Data, master.Rows, master.Cols, Settings.Clip);
        int cols = master.Cols, b = Settings.BlockSize;
        for (int r = 0; r < master.Rows; r++)
            for (int c0 = 0; c0 < cols; c0 += b)
            {
                if (Settings.Rate < 1 && _rng.NextDouble() >= Settings.Rate) continue;
                for (int c = c0; c < Math.Min(c0 + b, cols); c++) effective[r * cols + c] = (float)(q[r * cols + c] * scales[r]);
            }
    }

    public void TransformLinearInput(string weightName, Span<float> input) => _int8.TransformLinearInput(weightName, input);
}
