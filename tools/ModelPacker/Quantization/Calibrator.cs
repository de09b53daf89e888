using ModelPacker.Model;

namespace ModelPacker.Quantization;

/// <summary>Post-training calibration: runs the fp32 model on training utterances and derives every activation scale.</summary>
public static class Calibrator
{
    /// <summary>Headroom of the int16 LayerNorm inputs over the calibrated range: unseen inputs rarely saturate, and
    /// 15 bits leave ample resolution.</summary>
    public const double Int16Headroom = 2.0;

    public static ActivationScales Calibrate(AlbertParameters p, IReadOnlyList<int[]> utterances, int batchSize = 64)
    {
        if (utterances.Count == 0) throw new ArgumentException("calibration needs at least one utterance");
        var rec = new ActivationRecorder(p);
        var model = new AlbertModel(p, rec);
        for (int start = 0; start < utterances.Count; start += batchSize)
        {
            var batch = utterances.Skip(start).Take(batchSize).ToList();
            foreach (var u in batch) rec.RecordEmbeddingSum(u);
            model.PredictBatch(batch);
        }
        return Scales(rec);
    }

    /// <summary>int8 sites: range / 127; int16 sites: range · <see cref="Int16Headroom"/> / 32767.</summary>
    public static ActivationScales Scales(SiteRanges rec)
    {
        static double S8(double max) => Math.Max(max, 1e-6) / 127.0;
        static double S16(double max) => Math.Max(max, 1e-6) * Int16Headroom / 32767.0;
        return new ActivationScales
        {
            EmbeddingSum = S16(rec.EmbeddingSum),
            EmbeddingNorm = S8(rec.EmbeddingNorm),
            Hidden = S8(rec.Hidden),
            Query = S8(rec.Query),
            Key = S8(rec.Key),
            Value = S8(rec.Value),
            Context = S8(rec.Context),
            AttentionSum = S16(rec.AttentionSum),
            AttentionNorm = S8(rec.AttentionNorm),
            GeluInput = S8(rec.GeluInput),
            GeluOutput = S8(rec.GeluOutput),
            FullSum = S16(rec.FullSum),
            TanhInput = rec.TanhInput.Select(S8).ToArray(),
        };
    }
}
