using ModelPacker.Data;
using ModelPacker.IntegerRuntime;
using ModelPacker.Model;
using ModelPacker.Text;

namespace ModelPacker.Quantization;

/// <summary>Post-training int8 quantization of a trained model, calibrated on its training utterances.</summary>
public static class PostTrainingQuantizer
{
    /// <summary>Calibration looks at this many training utterances (spread evenly over the split, deterministic).</summary>
    public const int DefaultCalibrationUtterances = 2000;

    public static IntegerModel Quantize(AlbertParameters p, Vocabulary vocabulary, IntentDataset data, int maxUtterances = DefaultCalibrationUtterances)
    {
        var ids = CalibrationSet(p, vocabulary, data.Train, maxUtterances, data.SourcePath);
        return Int8Quantizer.Quantize(p, Calibrator.Calibrate(p, ids));
    }

    /// <summary>Every k-th training utterance (k chosen so at most <paramref name="max"/> are taken), tokenized.</summary>
    public static IReadOnlyList<int[]> CalibrationSet(AlbertParameters p, Vocabulary vocabulary, IReadOnlyList<IntentExample> train, int max, string source)
    {
        if (train.Count == 0) throw new InvalidDataException($"{source}: no training utterances to calibrate on");
        var tokenizer = new WordPieceTokenizer(vocabulary);
        int stride = Math.Max(1, (train.Count + max - 1) / max);
        var set = new List<int[]>();
        for (int i = 0; i < train.Count && set.Count < max; i += stride)
            set.Add(tokenizer.Encode(train[i].Text, p.Config.MaxPositionEmbeddings));
        return set;
    }
}
