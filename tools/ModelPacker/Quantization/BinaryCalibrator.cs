using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>Calibration of a w1a1 model: its binarized float forward on training utterances gives every site's range.</summary>
public static class BinaryCalibrator
{
    /// <summary>
    /// How much finer than range/127 the sites that only binary layers read are quantized: the embedding LayerNorm
    /// output and the GELU input and output. Only their side of the layer's threshold survives, so resolution near
    /// the threshold is what counts and saturating the far values costs nothing (SNIPS validation, the sign model:
    /// 97.10 % at 1, 97.39 % at 8, float 97.75 %). The residual stream's sites (h, a) keep their full range.
    /// </summary>
    public const double BinaryOnlySiteZoom = 8;

    public static ActivationScales Calibrate(AlbertParameters p, IReadOnlyList<int[]> utterances, int batchSize = 64)
    {
        if (utterances.Count == 0) throw new ArgumentException("calibration needs at least one utterance");
        var rec = new BinaryActivationRecorder(p);
        for (int start = 0; start < utterances.Count; start += batchSize)
            rec.Record(utterances.Skip(start).Take(batchSize).ToList());
        var s = Calibrator.Scales(rec);
        // Thresholds stay well inside int8 (|beta| / S <= 100), and the GELU input grid keeps covering the region
        // [-1.5, 1.5] where gelu crosses any threshold the binarizer can learn there.
        double embeddingBeta = Math.Abs(p.EmbeddingProjectionInput!.Beta.Data[0]), geluBeta = Math.Abs(p.FfnOutputInput!.Beta.Data[0]);
        double geluIn = Math.Max(s.GeluInput / BinaryOnlySiteZoom, 1.5 / 127);
        return s with
        {
            // Bi-Attention's context is an exact count of agreeing keys (|c| <= max positions): one integer step is 1.
            Context = 1.0,
            EmbeddingNorm = Math.Max(s.EmbeddingNorm / BinaryOnlySiteZoom, embeddingBeta / 100),
            GeluInput = geluIn,
            GeluOutput = Math.Max(Math.Min(s.GeluOutput, geluIn), geluBeta / 100),
        };
    }
}
