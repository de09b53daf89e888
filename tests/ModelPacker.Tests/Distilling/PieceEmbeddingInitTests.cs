using ModelPacker.Distilling;
using ModelPacker.Model;
using ModelPacker.Text;

namespace ModelPacker.Tests.Distilling;

public class PieceEmbeddingInitTests
{
    private static Vocabulary Vocab(params string[] pieces) => Vocabulary.FromTokens(Vocabulary.SpecialTokens.Concat(pieces));

    [Fact]
    public void EmbedsEachPieceAsItsTextAndLeavesTheSpecialTokensOut()
    {
        var vocab = Vocab("rain", "##ing", "play", "#", "##");
        var texts = PieceEmbeddingInit.PieceTexts(vocab);
        Assert.All(Enumerable.Range(0, Vocabulary.SpecialTokens.Count), i => Assert.Null(texts[i]));
        Assert.Equal(["rain", "ing", "play", "#", "##"], texts.Skip(Vocabulary.SpecialTokens.Count));
        var asked = new List<string>();
        var vectors = PieceEmbeddingInit.Embed(texts, t => { asked.AddRange(t); return t.Select(x => new float[] { x.Length, 1 }).ToArray(); });
        Assert.Equal(texts.Where(t => t is not null), asked); // one call, in vocabulary order
        Assert.Null(vectors[0]);
        Assert.Equal([3f, 1f], vectors[Vocabulary.SpecialTokens.Count + 1]!); // "##ing" as "ing"
    }

    [Fact]
    public void RowsFollowTheEncodersGeometryAtTheInitsScaleAndSpecialRowsStayRandom()
    {
        // 40 pieces in two clusters of the encoder's 16-d space, plus one duplicate: the student's 4-d rows must keep
        // the clusters apart, give equal vectors equal rows, have the requested standard deviation, and the special
        // tokens' rows must be untouched.
        int specials = Vocabulary.SpecialTokens.Count, pieces = 41, v = specials + pieces, e = 4;
        var rng = new Random(3);
        var vectors = new float[]?[v];
        for (int i = specials; i < v; i++)
        {
            var x = new float[16];
            int cluster = (i - specials) % 2;
            x[cluster] = 3f;
            for (int j = 0; j < 16; j++) x[j] += (float)(0.1 * (rng.NextDouble() - 0.5));
            vectors[i] = x;
        }
        vectors[v - 1] = (float[])vectors[v - 3]!.Clone();
        var table = new NamedTensor("albert.embeddings.word_embeddings.weight", v, e);
        for (int i = 0; i < table.Length; i++) table.Data[i] = 1000 + i; // recognisable
        var before = (float[])table.Data.Clone();

        PieceEmbeddingInit.Apply(table, vectors, std: 0.05f, seed: 7);

        Assert.Equal(before.Take(specials * e), table.Data.Take(specials * e));
        float[] Row(int i) => table.Data.Skip(i * e).Take(e).ToArray();
        Assert.Equal(Row(v - 3), Row(v - 1));
        var written = table.Data.Skip(specials * e).ToArray();
        double rms = Math.Sqrt(written.Sum(x => (double)x * x) / written.Length);
        Assert.Equal(0.05, rms, 4);
        double Dist(int a, int b) => Math.Sqrt(Row(a).Zip(Row(b)).Sum(p => (double)(p.First - p.Second) * (p.First - p.Second)));
        double within = Dist(specials, specials + 2), across = Dist(specials, specials + 1);
        Assert.True(across > 5 * within, $"across {across}, within {within}");
    }

    [Fact]
    public void TooFewPiecesForTheWidthKeepTheRandomInit()
    {
        int specials = Vocabulary.SpecialTokens.Count;
        var table = new NamedTensor("w", specials + 3, 4);
        for (int i = 0; i < table.Length; i++) table.Data[i] = i;
        var vectors = new float[]?[specials + 3];
        for (int i = specials; i < vectors.Length; i++) vectors[i] = [i, 1, 2, 3, 4, 5];
        var before = (float[])table.Data.Clone();
        PieceEmbeddingInit.Apply(table, vectors, 0.02f, 1);
        Assert.Equal(before, table.Data);
        Assert.Throws<ArgumentException>(() => PieceEmbeddingInit.Apply(table, new float[]?[2], 0.02f, 1));
    }
}
