using System.Text.Json;
using ModelPacker.Model;
using ModelPacker.Numerics;

namespace ModelPacker.Binarization;

/// <summary>
/// A wider w1a1 student started from a narrower one (Net2WiderNet, Chen et al. 2016): every unit of a widened
/// dimension becomes <c>k</c> units with its incoming weights, and each copy's outgoing weight carries 1/k of the
/// original. Under the w1a1 binarizers this is exact as well as in fp32: a row-centred sign of a row whose columns are
/// repeated and scaled by 1/k keeps every sign and has 1/k of the scale; repeated incoming rows or columns keep their
/// signs, means and scales; a LayerNorm over repeated values has the same mean and variance; so each output is the
/// source's. Copies of one unit get identical gradients forever, so their latent weights are pulled apart by a little
/// noise (a share of the row's standard deviation); the binarized function then differs only where the noise flips
/// a sign close to a row's mean.
/// </summary>
public static class StudentWidening
{
    /// <summary>Noise that separates the copies, in row standard deviations of the latent weight.</summary>
    public const float DefaultNoise = 0.05f;

    /// <summary>The FFN's intermediate units, k times: Ffn rows and biases repeated, FfnOutput columns repeated / k.</summary>
    public static AlbertParameters WidenFfn(AlbertParameters source, int copies, float noise, int seed)
    {
        var wide = Resized(source, copies, c => c.IntermediateSize *= copies, out var s);
        RepeatRows(s.FfnWeight, wide.FfnWeight, copies);
        RepeatRows(s.FfnBias, wide.FfnBias, copies);
        RepeatColumns(s.FfnOutputWeight, wide.FfnOutputWeight, copies, 1f / copies);
        CopyRest(s, wide, s.FfnWeight, s.FfnBias, s.FfnOutputWeight);
        if (copies > 1 && noise > 0)
        {
            AddRowNoise(wide.FfnWeight, noise, DeterministicRandom.For(seed, 0, 1));
            AddRowNoise(wide.FfnOutputWeight, noise, DeterministicRandom.For(seed, 0, 2));
        }
        return wide;
    }

    /// <summary>The factorized embedding's units, k times: word, position and token type columns and the embedding
    /// LayerNorm repeated, the mapping-in's columns repeated / k.</summary>
    public static AlbertParameters WidenEmbedding(AlbertParameters source, int copies, float noise, int seed)
    {
        var wide = Resized(source, copies, c => c.EmbeddingSize *= copies, out var s);
        RepeatColumns(s.WordEmbeddings, wide.WordEmbeddings, copies, 1f);
        RepeatColumns(s.PositionEmbeddings, wide.PositionEmbeddings, copies, 1f);
        RepeatColumns(s.TokenTypeEmbeddings, wide.TokenTypeEmbeddings, copies, 1f);
        RepeatRows(s.EmbeddingLayerNormWeight, wide.EmbeddingLayerNormWeight, copies);
        RepeatRows(s.EmbeddingLayerNormBias, wide.EmbeddingLayerNormBias, copies);
        RepeatColumns(s.EmbeddingProjectionWeight, wide.EmbeddingProjectionWeight, copies, 1f / copies);
        CopyRest(s, wide, s.WordEmbeddings, s.PositionEmbeddings, s.TokenTypeEmbeddings, s.EmbeddingLayerNormWeight,
            s.EmbeddingLayerNormBias, s.EmbeddingProjectionWeight);
        if (copies > 1 && noise > 0)
        {
            AddRowNoise(wide.WordEmbeddings, noise, DeterministicRandom.For(seed, 0, 3));
            AddRowNoise(wide.EmbeddingProjectionWeight, noise, DeterministicRandom.For(seed, 0, 4));
        }
        return wide;
    }

    private static AlbertParameters Resized(AlbertParameters source, int copies, Action<AlbertConfig> resize, out AlbertParameters s)
    {
        if (copies < 1) throw new ArgumentOutOfRangeException(nameof(copies), "copies must be at least 1");
        s = source;
        var config = JsonSerializer.Deserialize<AlbertConfig>(JsonSerializer.Serialize(source.Config))!;
        resize(config);
        return new AlbertParameters(config);
    }

    private static void CopyRest(AlbertParameters source, AlbertParameters wide, params NamedTensor[] widened)
    {
        var skip = widened.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var t in source.All)
            if (!skip.Contains(t.Name)) t.Data.CopyTo(wide[t.Name].Data, 0);
    }

    /// <summary>[n, m] → [k·n, m]: copy c of row j is row c·n + j.</summary>
    private static void RepeatRows(NamedTensor source, NamedTensor wide, int copies)
    {
        for (int c = 0; c < copies; c++) source.Data.CopyTo(wide.Data, c * source.Length);
    }

    /// <summary>[m, n] → [m, k·n]: copy c of column j is column c·n + j, times <paramref name="scale"/>.</summary>
    private static void RepeatColumns(NamedTensor source, NamedTensor wide, int copies, float scale)
    {
        int n = source.Cols;
        for (int r = 0; r < source.Rows; r++)
            for (int c = 0; c < copies; c++)
                for (int j = 0; j < n; j++)
                    wide.Data[(r * copies + c) * n + j] = source.Data[r * n + j] * scale;
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
