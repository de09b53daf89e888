using ModelPacker.Model;

namespace ModelPacker.Checkpoints;

/// <summary>
/// Fills <see cref="AlbertParameters"/> from a safetensors file by Hugging Face name. Accepts what transformers
/// writes for an ALBERT: tensors with or without the <c>albert.</c> prefix (AlbertModel vs.
/// AlbertForSequenceClassification), extra tensors (MLM head <c>predictions.*</c>, <c>position_ids</c> buffers) that
/// are ignored, and no DeeBERT highway exits (initialised from the final head).
/// </summary>
internal static class ParameterImporter
{
    private const string Prefix = "albert.";

    public static AlbertParameters Import(SafeTensorsFile file, AlbertConfig config, List<string> warnings, List<string> notes)
    {
        var parameters = new AlbertParameters(config);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var exitTensors = parameters.Exits.Take(parameters.Exits.Length - 1)
            .SelectMany(ExitTensors).ToHashSet();

        foreach (var tensor in parameters.All)
        {
            if (exitTensors.Contains(tensor)) continue;
            string source = Resolve(file, tensor.Name)
                ?? throw new CheckpointFormatException($"{file.Source}: required tensor '{tensor.Name}' (shape {tensor.ShapeText}) is missing");
            Copy(file, source, tensor);
            used.Add(source);
        }

        var missingExits = new List<int>();
        var finalExit = parameters.Exits[^1];
        for (int l = 0; l < parameters.Exits.Length - 1; l++)
        {
            var exit = parameters.Exits[l];
            var tensors = ExitTensors(exit).ToArray();
            var sources = tensors.Select(t => Resolve(file, t.Name)).ToArray();
            if (sources.All(s => s is null))
            {
                missingExits.Add(l);
                var finals = ExitTensors(finalExit).ToArray();
                for (int k = 0; k < tensors.Length; k++) finals[k].Data.CopyTo(tensors[k].Data, 0);
                continue;
            }
            for (int k = 0; k < tensors.Length; k++)
            {
                if (sources[k] is null)
                    throw new CheckpointFormatException(
                        $"{file.Source}: tensor '{tensors[k].Name}' (shape {tensors[k].ShapeText}) is missing while the rest of exit {l} is present");
                Copy(file, sources[k]!, tensors[k]);
                used.Add(sources[k]!);
            }
        }
        if (missingExits.Count > 0)
            warnings.Add($"{file.Source}: no early-exit heads for layer{(missingExits.Count > 1 ? "s" : "")} {string.Join(", ", missingExits)}; " +
                         "initialised them from the final pooler and classifier (train to make early exit useful)");

        var ignored = file.Entries.Select(e => e.Name).Where(n => !used.Contains(n)).ToList();
        if (ignored.Count > 0)
            notes.Add($"{file.Source}: ignored {ignored.Count} tensor{(ignored.Count > 1 ? "s" : "")} this model does not use: " +
                      string.Join(", ", ignored.Take(8)) + (ignored.Count > 8 ? $", ... ({ignored.Count - 8} more)" : ""));
        return parameters;
    }

    private static IEnumerable<NamedTensor> ExitTensors(ExitHeadParameters exit) =>
        [exit.PoolerWeight, exit.PoolerBias, exit.ClassifierWeight, exit.ClassifierBias];

    /// <summary>The file's name for <paramref name="name"/>: as-is, or without the <c>albert.</c> prefix.</summary>
    private static string? Resolve(SafeTensorsFile file, string name)
    {
        if (file.Contains(name)) return name;
        if (name.StartsWith(Prefix, StringComparison.Ordinal) && file.Contains(name[Prefix.Length..])) return name[Prefix.Length..];
        return null;
    }

    private static void Copy(SafeTensorsFile file, string source, NamedTensor target)
    {
        var entry = file[source];
        if (!entry.Shape.SequenceEqual(target.Shape))
            throw new CheckpointFormatException(
                $"{file.Source}: tensor '{source}' has shape {entry.ShapeText}, expected {target.ShapeText} (from config.json)");
        if (!SafeTensorsDType.IsFloatConvertible(entry.DType))
            throw new CheckpointFormatException(
                $"{file.Source}: tensor '{source}' has dtype {entry.DType}; only F32, F16 and BF16 weights can be loaded");
        file.ReadFloat32(source).CopyTo(target.Data, 0);
    }
}
