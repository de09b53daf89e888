namespace ModelPacker.Evaluation;

/// <summary>One utterance the full-depth exit got wrong: what a user reads to see whether the model or the label
/// is at fault.</summary>
/// <param name="Index">Position in the scored examples (with <c>--split all</c>: train, then validation, then test).</param>
/// <param name="Gold">The true intent, as the data names it.</param>
/// <param name="Confidence">The predicted intent's softmax probability at the last exit (for an image: of its
/// integer logits, as <c>classify</c> shows it).</param>
public sealed record Misclassified(int Index, string Text, string Gold, string Predicted, double Confidence);
