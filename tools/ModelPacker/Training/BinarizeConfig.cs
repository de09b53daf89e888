using ModelPacker.Model;

namespace ModelPacker.Training;

/// <summary>
/// The <c>"binarize"</c> section of a training config: how <c>modelpacker binarize</c> trains the w1a1 student from
/// its fp32 teacher. The loss is, summed over exits (weighted as the cross-entropy), CE(labels) +
/// kd_weight·T²·KL(teacher ‖ student at temperature T), plus hidden_weight·Σ_l MSE(h_l) over the embedding output and
/// every layer, plus dmd_weight·Σ_l Σ_{Q,K,V} DMD (normalised similarity matrices per head); every term is a mean per
/// utterance (MSE over tokens and units, DMD over heads and rows).
/// </summary>
public sealed class BinarizeConfig
{
    /// <summary>"sign" (alpha_x = calibrated mean |x|, beta = 0) or "elastic" (alpha_x and beta learned, BiT). Sign
    /// measured better on SNIPS (docs/results.md). "none" keeps layer inputs full precision: a first training step
    /// only, whose weights start a sign or elastic run (<c>binarize --init</c>).</summary>
    public string ActivationBinarizer = BinarizationSettings.Sign;
    /// <summary>"binary" (h[CLS] binarized like every layer input) or "int8" (the poolers' 1-bit weights over the
    /// int8 h[CLS]; docs/results.md, "1-bit poolers over the int8 h[CLS]").</summary>
    public string PoolerInput = BinarizationSettings.PoolerBinary;
    public float KdWeight = 1f;
    public float KdTemperature = 1f;
    /// <summary>Hidden-state MSE and DMD are off by default: with weight 1 they held the student back on both sets
    /// (CLINC150 in scope 66.4 % → 80.4 % without them, SNIPS 97.0 % → 97.1 %; docs/results.md, "Losses").</summary>
    public float HiddenWeight;
    public float DmdWeight;
    /// <summary>Training utterances whose binarized-layer inputs set the initial alpha_x (mean |x|).</summary>
    public int CalibrationUtterances = 512;
    /// <summary>Perturbed copies of each training utterance added as a transfer set labelled by the teacher
    /// (<see cref="Binarization.TransferSet"/>); 0 = none.</summary>
    public int TransferCopies;
    /// <summary>The student's FFN is this many times as wide as the teacher's, started as copies of the teacher's
    /// units (<see cref="Binarization.StudentWidening"/>): more 1-bit capacity where the arena barely grows with it.
    /// 1 = the teacher's width.</summary>
    public int FfnWidth = 1;
    /// <summary>The same for the factorized embedding (E): more sign bits per word piece and position.</summary>
    public int EmbeddingWidth = 1;

    /// <summary>What <c>modelpacker binarize</c> uses without --config: the SNIPS settings measured in
    /// docs/results.md (model size always comes from the teacher).</summary>
    public static TrainConfig DefaultTrainConfig() => new()
    {
        Epochs = 12, LearningRate = 5e-4f, WarmupFraction = 0.05f,
        HiddenDropout = 0f, AttentionDropout = 0f, ClassifierDropout = 0f,
        Binarize = new BinarizeConfig(),
    };

    /// <summary>Takes the model's size from the teacher (a binarized model has its teacher's shape).</summary>
    public static void UseTeacherShape(TrainConfig config, AlbertConfig teacher)
    {
        config.VocabSize = teacher.VocabSize; config.EmbeddingSize = teacher.EmbeddingSize * (config.Binarize?.EmbeddingWidth ?? 1); config.HiddenSize = teacher.HiddenSize;
        config.NumAttentionHeads = teacher.NumAttentionHeads; config.IntermediateSize = teacher.IntermediateSize * (config.Binarize?.FfnWidth ?? 1);
        config.NumHiddenLayers = teacher.NumHiddenLayers; config.MaxLength = teacher.MaxPositionEmbeddings; config.HiddenAct = teacher.HiddenAct;
    }

    public void Validate(string source)
    {
        void Require(bool ok, string key, string what) { if (!ok) throw new InvalidDataException($"{source}: binarize.{key} {what}"); }
        Require(ActivationBinarizer is BinarizationSettings.Elastic or BinarizationSettings.Sign or BinarizationSettings.None,
            "activation_binarizer", $"'{ActivationBinarizer}' must be {BinarizationSettings.Elastic}, {BinarizationSettings.Sign} or {BinarizationSettings.None}");
        Require(PoolerInput is BinarizationSettings.PoolerBinary or BinarizationSettings.PoolerInt8,
            "pooler_input", $"'{PoolerInput}' must be {BinarizationSettings.PoolerBinary} or {BinarizationSettings.PoolerInt8}");
        Require(KdWeight >= 0 && float.IsFinite(KdWeight), "kd_weight", "must be >= 0");
        Require(KdTemperature > 0 && float.IsFinite(KdTemperature), "kd_temperature", "must be positive");
        Require(HiddenWeight >= 0 && float.IsFinite(HiddenWeight), "hidden_weight", "must be >= 0");
        Require(DmdWeight >= 0 && float.IsFinite(DmdWeight), "dmd_weight", "must be >= 0");
        Require(CalibrationUtterances is > 0 and <= 100_000, "calibration_utterances", "must be in 1..100000");
        Require(TransferCopies is >= 0 and <= 16, "transfer_copies", "must be in 0..16");
        Require(FfnWidth is >= 1 and <= 8, "ffn_width", "must be in 1..8");
        Require(EmbeddingWidth is >= 1 and <= 8, "embedding_width", "must be in 1..8");
    }
}
