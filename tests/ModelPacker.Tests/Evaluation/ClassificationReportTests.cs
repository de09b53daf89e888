using ModelPacker.Evaluation;

namespace ModelPacker.Tests.Evaluation;

public class ClassificationReportTests
{
    private const double Tol = 1e-12;

    [Fact]
    public void Three_label_case_computed_by_hand()
    {
        // gold A A A B B C, predicted A A B B C C
        var r = ClassificationReport.Compute(["A", "B", "C"], [0, 0, 0, 1, 1, 2], [0, 0, 1, 1, 2, 2]);
        Assert.Equal(6, r.Count);
        Assert.Equal(4, r.Correct);
        Assert.Equal(4.0 / 6, r.Accuracy, Tol);

        var a = r.PerLabel[0];
        Assert.Equal(("A", 3, 2, 2), (a.Label, a.Support, a.Predicted, a.TruePositives));
        Assert.Equal(1.0, a.Precision, Tol);
        Assert.Equal(2.0 / 3, a.Recall, Tol);
        Assert.Equal(0.8, a.F1, Tol);
        Assert.Equal(0.5, r.PerLabel[1].Precision, Tol);
        Assert.Equal(0.5, r.PerLabel[1].Recall, Tol);
        Assert.Equal(0.5, r.PerLabel[1].F1, Tol);
        Assert.Equal(0.5, r.PerLabel[2].Precision, Tol);
        Assert.Equal(1.0, r.PerLabel[2].Recall, Tol);
        Assert.Equal(2.0 / 3, r.PerLabel[2].F1, Tol);
        Assert.Equal((0.8 + 0.5 + 2.0 / 3) / 3, r.MacroF1, Tol);

        Assert.Equal(2, r.Confusion[0, 0]);
        Assert.Equal(1, r.Confusion[0, 1]);
        Assert.Equal(0, r.Confusion[0, 2]);
        Assert.Equal(1, r.Confusion[1, 2]);
        Assert.Equal([new Confusion("A", "B", 1), new Confusion("B", "C", 1)], r.Confusion.TopConfusions(10));
        Assert.Null(r.InScopeAccuracy);
        Assert.Null(r.OutOfScopeRecall);
    }

    [Fact]
    public void Macro_f1_skips_labels_never_seen_and_counts_predicted_only_labels_as_zero()
    {
        // D never occurs; C is predicted once but has no gold example.
        var r = ClassificationReport.Compute(["A", "B", "C", "D"], [0, 0, 1, 1], [0, 0, 1, 2]);
        Assert.Equal(["A", "B", "C"], r.PerLabel.Select(m => m.Label));
        var c = r.PerLabel[2];
        Assert.Equal((0, 1, 0.0, 0.0, 0.0), (c.Support, c.Predicted, c.Precision, c.Recall, c.F1));
        // A: F1 1; B: P 1, R 0.5, F1 2/3; C: 0.
        Assert.Equal((1 + 2.0 / 3 + 0) / 3, r.MacroF1, Tol);
    }

    [Fact]
    public void Top_confusions_are_ordered_by_count()
    {
        var r = ClassificationReport.Compute(["A", "B", "C"], [0, 1, 1, 2, 2, 2], [1, 0, 0, 0, 0, 1]);
        Assert.Equal([new Confusion("B", "A", 2), new Confusion("C", "A", 2)], r.Confusion.TopConfusions(2));
        Assert.Equal(4, r.Confusion.TopConfusions(99).Count);
    }

    [Fact]
    public void Out_of_scope_metrics_follow_clinc150()
    {
        // gold a b oos oos a, predicted a oos oos a b
        var r = ClassificationReport.Compute(["a", "b", "oos"], [0, 1, 2, 2, 0], [0, 2, 2, 0, 1]);
        Assert.Equal(2.0 / 5, r.Accuracy, Tol);
        Assert.Equal(1.0 / 3, r.InScopeAccuracy!.Value, Tol);
        Assert.Equal(1.0 / 2, r.OutOfScopeRecall!.Value, Tol);
        Assert.Equal((3, 2), (r.InScopeCount, r.OutOfScopeCount));
    }

    [Fact]
    public void Oos_label_without_oos_examples_gives_in_scope_accuracy_only()
    {
        var r = ClassificationReport.Compute(["a", "oos"], [0, 0], [0, 1]);
        Assert.Equal(0.5, r.InScopeAccuracy!.Value, Tol);
        Assert.Null(r.OutOfScopeRecall);
    }

    [Fact]
    public void Empty_and_inconsistent_inputs()
    {
        var empty = ClassificationReport.Compute(["a", "b"], [], []);
        Assert.Equal((0, 0.0, 0.0), (empty.Count, empty.Accuracy, empty.MacroF1));
        Assert.Throws<ArgumentException>(() => ClassificationReport.Compute(["a"], [0], []));
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassificationReport.Compute(["a"], [0], [1]));
    }
}
