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

    /// <summary>Utterance k (its one token) gets logit k + 1 for label k % 3 at its last exit and 0 for the others, so
    /// every utterance has its own confidence; its first exit always says label 0.</summary>
    private sealed class IndexClassifier : IIntentClassifier
    {
        public IReadOnlyList<string> Labels { get; } = ["play", "book", "oos"];
        public int ExitCount => 2;
        public int[] Encode(string text) => [int.Parse(text)];
        public float[][] Classify(int[] tokenIds)
        {
            int k = tokenIds[0];
            var last = new float[3];
            last[k % 3] = k + 1;
            return [[1, 0, 0], last];
        }
    }

    [Fact]
    public void Lists_the_utterances_the_last_exit_gets_wrong_in_order_with_the_predicted_intents_probability()
    {
        // 600 utterances: more than two of the evaluator's chunks. Utterance k is labelled "book" when k % 5 == 0 and
        // "bank" (an intent the model does not know) when k % 7 == 0, else what the last exit answers.
        var labels = new[] { "play", "book", "oos" };
        var data = Enumerable.Range(0, 600).Select(k =>
            new IntentExample(k.ToString(), k % 7 == 0 ? "bank" : k % 5 == 0 ? "book" : labels[k % 3])).ToArray();
        var report = Evaluator.Evaluate(new IndexClassifier(), data);

        var expected = Enumerable.Range(0, 600).Where(k => k % 7 == 0 || (k % 5 == 0 && k % 3 != 1)).ToList();
        Assert.Equal(expected, report.Errors.Select(e => e.Index));
        foreach (var e in report.Errors)
        {
            int k = e.Index;
            Assert.Equal((k.ToString(), data[k].Label, labels[k % 3]), (e.Text, e.Gold, e.Predicted));
            double p = Math.Exp(k + 1) / (Math.Exp(k + 1) + 2); // the winning logit k + 1, the two others 0
            Assert.Equal(p, e.Confidence, 12);
        }
        Assert.Contains(report.Errors, e => e.Index > 512); // the third chunk is listed too
        Assert.Equal(report.Count - report.Final.Correct, report.Errors.Count);
        Assert.Equal(data.Length - expected.Count, report.Final.Correct);
    }

    private sealed class SyncProgress(List<int> into) : IProgress<int>
    {
        public void Report(int value) => into.Add(value);
    }
}
