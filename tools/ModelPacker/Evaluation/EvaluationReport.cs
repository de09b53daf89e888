namespace ModelPacker.Evaluation;

/// <summary>How a classifier did on a set of examples: the full-depth report and the score of every exit layer.</summary>
public sealed class EvaluationReport
{
    public EvaluationReport(IReadOnlyList<ClassificationReport> perExit, IReadOnlyList<string> unknownLabels,
        IReadOnlyList<Misclassified> errors)
    {
        if (perExit.Count == 0) throw new ArgumentException("at least one exit", nameof(perExit));
        PerExit = perExit;
        UnknownLabels = unknownLabels;
        Errors = errors;
    }

    /// <summary>One report per exit layer, first layer first.</summary>
    public IReadOnlyList<ClassificationReport> PerExit { get; }

    /// <summary>The last exit: what the model answers when it runs every layer.</summary>
    public ClassificationReport Final => PerExit[^1];

    public int Count => Final.Count;
    public double Accuracy => Final.Accuracy;
    public double MacroF1 => Final.MacroF1;
    public IReadOnlyList<double> PerExitAccuracy => PerExit.Select(r => r.Accuracy).ToList();

    /// <summary>Gold labels of the data the model does not know (every such example counts as an error).</summary>
    public IReadOnlyList<string> UnknownLabels { get; }

    /// <summary>Every utterance the last exit got wrong, in the order of the examples.</summary>
    public IReadOnlyList<Misclassified> Errors { get; }
}
