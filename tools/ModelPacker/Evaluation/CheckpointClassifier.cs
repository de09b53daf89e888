using ModelPacker.Checkpoints;
using ModelPacker.Model;
using ModelPacker.Text;

namespace ModelPacker.Evaluation;

/// <summary>The fp32 model of a checkpoint directory behind <see cref="IIntentClassifier"/>.</summary>
public sealed class CheckpointClassifier : IIntentClassifier
{
    private readonly AlbertModel _model;
    private readonly WordPieceTokenizer _tokenizer;
    private readonly int _maxLength;

    public CheckpointClassifier(AlbertParameters parameters, Vocabulary vocabulary)
    {
        _model = new AlbertModel(parameters);
        _tokenizer = new WordPieceTokenizer(vocabulary);
        _maxLength = parameters.Config.MaxPositionEmbeddings;
        Labels = parameters.Config.Labels;
    }

    public CheckpointClassifier(LoadedCheckpoint checkpoint) : this(checkpoint.Parameters, checkpoint.Vocabulary) { }

    public IReadOnlyList<string> Labels { get; }
    public int ExitCount => _model.Config.NumHiddenLayers;
    public int[] Encode(string text) => _tokenizer.Encode(text, _maxLength);
    public float[][] Classify(int[] tokenIds) => _model.Predict(tokenIds);
    public float[][][] ClassifyMany(IReadOnlyList<int[]> tokenIds) => _model.PredictMany(tokenIds);
}
