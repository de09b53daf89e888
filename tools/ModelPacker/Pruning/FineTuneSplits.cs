using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Pruning;

/// <summary>The training and validation utterances of a dataset that carry one of the checkpoint's intents, as token ids
/// and label indices: what the pruning fine-tunes (2:4, heads) train and validate on.</summary>
public sealed record FineTuneSplits(int[][] TrainX, int[] TrainY, int[][] ValX, int[] ValY)
{
    public static FineTuneSplits Of(AlbertParameters p, Vocabulary vocab, IntentDataset data)
    {
        var tokenizer = new WordPieceTokenizer(vocab);
        var labelIds = p.Config.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        var train = data.Train.Where(e => labelIds.ContainsKey(e.Label)).ToList();
        var val = data.Validation.Where(e => labelIds.ContainsKey(e.Label)).ToList();
        if (train.Count == 0) throw new InvalidDataException($"{data.SourcePath}: no training utterance carries one of the model's intents");
        var (trainX, trainY) = TrainingPipeline.Encode(train, tokenizer, labelIds, p.Config.MaxPositionEmbeddings);
        var (valX, valY) = TrainingPipeline.Encode(val, tokenizer, labelIds, p.Config.MaxPositionEmbeddings);
        return new FineTuneSplits(trainX, trainY, valX, valY);
    }
}
