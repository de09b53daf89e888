namespace ModelPacker.Teacher;

/// <summary>
/// The teacher as later training uses it: the sentence embedding of any utterance (through the cache) and soft
/// labels from the saved head. Open it from a directory written by <c>modelpacker teacher</c>.
/// </summary>
public sealed class SentenceTeacher : IDisposable
{
    private readonly ISentenceEmbedder _encoder;

    public SentenceTeacher(SentenceTeacherHead head, ISentenceEmbedder encoder, string? cacheDirectory)
    {
        if (head.EncoderId != encoder.EncoderId)
            throw new InvalidDataException($"the teacher head was trained on '{head.EncoderId}' embeddings, but the encoder is '{encoder.EncoderId}'");
        if (head.Head.Inputs != encoder.Dimension)
            throw new InvalidDataException($"the teacher head reads {head.Head.Inputs} values, the encoder gives {encoder.Dimension}");
        Head = head;
        _encoder = encoder;
        Embedder = new CachedEmbedder(encoder, cacheDirectory is null ? null : EmbeddingCacheFile.PathFor(cacheDirectory, encoder.EncoderId));
    }

    /// <summary>The teacher saved in <paramref name="directory"/>, with the MiniLM encoder of the package.</summary>
    public static SentenceTeacher Open(string directory, string? cacheDirectory)
    {
        var head = TeacherHeadFile.Read(Path.Combine(directory, TeacherHeadFile.FileName));
        return new SentenceTeacher(head, new MiniLmEmbedder(), cacheDirectory);
    }

    public SentenceTeacherHead Head { get; }
    public CachedEmbedder Embedder { get; }
    public IReadOnlyList<string> Labels => Head.Labels;

    /// <summary>Unit-norm sentence embeddings (shared with the cache: do not modify them).</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default) =>
        Embedder.Embed(texts, cancellation);

    /// <summary>Soft labels at <paramref name="temperature"/>, in the order of <see cref="Labels"/>.</summary>
    public float[][] SoftLabels(IReadOnlyList<string> texts, float temperature, CancellationToken cancellation = default) =>
        Head.Probabilities(Embed(texts, cancellation), temperature);

    /// <summary>Writes any new embeddings to the cache file.</summary>
    public void SaveCache() => Embedder.Save();

    public void Dispose() => _encoder.Dispose();
}
