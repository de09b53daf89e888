using System.Diagnostics;

namespace ModelPacker.Teacher;

/// <summary>
/// Embeds texts through a disk cache keyed by encoder id and exact text: only texts not seen before reach the
/// encoder, so a changed dataset re-encodes only its new lines. <see cref="Save"/> rewrites the cache file atomically
/// when anything was added. Two processes saving at once both succeed; the later rename wins and the other's new
/// entries are encoded again next time.
/// </summary>
public sealed class CachedEmbedder
{
    private readonly ISentenceEmbedder _encoder;
    private readonly Dictionary<string, float[]> _vectors;
    private bool _dirty;

    /// <param name="cachePath">The cache file (see <see cref="EmbeddingCacheFile.PathFor"/>); null = no cache.</param>
    public CachedEmbedder(ISentenceEmbedder encoder, string? cachePath)
    {
        _encoder = encoder;
        CachePath = cachePath;
        _vectors = cachePath is not null && File.Exists(cachePath)
            ? EmbeddingCacheFile.Read(cachePath, encoder.EncoderId, encoder.Dimension)
            : new Dictionary<string, float[]>(StringComparer.Ordinal);
        CachedOnOpen = _vectors.Count;
    }

    public string? CachePath { get; }
    public string EncoderId => _encoder.EncoderId;
    public int Dimension => _encoder.Dimension;

    /// <summary>Entries the cache file held when opened.</summary>
    public int CachedOnOpen { get; }

    /// <summary>Texts answered from the cache (or from an earlier call) since construction.</summary>
    public int Hits { get; private set; }

    /// <summary>Distinct texts that went through the encoder.</summary>
    public int Encoded { get; private set; }

    /// <summary>Wall time spent in the encoder.</summary>
    public TimeSpan EncodingTime { get; private set; }

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default)
    {
        var missing = new List<string>();
        var pending = new HashSet<string>(StringComparer.Ordinal);
        foreach (string text in texts)
        {
            if (_vectors.ContainsKey(text)) Hits++;
            else if (pending.Add(text)) missing.Add(text);
            else Hits++;
        }
        if (missing.Count > 0)
        {
            var clock = Stopwatch.StartNew();
            var vectors = _encoder.Embed(missing, cancellation);
            EncodingTime += clock.Elapsed;
            for (int i = 0; i < missing.Count; i++) _vectors[missing[i]] = vectors[i];
            Encoded += missing.Count;
            _dirty = true;
        }
        return texts.Select(t => _vectors[t]).ToArray();
    }

    /// <summary>Writes the cache file when texts were added (temp file + rename).</summary>
    public void Save()
    {
        if (CachePath is null || !_dirty) return;
        EmbeddingCacheFile.Write(CachePath, _encoder.EncoderId, _encoder.Dimension, _vectors);
        _dirty = false;
    }
}
