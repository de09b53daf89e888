using ModelPacker.Model;

namespace ModelPacker.Training;

/// <summary>The result of <see cref="TrainingPipeline.Run"/>: the weights of the best epoch on validation, and the
/// vocabulary they were trained with.</summary>
public sealed class TrainedModel
{
    public required AlbertParameters Parameters { get; init; }
    public required ModelPacker.Text.Vocabulary Vocabulary { get; init; }
    public required float BestValidationAccuracy { get; init; }
    public required int BestEpoch { get; init; }
    public required TrainConfig TrainConfig { get; init; }
    /// <summary>One entry per epoch run.</summary>
    public required IReadOnlyList<EpochSummary> History { get; init; }
    public AlbertConfig Config => Parameters.Config;
}

public sealed record EpochSummary(int Epoch, float Loss, float TrainAccuracy, float ValidationAccuracy, TimeSpan Elapsed);
