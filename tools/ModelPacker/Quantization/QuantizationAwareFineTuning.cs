using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Quantization;

/// <summary>
/// int8 quantization-aware fine-tuning: calibrate the activation scales on training utterances, then continue
/// training with the <see cref="FakeQuantizer"/> in the forward (straight-through estimator), keeping the epoch whose
/// fake-quantized validation accuracy is best. The result is an fp32 checkpoint that `pack` quantizes with less loss.
/// With <see cref="QuantNoiseSettings"/> it fine-tunes for scheme int4 instead: the <see cref="QuantNoise"/> forward
/// (int4 noise on the linear weights, the int8 fake quantizer elsewhere), validated with every int4 block quantized.
/// With <see cref="IpqNoiseSettings"/> it fine-tunes for scheme ipq: the <see cref="IpqQuantNoise"/> forward, validated
/// with every sub-vector its codeword, and the result's ipq weights snapped to their codewords.
/// </summary>
public static class QuantizationAwareFineTuning
{
    public static TrainedModel Run(AlbertParameters p, Vocabulary vocab, IntentDataset data, TrainConfig config,
        IProgress<TrainProgress>? progress = null, CancellationToken ct = default, QuantNoiseSettings? int4 = null,
        IpqNoiseSettings? ipq = null)
    {
        var tokenizer = new WordPieceTokenizer(vocab);
        var labelIds = p.Config.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
        var train = data.Train.Where(e => labelIds.ContainsKey(e.Label)).ToList();
        var val = data.Validation.Where(e => labelIds.ContainsKey(e.Label)).ToList();
        if (train.Count == 0) throw new InvalidDataException($"{data.SourcePath}: no training utterance carries one of the model's intents");
        var scales = Calibrator.Calibrate(p, PostTrainingQuantizer.CalibrationSet(p, vocab, train, PostTrainingQuantizer.DefaultCalibrationUtterances, data.SourcePath));
        var (trainX, trainY) = TrainingPipeline.Encode(train, tokenizer, labelIds, p.Config.MaxPositionEmbeddings);
        var (valX, valY) = TrainingPipeline.Encode(val, tokenizer, labelIds, p.Config.MaxPositionEmbeddings);
        if (ipq is not null)
        {
            var ipqNoise = new IpqQuantNoise(p, scales, ipq, config.Seed);
            var ipqExact = ipqNoise.WithRate(1, config.Seed);
            var tuned = TrainingPipeline.Train(p, vocab, config, trainX, trainY, valX, valY, progress, ct, ipqNoise, evalTransform: ipqExact);
            ipqExact.Snap(tuned.Parameters);
            return tuned;
        }
        if (int4 is null) return TrainingPipeline.Train(p, vocab, config, trainX, trainY, valX, valY, progress, ct, new FakeQuantizer(p, scales));
        var noise = new QuantNoise(p, scales, int4, config.Seed);
        var exact = new QuantNoise(p, scales, int4 with { Rate = 1 }, config.Seed);
        return TrainingPipeline.Train(p, vocab, config, trainX, trainY, valX, valY, progress, ct, noise, evalTransform: exact);
    }
}
