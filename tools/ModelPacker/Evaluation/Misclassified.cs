namespace ModelPacker.Evaluation;

/// <summary>One utterance the full-depth exit got wrong: what a user reads to see whether the model or the label
/// is at fault.</summary>
/// <param name="Index">Position in the scored examples.</param>
/// <param name="Confidence">The predicted intent's softmax probability at the last exit.</param>
public sealed record Misclassified(int Index, string Text, string Intent, string Predicted, double Confidence);
