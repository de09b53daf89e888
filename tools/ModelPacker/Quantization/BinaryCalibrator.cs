using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>Calibration of a w1a1 model: its binarized float forward on training utterances gives every site's range.</summary>
public static class BinaryCalibrator
{
    public static ActivationScales Calibrate(AlbertParameters p, IReadOnlyList<int[]> utterances, int batchSize = 64)
    {
        if (utterances.Count == 0) throw new ArgumentException("calibration needs at least one utterance");
        var rec = new BinaryActivationRecorder(p);
        for (int start = 0; start < utterances.Count; start += batchSize)
            rec.Record(utterances.Skip(start).Take(batchSize).ToList());
        // Bi-Attention's context is an exact count of agreeing keys (|c| <= max positions): one integer step is 1.
        return Calibrator.Scales(rec) with { Context = 1.0 };
    }
}
