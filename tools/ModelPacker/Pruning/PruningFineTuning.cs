using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Pruning;

/// <summary>
/// Fine-tunes a checkpoint while pruning it (<see cref="MagnitudePruning"/> or <see cref="MovementPruning"/>), keeps
/// the last epoch (earlier epochs are less sparse) and writes the final masks into it: every pruned tensor has exactly
/// round(s · blocks) blocks of zeros. The result is an fp32 checkpoint that <c>pack --scheme int8-sparse</c> stores
/// without its zeros. Also returns the pruned checkpoint's validation accuracy.
/// </summary>
public static class PruningFineTuning
{
    public static (TrainedModel Model, float ValidationAccuracy) Run(AlbertParameters p, Vocabulary vocab, IntentDataset data, TrainConfig config, PruningSettings settings,
        IProgress<TrainProgress>? progress = null, CancellationToken ct = default)
    {
        settings.Validate();
        var tokenizer = new WordPieceTokenizer(vocab);
        var labelIds = p.Config.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        var train = data.Train.Where(e => labelIds.ContainsKey(e.Label)).ToList();
        var val = data.Validation.Where(e => labelIds.ContainsKey(e.Label)).ToList();
        if (train.Count == 0) throw new InvalidDataException($"{data.SourcePath}: no training utterance carries one of the model's intents");
        var (trainX, trainY) = TrainingPipeline.Encode(train, tokenizer, labelIds, p.Config.MaxPositionEmbeddings);
        var (valX, valY) = TrainingPipeline.Encode(val, tokenizer, labelIds, p.Config.MaxPositionEmbeddings);
        long totalSteps = (long)((trainX.Length + config.BatchSize - 1) / config.BatchSize) * config.Epochs;
        MovementPruning? movement = settings.Method == PruningMethod.Movement ? new MovementPruning(p, settings, totalSteps) : null;
        IWeightTransform transform = movement ?? (IWeightTransform)new MagnitudePruning(p, settings, totalSteps);
        var tuned = TrainingPipeline.Train(p, vocab, config, trainX, trainY, valX, valY, progress, ct, transform, keepLast: true);
        if (movement is not null) movement.Finish(tuned.Parameters);
        else MagnitudePruning.Finish(tuned.Parameters, settings);
        float acc = valX.Length > 0 ? TrainingPipeline.Accuracy(new AlbertModel(tuned.Parameters), valX, valY) : tuned.BestValidationAccuracy;
        return (tuned, acc);
    }

    /// <summary>Pruned share of each pruned tensor's blocks (a block is pruned when all its weights are 0).</summary>
    public static IReadOnlyList<(string Name, double Sparsity)> Sparsities(AlbertParameters p, BlockShape block) =>
        PruningSettings.Tensors(p).Select(t =>
        {
            var nonZero = new bool[block.Count(t)];
            for (int i = 0; i < t.Length; i++) if (t.Data[i] != 0) nonZero[block.Of(i, t.Cols)] = true;
            return (t.Name, (double)nonZero.Count(k => !k) / nonZero.Length);
        }).ToList();
}
