using ModelPacker.Binarization;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Tests.Binarization;

/// <summary>The teacher-labelled transfer set of the binarize step, on the tiny SNIPS teacher.</summary>
public class TransferSetTests(TinyTeacher teacher) : IClassFixture<TinyTeacher>
{
    private Vocabulary Vocab => teacher.Model.Vocabulary;

    [Fact]
    public void NeighboursAreTheMostCosineSimilarPiecesOfTheSameKind()
    {
        var p = teacher.Model.Parameters;
        var n = TransferSet.NearestNeighbours(p, Vocab, 4);
        int e = p.Config.EmbeddingSize;
        double Cos(int a, int b)
        {
            double dot = 0, na = 0, nb = 0;
            for (int c = 0; c < e; c++)
            {
                double x = p.WordEmbeddings.Data[a * e + c], y = p.WordEmbeddings.Data[b * e + c];
                dot += x * y; na += x * x; nb += y * y;
            }
            return dot / Math.Sqrt(na * nb);
        }
        bool Cont(int i) => Vocab[i].StartsWith("##", StringComparison.Ordinal);
        bool Special(int i) => Vocabulary.SpecialTokens.Contains(Vocab[i]);
        for (int i = 0; i < Vocab.Count; i++)
        {
            if (Special(i)) { Assert.Empty(n[i]); continue; }
            Assert.Equal(4, n[i].Length);
            Assert.All(n[i], j => Assert.True(j != i && !Special(j) && Cont(j) == Cont(i), $"{Vocab[i]} → {Vocab[j]}"));
            for (int k = 1; k < 4; k++) Assert.True(Cos(i, n[i][k - 1]) >= Cos(i, n[i][k]) - 1e-6); // best first
            // no piece of the same kind outside the list is closer than the list's last
            double last = Cos(i, n[i][^1]);
            for (int j = 0; j < Vocab.Count; j++)
                if (j != i && !Special(j) && Cont(j) == Cont(i) && !n[i].Contains(j)) Assert.True(Cos(i, j) <= last + 1e-5, $"{Vocab[i]}: {Vocab[j]}");
        }
    }

    [Fact]
    public void CopiesKeepClsAndSepChangeSomethingAndCarryTheTeachersPrediction()
    {
        var utterances = teacher.TestX.Take(40).ToList();
        var (x, y) = TransferSet.Build(teacher.Model.Parameters, Vocab, utterances, new TransferSet.Options(2, Seed: 3));
        Assert.InRange(x.Length, 40, 80);
        var originals = utterances.Select(u => string.Join(",", u)).ToHashSet();
        var model = new AlbertModel(teacher.Model.Parameters);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(Vocab.ClsId, x[i][0]);
            Assert.Equal(Vocab.SepId, x[i][^1]);
            Assert.DoesNotContain(Vocab.ClsId, x[i][1..^1]);
            Assert.DoesNotContain(Vocab.SepId, x[i][1..^1]);
            Assert.DoesNotContain(string.Join(",", x[i]), originals);
            var logits = model.Predict(x[i])[^1];
            Assert.Equal(Array.IndexOf(logits, logits.Max()), y[i]);
        }
        var again = TransferSet.Build(teacher.Model.Parameters, Vocab, utterances, new TransferSet.Options(2, Seed: 3));
        Assert.Equal(x, again.X); // deterministic for a seed
        Assert.Empty(TransferSet.Build(teacher.Model.Parameters, Vocab, utterances, new TransferSet.Options(0)).X);
    }

    [Fact]
    public void TransferCopiesOutsideItsRangeNamesTheKey()
    {
        var b = new BinarizeConfig { TransferCopies = 17 };
        Assert.Equal("cfg.json: binarize.transfer_copies must be in 0..16", Assert.Throws<InvalidDataException>(() => b.Validate("cfg.json")).Message);
    }
}
