using System.Text.Json;
using ModelPacker.Data;
using ModelPacker.Distilling;
using ModelPacker.Model;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Binarization;

/// <summary>
/// fp32 teacher → w1a1 student: the student starts from the teacher's weights (token type 0 folded into the position
/// rows; its FFN and embedding optionally widened, <see cref="StudentWidening"/>), its input binarizers are calibrated,
/// then it trains with the labels and <see cref="Distillation"/> from the teacher (and, given a <see cref="DistilSet"/>,
/// from a sentence teacher too; given an assistant — an earlier binarized run of the same teacher — the logits, hidden
/// and DMD terms come from it instead, BiT's multi-step distillation), keeping the epoch whose binarized validation accuracy (last exit) is best. The distil
/// set must be built from the training utterances whose intent the teacher knows, in order.
/// </summary>
public static class BinarizationPipeline
{
    public static TrainedModel Run(AlbertParameters teacher, Vocabulary vocabulary, IntentDataset data, TrainConfig config,
        IProgress<TrainProgress>? progress = null, CancellationToken ct = default, AlbertParameters? init = null, DistilSet? distil = null,
        AlbertParameters? assistant = null)
    {
        var settings = config.Binarize ?? throw new ArgumentException("the training config has no binarize section");
        config.Validate();
        var student = Student(teacher, new BinarizationSettings { ActivationBinarizer = settings.ActivationBinarizer, PoolerInput = settings.PoolerInput });
        if (settings.FfnWidth > 1) student = StudentWidening.WidenFfn(student, settings.FfnWidth, StudentWidening.DefaultNoise, config.Seed);
        if (settings.EmbeddingWidth > 1) student = StudentWidening.WidenEmbedding(student, settings.EmbeddingWidth, StudentWidening.DefaultNoise, config.Seed);
        if (init is not null) StartFrom(student, init);
        var tokenizer = new WordPieceTokenizer(vocabulary);
        var labelIds = teacher.Config.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i, StringComparer.Ordinal);
        bool Known(IntentExample e) => labelIds.ContainsKey(e.Label);
        var (trainX, trainY) = distil is null
            ? TrainingPipeline.Encode(data.Train.Where(Known).ToList(), tokenizer, labelIds, teacher.Config.MaxPositionEmbeddings)
            : TrainingPipeline.Encode(distil, tokenizer, teacher.Config.MaxPositionEmbeddings);
        var (valX, valY) = TrainingPipeline.Encode(data.Validation.Where(Known).ToList(), tokenizer, labelIds, teacher.Config.MaxPositionEmbeddings);
        if (trainX.Length == 0) throw new InvalidDataException($"{data.SourcePath}: no training utterance carries one of the teacher's intents");
        if (settings.TransferCopies > 0)
        {
            var (tx, ty) = TransferSet.Build(teacher, vocabulary, trainX, new TransferSet.Options(settings.TransferCopies, Seed: config.Seed));
            (trainX, trainY) = ([.. trainX, .. tx], [.. trainY, .. ty]);
        }

        if (student.Config.Binarization!.BinarizesInputs)
            InputBinarizerCalibration.Run(student, trainX.Take(settings.CalibrationUtterances).ToList());
        IAuxiliaryLoss distillation = new Distillation(assistant ?? teacher, settings, config.ResolvedExitLossWeights(), config.GradientShards);
        if (distil is not null) distillation = new CombinedLoss(distillation, TrainingPipeline.DistilLoss(distil, config, tokenizer));
        return TrainingPipeline.Train(student, vocabulary, config, trainX, trainY, valX, valY, progress, ct, auxiliary: distillation);
    }

    /// <summary>
    /// Multi-step distillation (BiT): the student's latent weights, biases, LayerNorms and classifiers start from an
    /// earlier binarized run of the same teacher (typically one with full-precision layer inputs); its input binarizers
    /// (and the poolers' int8 input step) are calibrated afresh. The earlier run must have the student's shape and tensor names.
    /// </summary>
    public static void StartFrom(AlbertParameters student, AlbertParameters init)
    {
        if (init.Config.Binarization is null) throw new ArgumentException("the --init checkpoint is not binarized (it has no binarization section)");
        var binarizers = student.InputBinarizers.SelectMany(b => new[] { b.Alpha.Name, b.Beta.Name }).ToHashSet(StringComparer.Ordinal);
        if (student.PoolerInputScale is { } scale) binarizers.Add(scale.Name);   // calibrated afresh as well
        foreach (var t in student.All)
        {
            if (binarizers.Contains(t.Name)) continue;
            var source = init.All.FirstOrDefault(x => x.Name == t.Name)
                         ?? throw new ArgumentException($"the --init checkpoint has no tensor '{t.Name}'");
            if (source.Data.Length != t.Data.Length)
                throw new ArgumentException($"the --init checkpoint's tensor '{t.Name}' has {source.Data.Length} values, the student's {t.Data.Length}");
            source.Data.CopyTo(t.Data, 0);
        }
    }

    /// <summary>The w1a1 model with the teacher's weights as its latent weights; the token type 0 row moves into the
    /// position rows (binarized with them) and the token types become 0.</summary>
    public static AlbertParameters Student(AlbertParameters teacher, BinarizationSettings settings)
    {
        if (teacher.Config.Binarization is not null) throw new ArgumentException("the teacher is already binarized");
        var config = JsonSerializer.Deserialize<AlbertConfig>(JsonSerializer.Serialize(teacher.Config))!;
        config.Binarization = settings.Clone();
        config.Validate("binarized config");
        var student = new AlbertParameters(config);
        foreach (var t in teacher.All) t.Data.CopyTo(student[t.Name].Data, 0);
        int e = config.EmbeddingSize;
        var typeZero = teacher.TokenTypeEmbeddings.Data.AsSpan(0, e);
        for (int p = 0; p < config.MaxPositionEmbeddings; p++)
        {
            var row = student.PositionEmbeddings.Data.AsSpan(p * e, e);
            System.Numerics.Tensors.TensorPrimitives.Add(row, typeZero, row);
        }
        Array.Clear(student.TokenTypeEmbeddings.Data);
        if (student.PoolerInputScale is { } scale) scale.Data[0] = AlbertParameters.ProvisionalPoolerInputScale;
        return student;
    }
}
