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

    [Fact]
    public void Lists_the_utterances_the_last_exit_gets_wrong_in_order_with_the_predicted_intents_probability()
    {
        var classifier = new TableClassifier(new()
        {
            ["play jazz"] = (0, 1),     // wrong at the last exit only
            ["book a table"] = (1, 0),  // right at the first exit only: still an error
            ["what is love"] = (0, 2),  // right at the last exit: not listed
            ["transfer money"] = (1, 2), // a gold label the model does not know
        });
        IntentExample[] data =
        [
            new("play jazz", "play"), new("book a table", "book"), new("what is love", "oos"), new("transfer money", "bank"),
        ];
        var report = Evaluator.Evaluate(classifier, data);

        double top = Math.Exp(5) / (Math.Exp(5) + 2); // the winning logit 5, the two others 0
        Assert.Equal(
            [new Misclassified(0, "play jazz", "play", "book", top), new Misclassified(1, "book a table", "book", "play", top),
             new Misclassified(3, "transfer money", "bank", "oos", top)],
            report.Errors.Select(e => e with { Confidence = Math.Round(e.Confidence, 12) }),
            new MisclassifiedComparer());
        Assert.Equal(report.Count - report.Final.Correct, report.Errors.Count);
    }

    private sealed class MisclassifiedComparer : IEqualityComparer<Misclassified>
    {
        public bool Equals(Misclassified? a, Misclassified? b) =>
            a!.Index == b!.Index && a.Text == b.Text && a.Intent == b.Intent && a.Predicted == b.Predicted && Math.Abs(a.Confidence - b.Confidence) < 1e-12;
        public int GetHashCode(Misclassified m) => m.Index;
    }

    private sealed class SyncProgress(List<int> into) : IProgress<int>
    {
        public void Report(int value) => into.Add(value);
    }
}
