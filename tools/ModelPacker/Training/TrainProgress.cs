namespace ModelPacker.Training;

/// <summary>A progress report: running loss and train accuracy of the current epoch, last validation accuracy.</summary>
public sealed record TrainProgress(int Epoch, int Epochs, int Step, int TotalSteps, float Loss, float TrainAccuracy,
    float? ValidationAccuracy, TimeSpan Elapsed, TimeSpan Remaining);
