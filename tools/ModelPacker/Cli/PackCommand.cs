using System.CommandLine;
using ModelPacker.Boards;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;
using ModelPacker.Quantization;
using ModelPacker.Text;
using Spectre.Console;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker pack --model dir [--scheme int8|w1a1|af8|gobo3|int4|ipq|int8-sparse|int8-2of4] [--ipq-codes K] [--ipq-block d] [--int4-clip max|mse] [--sparsity s [--block 1|4|4x4]] [--board name] [--calibration-data path]
/// [--test-vectors N] [--embedding-density d [--embedding-pruning global|row]] --out file</c>:
/// quantization calibrated on training utterances (int8, af8, gobo3 or int4 for an fp32 checkpoint, W1A1 for a binarized one: the
/// checkpoint's config says which family, --scheme chooses af8, gobo3 or int4 or confirms), test vectors from the integer reference, and the
/// flash image, written atomically; prints the size of every section and the arena.
/// </summary>
internal static class PackCommand
{
    public const int DefaultTestVectors = 32;

    public static Command Create(CliEnvironment env)
    {
        var model = CommonOptions.Checkpoint();
        var scheme = new Option<string?>("--scheme") { Description = "Quantization scheme: int8, af8 (AdaptivFloat 8-bit linear weights) gobo3 (GOBO 3-bit linear weights + outliers) int4 (4-bit linear weights), ipq (product-quantized linear weights: a codebook per tensor, 8-bit indices), int8-sparse (pruned int8 linear weights, only the kept ones stored) or int8-2of4 (2:4 sparse int8 linear weights, a checkpoint made 2:4 by sparsify) for an fp32 checkpoint, w1a1 for one trained by binarize (default: int8, or w1a1 for a binarized checkpoint)" };
        scheme.AcceptOnlyFromAmong(Schemes.Int8.Name, Schemes.W1A1.Name, Schemes.Af8.Name, Schemes.Gobo3.Name, Schemes.Int4.Name, Schemes.Ipq.Name, Schemes.Int8Sparse.Name, Schemes.Int8TwoOfFour.Name);
        var sparsity = new Option<double?>("--sparsity") { Description = "Scheme int8-sparse: one-shot magnitude pruning of the encoder and pooler weights to this share per tensor, in [0, 1), before quantization (a checkpoint from modelpacker prune needs none)" };
        var block = new Option<string>("--block") { Description = "With --sparsity: prune blocks of 1 or 4 consecutive weights of a row, or 4x4 (4 rows x 4 columns)", DefaultValueFactory = _ => "1" };
        block.AcceptOnlyFromAmong("1", "4", "4x4");
        var int4Clip = new Option<string?>("--int4-clip") { Description = "Scheme int4: each row's scale from its largest magnitude (max) or the clip with the least squared error (mse, the default)" };
        int4Clip.AcceptOnlyFromAmong("max", "mse");
        var ipqCodes = new Option<int?>("--ipq-codes") { Description = $"Scheme ipq: codewords per tensor, 1..256 (default {IpqSettings.DefaultCodes})", HelpName = "K" };
        var ipqBlock = new Option<int?>("--ipq-block") { Description = $"Scheme ipq: weights per codeword, 1..16 (default {IpqSettings.DefaultBlock}; a tensor whose columns it does not divide takes the largest divisor below it)", HelpName = "d" };
        var board = new Option<string?>("--board") { Description = "Board profile (boards/<name>.json): its id goes into the header and the image and arena must fit its budgets", HelpName = "name" };
        var boards = new Option<string?>("--boards-dir") { Description = "Where board profiles live (default: $NANO_INTENT_BOARDS or the boards/ folder of the repository)", HelpName = "dir" };
        var calibration = new Option<string?>("--calibration-data")
        {
            Description = "The model's training data, for activation calibration (default: $NANO_INTENT_DATASETS or ../shared/datasets, folder named like the model directory)",
            HelpName = "file|dir",
        };
        var calibrationCount = new Option<int>("--calibration-utterances") { Description = "Training utterances to calibrate on", DefaultValueFactory = _ => PostTrainingQuantizer.DefaultCalibrationUtterances };
        var vectors = new Option<int>("--test-vectors") { Description = "Test vectors to embed (expected logits of the integer reference at every layer)", DefaultValueFactory = _ => DefaultTestVectors };
        var prune = new Option<string?>("--prune-vocabulary")
        {
            Description = "Keep only the pieces the training split produces at least min-count times (default 1), the special tokens and every single character",
            HelpName = "min-count",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var density = new Option<double?>("--embedding-density")
        {
            Description = "Magnitude-prune the word embedding table to this share of its weights, (0, 1] (e.g. 0.4), and store it as int8_sparse_embed, read in place from flash (schemes int8, af8 and gobo3)",
            HelpName = "d",
        };
        var pruningMode = new Option<string>("--embedding-pruning")
        {
            Description = "With --embedding-density: keep the largest magnitudes of the whole table (global) or the same share of every row (row)",
            DefaultValueFactory = _ => "global",
        };
        pruningMode.AcceptOnlyFromAmong("global", "row");
        var output = new Option<string>("--out") { Description = "Image file to write", Required = true, HelpName = "file" };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("pack", "Quantize a checkpoint (int8, af8, gobo3 or int4, or w1a1 when it is binarized) and write a flash image")
        {
            model, scheme, board, boards, calibration, calibrationCount, vectors, prune, output, textColumn, labelColumn, density, pruningMode, int4Clip, ipqCodes, ipqBlock, sparsity, block,
        };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            int nVectors = result.GetValue(vectors), nCalib = result.GetValue(calibrationCount);
            if (nVectors < 0) throw new UsageException("--test-vectors must be 0 or more");
            if (nCalib < 1) throw new UsageException("--calibration-utterances must be at least 1");
            int? minCount = result.GetResult(prune) is null ? null : MinCount(result.GetValue(prune));
            double? embeddingDensity = result.GetValue(density);
            if (embeddingDensity is { } ed && !(ed > 0 && ed <= 1)) throw new UsageException($"--embedding-density {ed} is not a share in (0, 1]");
            if (embeddingDensity is null && result.GetResult(pruningMode) is { Implicit: false })
                throw new UsageException("--embedding-pruning needs --embedding-density");
            var mode = result.GetValue(pruningMode) == "row" ? EmbeddingPruningMode.Row : EmbeddingPruningMode.Global;
            string modelDir = result.GetValue(model)!, outPath = result.GetValue(output)!;
            var profile = result.GetValue(board) is { } b ? BoardProfile.Load(b, result.GetValue(boards)) : null;
            var checkpoint = CheckpointDirectory.Load(modelDir);
            foreach (var warning in checkpoint.Warnings) env.Error.WriteLine("warning: " + warning);
            string dataPath = result.GetValue(calibration) ?? GuessCalibrationData(modelDir, env);
            var data = DatasetLoader.Load(dataPath, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            CheckLabels(checkpoint.Parameters.Config.Labels, data, dataPath);

            var p = checkpoint.Parameters;
            var chosen = SchemeOf(p, result.GetValue(scheme), modelDir);
            if (result.GetValue(int4Clip) is not null && chosen != Schemes.Int4) throw new UsageException("--int4-clip applies to --scheme int4 only");
            var ipq = IpqSettingsOf(chosen, result.GetValue(ipqCodes), result.GetValue(ipqBlock));
            var clip = result.GetValue(int4Clip) is { } c ? (c == "max" ? Int4Clip.Max : Int4Clip.Mse) : Int4Quantizer.DefaultClip;
            if (result.GetValue(sparsity) is { } sp)
            {
                if (chosen != Schemes.Int8Sparse) throw new UsageException("--sparsity applies to --scheme int8-sparse only");
                if (!(sp >= 0 && sp < 1)) throw new UsageException($"--sparsity {sp.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a share in [0, 1)");
                Pruning.MagnitudePruning.Finish(p, new Pruning.PruningSettings(Pruning.PruningMethod.Magnitude, sp, Pruning.BlockShape.Parse(result.GetValue(block)!)));
            }
            else if (result.GetResult(block) is { Implicit: false }) throw new UsageException("--block needs --sparsity");
            if (embeddingDensity is not null && chosen.EmbeddingAlternative != TensorEncoding.Int8SparseEmbed)
                throw new UsageException($"--embedding-density: scheme {chosen.Name} has no pruned word embedding encoding (int8, af8 and gobo3 have int8_sparse_embed)");
            // pruned in the fp32 table, before calibration: the embedding sum's scale is calibrated on what the image holds
            long? keptWeights = embeddingDensity is { } d0
                ? EmbeddingPruning.Prune(p.WordEmbeddings.Data, p.Config.VocabSize, p.Config.EmbeddingSize, d0, mode) : null;
            var vocabulary = checkpoint.Vocabulary;
            VocabularyPruning? pruning = null;
            if (minCount is { } min)
            {
                pruning = VocabularyPruning.Prune(vocabulary, data.Train.Select(e => e.Text).ToList(), min);
                vocabulary = pruning.Vocabulary;
            }
            // Calibrated on the utterances as the image tokenizes them, on the checkpoint's rows.
            var calibrationSet = PostTrainingQuantizer.CalibrationSet(p, vocabulary, data.Train, nCalib, dataPath);
            if (pruning is not null) calibrationSet = calibrationSet.Select(pruning.ToOriginalIds).ToList();
            var integer = chosen == Schemes.W1A1 ? W1A1Quantizer.Quantize(p, BinaryCalibrator.Calibrate(p, calibrationSet))
                : chosen == Schemes.Af8 ? AdaptivFloatQuantizer.Quantize(p, Calibrator.Calibrate(p, calibrationSet))
                : chosen == Schemes.Gobo3 ? Gobo3Quantizer.Quantize(p, Calibrator.Calibrate(p, calibrationSet))
                : chosen == Schemes.Int4 ? Int4Quantizer.Quantize(p, Calibrator.Calibrate(p, calibrationSet), clip)
                : chosen == Schemes.Ipq ? IpqQuantizer.Quantize(p, Calibrator.Calibrate(p, calibrationSet), ipq)
                : chosen == Schemes.Int8Sparse ? Int8SparseQuantizer.Quantize(p, Calibrator.Calibrate(p, calibrationSet))
                : chosen == Schemes.Int8TwoOfFour ? Pruning.TwoOfFourQuantizer.Quantize(p, Calibrator.Calibrate(p, calibrationSet), Path.Combine(modelDir, "model.safetensors"))
                : Int8Quantizer.Quantize(p, Calibrator.Calibrate(p, calibrationSet));
            if (pruning is not null) integer = integer.WithWordRows(pruning.Kept, modelDir);
            if (embeddingDensity is not null) integer = EmbeddingPruning.Sparse(integer, modelDir);
            cancellation.ThrowIfCancellationRequested();
            var tokenizer = new WordPieceTokenizer(vocabulary);
            var vectorSource = (data.Test.Count > 0 ? data.Test : data.Train)
                .Select(e => tokenizer.Encode(e.Text, p.Config.MaxPositionEmbeddings)).ToList();
            var image = new IntegerImage
            {
                Model = integer,
                Vocabulary = vocabulary,
                Labels = p.Config.Labels,
                ThresholdsQ16 = new int[p.Config.NumHiddenLayers],
                TestVectors = TestVectorBuilder.Build(integer, vectorSource, nVectors),
                BoardId = profile?.Id ?? 0,
            };
            var bytes = image.Build();
            if (profile is not null) CheckBudgets(profile, bytes.Length, integer.ArenaBytes);
            ModelPacker.IO.AtomicFile.WriteAllBytes(outPath, bytes);
            PrintSizes(env, ImageReader.Read(bytes, outPath), integer, profile, calibrationSet.Count, dataPath, pruning, outPath);
            if (embeddingDensity is { } dd)
                PrintEmbeddingPruning(env, integer, dd, mode, keptWeights!.Value, (long)p.Config.VocabSize * p.Config.EmbeddingSize);
            return ExitCodes.Success;
        })));
        return command;
    }

    private static void PrintEmbeddingPruning(CliEnvironment env, IntegerModel model, double density, EmbeddingPruningMode mode, long kept, long total)
    {
        var words = model.WordEmbeddings;
        long stored = Encodings.Int8SparseEmbedEncoding.KeptCount(words), dense = (long)words.Rows * words.Cols;
        env.Console.MarkupLine(Markup.Escape($"word embeddings pruned to density {density:0.###} ({mode.ToString().ToLowerInvariant()}): kept {kept:N0} of {total:N0} weights; " +
                                             $"int8_sparse_embed stores {stored:N0} non-zero of {dense:N0} ({(double)stored / dense:P1}), {words.Data.Length + words.Params.Length:N0} bytes " +
                                             $"(int8_row: {dense + words.Params.Length:N0})"));
    }

    /// <summary>--prune-vocabulary's min-count: 1 when the option has no value, else a whole number of 1 or more.</summary>
    private static int MinCount(string? value)
    {
        if (value is null) return 1;
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n) && n >= 1) return n;
        throw new UsageException($"--prune-vocabulary: '{value}' is not a min-count (a whole number, 1 or more)");
    }

    /// <summary>The checkpoint's scheme (binarized = w1a1; fp32 = int8, or af8, gobo3 or int4 when asked); a --scheme that contradicts
    /// it is a one-line error.</summary>
    private static Scheme SchemeOf(Model.AlbertParameters p, string? requested, string modelDir)
    {
        var own = p.Config.Binarization is null ? Schemes.Int8 : Schemes.W1A1;
        if (p.Config.Binarization is { BinarizesInputs: false } b)
            throw new UsageException($"{Path.Combine(modelDir, "config.json")}: the checkpoint's layer inputs are not binarized (activation_binarizer " +
                                     $"'{b.ActivationBinarizer}', a first training step); binarize --init it with --activation sign or elastic, then pack that");
        if (own == Schemes.Int8 && requested == Schemes.Af8.Name) return Schemes.Af8;
        if (own == Schemes.Int8 && requested == Schemes.Gobo3.Name) return Schemes.Gobo3;
        if (own == Schemes.Int8 && requested == Schemes.Int4.Name) return Schemes.Int4;
        if (own == Schemes.Int8 && requested == Schemes.Ipq.Name) return Schemes.Ipq;
        if (own == Schemes.Int8 && requested == Schemes.Int8Sparse.Name) return Schemes.Int8Sparse;
        if (own == Schemes.Int8 && requested == Schemes.Int8TwoOfFour.Name)
        {
            Pruning.TwoOfFourQuantizer.RequireTwoOfFour(p, Path.Combine(modelDir, "model.safetensors")); // before calibration
            return Schemes.Int8TwoOfFour;
        }
        if (requested is not null && requested != own.Name)
            throw new UsageException(own == Schemes.Int8
                ? $"{Path.Combine(modelDir, "config.json")}: --scheme {requested} needs a binarized checkpoint (modelpacker binarize); this one is fp32 (no binarization section)"
                : $"{Path.Combine(modelDir, "config.json")}: --scheme {requested} cannot pack a binarized (w1a1) checkpoint; use --scheme w1a1");
        return own;
    }

    /// <summary>--ipq-codes and --ipq-block for scheme ipq (refused with any other scheme), checked against their ranges.</summary>
    internal static IpqSettings IpqSettingsOf(Scheme chosen, int? codes, int? block)
    {
        if (chosen != Schemes.Ipq)
        {
            if (codes is not null || block is not null) throw new UsageException("--ipq-codes and --ipq-block apply to --scheme ipq only");
            return new IpqSettings();
        }
        int k = codes ?? IpqSettings.DefaultCodes, d = block ?? IpqSettings.DefaultBlock;
        if (k is < 1 or > ModelPacker.Encodings.IpqEncoding.MaxCodes) throw new UsageException($"--ipq-codes {k}: 1 to {ModelPacker.Encodings.IpqEncoding.MaxCodes} codewords (8-bit indices)");
        if (d is < 1 or > ModelPacker.Encodings.IpqEncoding.MaxBlock) throw new UsageException($"--ipq-block {d}: 1 to {ModelPacker.Encodings.IpqEncoding.MaxBlock} weights a codeword");
        return new IpqSettings(k, d);
    }

    /// <summary>Refuses, naming both numbers, an image or an arena the board cannot hold.</summary>
    private static void CheckBudgets(BoardProfile board, long imageBytes, long arenaBytes)
    {
        if (imageBytes > board.FlashBudgetBytes)
            throw new InvalidDataException($"image of {imageBytes:N0} bytes does not fit board {board.Name}: its flash budget is {board.FlashBudgetBytes:N0} bytes ({board.SourcePath})");
        if (arenaBytes > board.RamBudgetBytes)
            throw new InvalidDataException($"arena of {arenaBytes:N0} bytes does not fit board {board.Name}: its RAM budget is {board.RamBudgetBytes:N0} bytes ({board.SourcePath})");
    }

    private static string GuessCalibrationData(string modelDir, CliEnvironment env)
    {
        string name = new DirectoryInfo(Path.GetFullPath(modelDir)).Name;
        var roots = new List<string>();
        if (Environment.GetEnvironmentVariable("NANO_INTENT_DATASETS") is { Length: > 0 } envRoot) roots.Add(envRoot);
        for (var d = new DirectoryInfo(Directory.GetCurrentDirectory()); d is not null; d = d.Parent)
            roots.Add(Path.Combine(d.FullName, "shared", "datasets"));
        var found = roots.Select(r => Path.Combine(r, name)).FirstOrDefault(Directory.Exists)
            ?? throw new UsageException($"--calibration-data is needed: no dataset folder named '{name}' under $NANO_INTENT_DATASETS or ../shared/datasets to calibrate {modelDir} on");
        env.Error.WriteLine($"note: calibrating on {found} (named like the model directory; --calibration-data chooses another)");
        return found;
    }

    private static void CheckLabels(string[] labels, IntentDataset data, string dataPath)
    {
        var known = new HashSet<string>(labels);
        var foreign = data.Labels.Where(l => !known.Contains(l)).ToList();
        if (foreign.Count > 0 && foreign.Count == data.Labels.Length)
            throw new InvalidDataException($"{dataPath}: none of its intents ({string.Join(", ", foreign.Take(5))}) are the model's; is it the model's training data?");
    }

    private static void PrintSizes(CliEnvironment env, ImageFile file, IntegerModel model, BoardProfile? profile, int calibrated, string dataPath, VocabularyPruning? pruning, string outPath)
    {
        var table = new Table().AddColumn("section").AddColumn(new TableColumn("offset").RightAligned()).AddColumn(new TableColumn("bytes").RightAligned());
        foreach (var s in file.Sections)
            table.AddRow(ImageReader.SectionName(s.Kind), s.Offset.ToString("N0"), s.Length.ToString("N0"));
        table.AddRow("[bold]image[/]", "", $"[bold]{file.Length:N0}[/]");
        table.AddRow("[bold]arena (RAM)[/]", "", $"[bold]{model.ArenaBytes:N0}[/]");
        env.Console.Write(table);
        var d = model.Dims;
        env.Console.MarkupLine(Markup.Escape($"{model.Scheme.Name}: V={d.VocabSize} E={d.EmbeddingSize} H={d.HiddenSize} I={d.IntermediateSize} L={d.NumLayers} " +
                                             $"C={d.NumLabels}, calibrated on {calibrated} training utterances of {dataPath}"));
        if (pruning is not null)
            env.Console.MarkupLine(Markup.Escape($"vocabulary pruned to {pruning.Vocabulary.Count:N0} of {pruning.OriginalCount:N0} strings: those the training split " +
                                                 $"produces at least {pruning.MinCount} times, the special tokens and every single character ({pruning.Rounds} rounds)"));
        if (profile is not null)
            env.Console.MarkupLine(Markup.Escape($"board {profile.Name} (id {profile.Id}, {profile.Placement}): image {file.Length:N0} of {profile.FlashBudgetBytes:N0} flash bytes, " +
                                                 $"arena {model.ArenaBytes:N0} of {profile.RamBudgetBytes:N0} RAM bytes"));
        env.Console.MarkupLine(Markup.Escape($"wrote {outPath}"));
    }
}
