using ModelPacker.Distilling;
using ModelPacker.Model;
using ModelPacker.Tests.Model;
using ModelPacker.Text;
using static ModelPacker.Tests.Numerics.GradientCheck;

namespace ModelPacker.Tests.Distilling;

/// <summary>
/// Word-level distillation enters the backward pass at the last layer's token states (each word's pieces share its
/// mean's gradient). The labels' loss plus the word term is checked against finite differences for the student's
/// tensors and the projection; words beyond a truncated sequence, and examples whose word counts disagree, add nothing.
/// </summary>
public class WordDistillationGradientTests
{
    private static readonly float[] ExitWeights = [0.4f, 1f];
    private const int Dim = 5;

    // TinyModels.Batch as examples 2, 0 and 3: 3 pieces in 2 words, 1 piece, 2 pieces in 2 words (then padding).
    private static readonly WordAlignment[] Alignments = [new([0]), new([0, 1, 2]), new([0, 0, 1]), new([0, 1])];

    private static float[][] Targets(int seed) =>
        Alignments.Select((a, i) => Random(a.Words * Dim, seed + i)).ToArray();


    [Fact]
    public void WholeLossMatchesFiniteDifferencesForStudentAndProjection()
    {
        var cfg = TinyModels.Config();
        var student = TinyModels.Parameters(cfg, seed: 21);
        var batch = TinyModels.Batch(2, 0, 3);
        var loss = new WordDistillation(Targets(50), Alignments, Dim, weight: 0.8f, cfg.HiddenSize, shards: 1, seed: 3);
        Xunit.Assert.Equal(0, loss.Mismatched);
        var comp = new AlbertComputation(cfg);
        float scale = 1f / batch.Count;
        double wordLoss = 0;
        double Loss()
        {
            comp.Forward(new ModelWeights(student), batch);
            double labels = comp.Loss(ExitWeights, 0.1f, scale, out _);
            wordLoss = loss.Add(0, comp, scale);
            return labels + wordLoss;
        }
        Loss();
        Xunit.Assert.True(wordLoss > 0);
        var grads = new AlbertParameters(cfg);
        comp.Backward(grads);
        var projectionGrads = loss.Projection.Gradients(0).Select(g => g.ToArray()).ToArray();
        foreach (var t in new[] { student.FfnWeight, student.QueryWeight, student.ValueWeight, student.EmbeddingProjectionWeight, student.WordEmbeddings })
            Assert(t.Name, t.Data, grads[t.Name].Data, Sample(t.Length, 16, 5), Loss, eps: 2e-3f, absTol: 3e-4, relTol: 3e-2);
        for (int k = 0; k < loss.Projection.Tensors.Count; k++)
        {
            var t = loss.Projection.Tensors[k];
            Assert(t.Name, t.Data, projectionGrads[k], Sample(t.Length, 16, k), Loss, eps: 2e-3f, absTol: 3e-4, relTol: 3e-2);
        }
    }

    [Fact]
    public void MismatchedWordCountsAndExamplesWithoutTargetsAddNothing()
    {
        var cfg = TinyModels.Config();
        var student = TinyModels.Parameters(cfg, seed: 22);
        var targets = Targets(60);
        targets[2] = Random(3 * Dim, 7); // the encoder saw 3 words where the student sees 2
        targets[0] = Random(2 * Dim, 8);
        targets[3] = Random(1 * Dim, 9);
        var loss = new WordDistillation(targets, Alignments, Dim, weight: 1f, cfg.HiddenSize, shards: 1, seed: 4);
        Xunit.Assert.Equal(3, loss.Mismatched);
        var comp = new AlbertComputation(cfg);
        comp.Forward(new ModelWeights(student), TinyModels.Batch(2, 0, 3));
        Xunit.Assert.Equal(0, loss.Add(0, comp, 1f));
        comp.Forward(new ModelWeights(student), new PackedBatch([[2, 7, 9, 3]], [0], 0, [7])); // an id beyond the targets
        Xunit.Assert.Equal(0, loss.Add(0, comp, 1f));
        var none = new AlbertParameters(cfg);
        comp.Backward(none);
        Xunit.Assert.All(none.All, t => Xunit.Assert.All(t.Data, g => Xunit.Assert.Equal(0f, g)));
        Xunit.Assert.All(loss.Projection.Gradients(0), g => Xunit.Assert.All(g, x => Xunit.Assert.Equal(0f, x)));
    }

    [Fact]
    public void ATruncatedSequenceDistilsTheWholeWordsBeforeTheCut()
    {
        // example 1 has 3 pieces in 3 words; cut to 2 pieces it is the utterance of its first 2 words. Example 4's
        // second word is cut in half: only its first word counts.
        var cfg = TinyModels.Config();
        var student = TinyModels.Parameters(cfg, seed: 23);
        var targets = Targets(70);
        WordAlignment[] aligned = [.. Alignments, new([0, 1, 1])];
        float[][] withCut = [.. targets, Random(2 * Dim, 71)];
        var loss = new WordDistillation(withCut, aligned, Dim, 1f, cfg.HiddenSize, shards: 1, seed: 5);
        WordAlignment[] prefixes = [Alignments[0], new([0, 1]), Alignments[2], Alignments[3], new([0])];
        float[][] prefixTargets = [targets[0], targets[1][..(2 * Dim)], targets[2], targets[3], withCut[4][..Dim]];
        var reference = new WordDistillation(prefixTargets, prefixes, Dim, 1f, cfg.HiddenSize, shards: 1, seed: 5);
        var comp = new AlbertComputation(cfg);
        foreach (int id in new[] { 1, 4 })
        {
            comp.Forward(new ModelWeights(student), new PackedBatch([[2, 7, 9, 3]], [0], 0, [id]));
            double cut = loss.Add(0, comp, 1f);
            double whole = reference.Add(0, comp, 1f);
            Xunit.Assert.True(cut > 0);
            Xunit.Assert.Equal(whole, cut, 12);
        }
    }

    [Fact]
    public void AlignmentGroupsContinuationPiecesWithTheirWord()
    {
        var vocab = Vocabulary.FromTokens([.. Vocabulary.SpecialTokens, "book", "a", "ta", "##ble", "##s", ",", "now"]);
        var a = WordAlignment.Of("Book tables, now", new WordPieceTokenizer(vocab));
        Xunit.Assert.Equal([0, 1, 1, 1, 2, 3], a.WordOfPiece);
        Xunit.Assert.Equal(4, a.Words);
        Xunit.Assert.Throws<ArgumentException>(() => new WordAlignment([0, 2]));
    }
}
