using ModelPacker.Model;

namespace ModelPacker.Pruning;

/// <summary>
/// A checkpoint of depth k from one of depth L ≥ k: the shared layer is applied k times (num_hidden_layers = k) and
/// exits 1..k are kept, exit k taking ALBERT's own pooler and classifier names (the last exit's). Its forward equals
/// the first k applications of the source's forward on the same weights.
/// </summary>
public static class DepthTruncation
{
    public static AlbertParameters Truncate(AlbertParameters source, int depth)
    {
        int layers = source.Config.NumHiddenLayers;
        if (depth < 1 || depth > layers) throw new InvalidDataException($"depth {depth}: the model applies its layer {layers} times; keep 1 to {layers}");
        var json = System.Text.Json.JsonSerializer.Serialize(source.Config);
        var config = System.Text.Json.JsonSerializer.Deserialize<AlbertConfig>(json)!;
        config.NumHiddenLayers = depth;
        config.Validate();
        var p = new AlbertParameters(config);
        var exitTensors = new HashSet<NamedTensor>(p.Exits.SelectMany(Tensors));
        foreach (var t in p.All)
            if (!exitTensors.Contains(t)) source[t.Name].Data.CopyTo(t.Data, 0);
        for (int k = 0; k < depth; k++)
        {
            var from = Tensors(source.Exits[k]);
            var to = Tensors(p.Exits[k]);
            for (int j = 0; j < to.Count; j++) from[j].Data.CopyTo(to[j].Data, 0);
        }
        return p;
    }

    /// <summary>An exit's tensors in a fixed order (the binarized model's pooler-input binarizer last).</summary>
    private static List<NamedTensor> Tensors(ExitHeadParameters e)
    {
        var list = new List<NamedTensor> { e.PoolerWeight, e.PoolerBias, e.ClassifierWeight, e.ClassifierBias };
        if (e.PoolerInput is { } b) list.AddRange([b.Alpha, b.Beta]);
        return list;
    }
}
