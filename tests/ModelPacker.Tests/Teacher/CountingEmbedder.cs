using ModelPacker.Teacher;

namespace ModelPacker.Tests.Teacher;

/// <summary>Wraps an encoder and records every text that reached it, to see what a cache let through.</summary>
internal sealed class CountingEmbedder(ISentenceEmbedder inner) : ISentenceEmbedder
{
    public List<string> Seen { get; } = [];
    public string EncoderId => inner.EncoderId;
    public int Dimension => inner.Dimension;

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        Seen.AddRange(texts);
        return inner.Embed(texts, cancellation);
    }

    public void Dispose() { }
}
