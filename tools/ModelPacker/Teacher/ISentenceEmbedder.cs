namespace ModelPacker.Teacher;

/// <summary>
/// A frozen sentence encoder: one fixed-length vector per utterance. The teacher's head and the cache see only this,
/// so another pre-trained encoder plugs in by implementing it.
/// </summary>
public interface ISentenceEmbedder : IDisposable
{
    /// <summary>Names the encoder and its exact weights (package and version); the cache key includes it, so a new
    /// encoder never reads another one's vectors.</summary>
    string EncoderId { get; }

    /// <summary>Length of every embedding.</summary>
    int Dimension { get; }

    /// <summary>One embedding per text, in order.</summary>
    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default);
}
