using System.Text.Json;
using ModelPacker.Model;
using ModelPacker.Numerics;

namespace ModelPacker.Binarization;

/// <summary>
/// A wider feed-forward block for the w1a1 student (Net2WiderNet, Chen et al. 2016): every FFN neuron of the source
/// becomes <c>k</c> neurons with its input row and bias, and each copy's output column carries 1/k of the original.
/// Under the w1a1 binarizers this is exact as well as in fp32: a row-centred sign of a row whose columns are repeated
/// and scaled by 1/k keeps every sign and has 1/k of the scale, and the copies' sign-binarized inputs are repeated, so
/// each output is the source's. Copies of one neuron get identical gradients forever, so their latent weights are
/// pulled apart by a little noise (a share of the row's standard deviation); the binarized function then differs only
/// where the noise flips a sign close to the row's mean.
/// </summary>
public static class FfnWidening
{
    /// <summary>Noise that separates the copies, in row standard deviations of the latent weight.</summary>
    public const float DefaultNoise = 0.05f;

    public static AlbertParameters Widen(AlbertParameters source, int copies, float noise, int seed)
    {
        if (copies < 1) throw new ArgumentOutOfRangeException(nameof(copies), "copies must be at least 1");
        var config = JsonSerializer.Deserialize<AlbertConfig>(JsonSerializer.Serialize(source.Config))!;
        int h = config.HiddenSize, n = config.IntermediateSize;
        config.IntermediateSize = n * copies;
        var wide = new AlbertParameters(config);
        var widened = new HashSet<string>(StringComparer.Ordinal)
            { source.FfnWeight.Name, source.FfnBias.Name, source.FfnOutputWeight.Name };
        foreach (var t in source.All)
            if (!widened.Contains(t.Name)) t.Data.CopyTo(wide[t.Name].Data, 0);

        for (int c = 0; c < copies; c++)
        {
            source.FfnWeight.Data.CopyTo(wide.FfnWeight.Data, c * n * h);
            source.FfnBias.Data.CopyTo(wide.FfnBias.Data, c * n);
            for (int r = 0; r < h; r++)
                for (int j = 0; j < n; j++)
                    wide.FfnOutputWeight.Data[r * n * copies + c * n + j] = source.FfnOutputWeight.Data[r * n + j] / copies;
        }
        if (copies > 1 && noise > 0)
        {
            AddRowNoise(wide.FfnWeight, noise, DeterministicRandom.For(seed, 0, 1));
            AddRowNoise(wide.FfnOutputWeight, noise, DeterministicRandom.For(seed, 0, 2));
        }
        return wide;
    }

    /// <summary>w += noise · std(row) · N(0, 1), per row.</summary>
    private static void AddRowNoise(NamedTensor t, float noise, DeterministicRandom random)
    {
        for (int r = 0; r < t.Rows; r++)
        {
            var row = t.Data.AsSpan(r * t.Cols, t.Cols);
            double mean = 0, square = 0;
            foreach (float w in row) mean += w;
            mean /= row.Length;
            foreach (float w in row) square += (w - mean) * (w - mean);
            float scale = noise * (float)Math.Sqrt(square / row.Length);
            for (int j = 0; j < row.Length; j++) row[j] += scale * random.NextGaussian();
        }
    }
}
