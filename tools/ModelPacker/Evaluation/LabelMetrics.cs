namespace ModelPacker.Evaluation;

/// <summary>
/// One intent's scores. <see cref="Support"/> counts gold examples, <see cref="Predicted"/> counts predictions of
/// this intent. Undefined ratios (nothing predicted, nothing to recall) are 0, as scikit-learn reports them.
/// </summary>
public sealed record LabelMetrics(string Label, int Support, int Predicted, int TruePositives)
{
    public double Precision => Predicted == 0 ? 0 : (double)TruePositives / Predicted;
    public double Recall => Support == 0 ? 0 : (double)TruePositives / Support;
    public double F1 => Precision + Recall == 0 ? 0 : 2 * Precision * Recall / (Precision + Recall);
}
