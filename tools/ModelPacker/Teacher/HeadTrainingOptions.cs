namespace ModelPacker.Teacher;

/// <summary>One candidate head and how to fit it (Adam on shuffled mini-batches, learning rate decayed linearly to 0).</summary>
public sealed record HeadTrainingOptions
{
    /// <summary>0 = logistic regression; otherwise the MLP's hidden width.</summary>
    public int Hidden { get; init; }

    /// <summary>L2 strength on weight matrices, for the mean loss (scikit-learn's C corresponds to 1 / (C·n)).</summary>
    public float L2 { get; init; } = 1e-4f;

    public int Epochs { get; init; } = 30;
    public int BatchSize { get; init; } = 128;
    public float LearningRate { get; init; } = 3e-3f;
    public int Seed { get; init; } = 1;

    public string Describe() =>
        (Hidden == 0 ? "logistic regression" : $"MLP {Hidden} hidden") + $", l2 {L2:G3}, {Epochs} epochs";
}
