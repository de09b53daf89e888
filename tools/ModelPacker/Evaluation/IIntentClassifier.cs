namespace ModelPacker.Evaluation;

/// <summary>
/// Anything that turns an utterance into logits at every exit layer: the fp32 checkpoint today, the integer
/// runtime over a flash image later. <c>eval</c> and <c>classify</c> only talk to this.
/// </summary>
public interface IIntentClassifier
{
    /// <summary>Intent names in logit order.</summary>
    IReadOnlyList<string> Labels { get; }

    /// <summary>Number of exit layers (the length of what <see cref="Classify"/> returns).</summary>
    int ExitCount { get; }

    /// <summary>Token ids the model takes for <paramref name="text"/> ([CLS] ... [SEP], truncated to its maximum).</summary>
    int[] Encode(string text);

    /// <summary>Logits per exit layer, first layer first; the last entry is the full-depth prediction.</summary>
    float[][] Classify(int[] tokenIds);

    /// <summary>Logits [utterance][exit][label] of many utterances; implementations may batch or parallelise.</summary>
    float[][][] ClassifyMany(IReadOnlyList<int[]> tokenIds) => tokenIds.Select(Classify).ToArray();
}
