using ModelPacker.Data;
using ModelPacker.Evaluation;

namespace ModelPacker.Tests.Evaluation;

public class EvaluatorTests
{
    /// <summary>Answers from a table: text → the label index each of its two exits picks.</summary>
    private sealed class TableClassifier(Dictionary<string, (int Exit0, int Exit1)> answers) : IIntentClassifier
    {
        private readonly List<string> _texts = answers.Keys.ToList();
        public IReadOnlyList<string> Labels { get; } = ["play", "book", "oos"];
        public int ExitCount => 2;
        public int[] Encode(string text) => [_texts.IndexOf(text)];
        public float[][] Classify(int[] tokenIds)
        {
            var (e0, e1) = answers[_texts[tokenIds[0]]];
            var l0 = new float[3];
            var l1 = new float[3];
            l0[e0] = 2;
            l1[e1] = 5;
            return [l0, l1];
        }
    }

    [Fact]
    public void Scores_every_exit_and_keeps_unknown_gold_labels_as_errors()
    {
        var classifier = new TableClassifier(new()
        {
            ["play jazz"] = (0, 0),
            ["book a table"] = (0, 1),
            ["what is love"] = (2, 2),
            ["transfer money"] = (1, 2),
        });
        IntentExample[] data =
        [
            new("play jazz", "play"), new("book a table", "book"), new("what is love", "oos"), new("transfer money", "bank"),
        ];
        var done = new List<int>();
        var report = Evaluator.Evaluate(classifier, data, new SyncProgress(done));

        Assert.Equal(4, report.Count);
        Assert.Equal([2.0 / 4, 3.0 / 4], report.PerExitAccuracy);
        Assert.Equal(3.0 / 4, report.Accuracy);
        Assert.Equal(["bank"], report.UnknownLabels);
        Assert.Equal(["play", "book", "oos", "bank"], report.Final.Labels);
        Assert.Equal(2.0 / 3, report.Final.InScopeAccuracy!.Value, 12);
        Assert.Equal(1.0, report.Final.OutOfScopeRecall!.Value);
        Assert.Equal(1.0 / 3, report.PerExit[0].InScopeAccuracy!.Value, 12);
        Assert.Equal([4], done);
    }

    private sealed class SyncProgress(List<int> into) : IProgress<int>
    {
        public void Report(int value) => into.Add(value);
    }
}
