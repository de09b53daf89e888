using ModelPacker.Teacher;

namespace ModelPacker.Tests.Teacher;

public class EmbeddingCacheTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("embcache-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string CachePath => EmbeddingCacheFile.PathFor(_dir, fixture.Encoder.EncoderId);

    [Fact]
    public void Round_trip_returns_identical_bytes_and_encodes_only_new_texts()
    {
        string[] first = ["set an alarm for seven", "play some jazz", "play some jazz", "what is the weather"];
        var counting = new CountingEmbedder(fixture.Encoder);
        var cached = new CachedEmbedder(counting, CachePath);
        var vectors = cached.Embed(first);
        Assert.Equal(["set an alarm for seven", "play some jazz", "what is the weather"], counting.Seen);
        Assert.Equal(1, cached.Hits);
        Assert.Same(vectors[1], vectors[2]);
        cached.Save();
        Assert.True(File.Exists(CachePath));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp-*"));

        // A changed dataset: one line kept, one new; only the new one reaches the encoder.
        var again = new CountingEmbedder(fixture.Encoder);
        var reopened = new CachedEmbedder(again, CachePath);
        Assert.Equal(3, reopened.CachedOnOpen);
        var second = reopened.Embed(["what is the weather", "book a table for two"]);
        Assert.Equal(["book a table for two"], again.Seen);
        Assert.Equal(1, reopened.Hits);
        Assert.Equal(1, reopened.Encoded);
        Assert.Equal(BitsOf(vectors[3]), BitsOf(second[0]));
        reopened.Save();

        var third = new CachedEmbedder(new CountingEmbedder(fixture.Encoder), CachePath).Embed(first);
        for (int i = 0; i < first.Length; i++) Assert.Equal(BitsOf(vectors[i]), BitsOf(third[i]));
    }

    [Fact]
    public void Saving_twice_writes_the_same_file()
    {
        var encoder = new CountingEmbedder(new FakeEmbedder());
        var a = new CachedEmbedder(encoder, CachePath);
        a.Embed(["b text", "a text", "c"]);
        a.Save();
        byte[] before = File.ReadAllBytes(CachePath);
        var b = new CachedEmbedder(encoder, CachePath);
        b.Embed(["c", "a text"]);
        b.Save(); // nothing new: the file is left as it is
        Assert.Equal(before, File.ReadAllBytes(CachePath));
        File.Delete(CachePath);
        var c = new CachedEmbedder(encoder, CachePath);
        c.Embed(["c", "a text", "b text"]);
        c.Save();
        Assert.Equal(before, File.ReadAllBytes(CachePath));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("truncate")]
    [InlineData("magic")]
    [InlineData("empty")]
    public void A_damaged_cache_is_a_one_line_error_naming_the_file(string damage)
    {
        var fake = new FakeEmbedder();
        var cache = new CachedEmbedder(fake, CachePath);
        cache.Embed(["one", "two", "three"]);
        cache.Save();
        byte[] bytes = File.ReadAllBytes(CachePath);
        switch (damage)
        {
            case "flip": bytes[bytes.Length / 2] ^= 0x10; break;
            case "truncate": bytes = bytes[..(bytes.Length - 9)]; break;
            case "magic": bytes[0] = (byte)'X'; break;
            case "empty": bytes = []; break;
        }
        File.WriteAllBytes(CachePath, bytes);
        var e = Assert.Throws<InvalidDataException>(() => new CachedEmbedder(fake, CachePath));
        Assert.StartsWith(CachePath + ": corrupt embedding cache", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_cache_of_another_encoder_is_refused()
    {
        var cache = new CachedEmbedder(new FakeEmbedder("encoder A"), CachePath);
        cache.Embed(["one"]);
        cache.Save();
        var e = Assert.Throws<InvalidDataException>(() => new CachedEmbedder(new FakeEmbedder("encoder B"), CachePath));
        Assert.Contains("written by encoder 'encoder A', expected 'encoder B'", e.Message);
        Assert.NotEqual(EmbeddingCacheFile.PathFor(_dir, "encoder A"), EmbeddingCacheFile.PathFor(_dir, "encoder B"));
    }

    private static uint[] BitsOf(float[] v) => v.Select(BitConverter.SingleToUInt32Bits).ToArray();

    /// <summary>Deterministic vectors from the text's characters: exercises the cache without the real encoder.</summary>
    private sealed class FakeEmbedder(string id = "fake encoder") : ISentenceEmbedder
    {
        public string EncoderId => id;
        public int Dimension => 5;
        public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellation = default) =>
            texts.Select(t => Enumerable.Range(0, Dimension).Select(i => (float)(t.Length * 0.25 + i - (t.Length > 0 ? t[0] : 0) * 0.01)).ToArray()).ToArray();
        public void Dispose() { }
    }
}
