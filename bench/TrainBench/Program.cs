// Training throughput of the tiny ALBERT, cold and steady (full training runs: `modelpacker train`).
//   throughput [--config models/snips/train_config.json] [--data <dataset>] [--window 40] [--tolerance 3] [--max-warmup-steps 1200]
//              [--steady-steps <one epoch>]
//   → table + bench/results/train-throughput.{md,json}
using System.Diagnostics;
using System.Globalization;
using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Text;
using ModelPacker.Training;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
const string UsageText = "usage: TrainBench throughput [--config <file>] [--data <dataset>] [--window <steps>] [--tolerance <percent>] [--max-warmup-steps <n>] [--steady-steps <n>]";
string repo = RepoRoot.Find();
string datasets = Environment.GetEnvironmentVariable("NANO_INTENT_DATASETS") ?? Path.GetFullPath(Path.Combine(repo, "..", "shared", "datasets"));
try
{
    var options = BenchOptions.Parse(args, Path.Combine(repo, "models", "snips", "train_config.json"), Path.Combine(datasets, "snips"));
    // A mistyped path must not silently benchmark the built-in defaults.
    if (!File.Exists(options.ConfigPath)) throw new InvalidDataException($"{options.ConfigPath}: no such training config (--config)");
    return Throughput(options, TrainConfig.Load(options.ConfigPath));
}
catch (UsageException e)
{
    Console.Error.WriteLine($"error: {e.Message} ({UsageText})");
    return 2;
}
catch (Exception e) when (e is InvalidDataException or DataFormatException or ArgumentException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
    return 1;
}

int Throughput(BenchOptions options, TrainConfig config)
{
    string loadAtStart = LoadAverage.Read();
    var ds = DatasetLoader.Load(options.DataPath);
    var vocab = WordPieceTrainer.Train(ds.Train.Select(e => e.Text), config.VocabSize, config.MinTokenFrequency);
    var tokenizer = new WordPieceTokenizer(vocab);
    var labelIds = ds.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
    var (x, y) = TrainingPipeline.Encode(ds.Train, tokenizer, labelIds, config.MaxLength);
    var (valX, valY) = TrainingPipeline.Encode(ds.Validation, tokenizer, labelIds, config.MaxLength);
    var p = new AlbertParameters(config.ToAlbertConfig(vocab.Count, ds.Labels));
    p.InitializeRandom(config.Seed);
    // Same schedule length and batch order as `modelpacker train` with this config.
    int stepsPerEpoch = (x.Length + config.BatchSize - 1) / config.BatchSize;
    var trainer = new Trainer(p, config, stepsPerEpoch * config.Epochs, unkTokenId: vocab.UnkId);
    var lengths = x.Select(s => s.Length).ToArray();
    int steadySteps = options.SteadySteps ?? stepsPerEpoch;
    var run = StepWindows.Run(trainer, x, y,
        epoch => LengthBucketBatcher.Epoch(lengths, config.BatchSize, config.BucketByLength, config.Seed, epoch),
        options.WindowSteps, options.TolerancePercent / 100, options.MaxWarmUpSteps, steadySteps);
    var (validationSeconds, validationCpuSeconds) = TimeValidation(p, valX, valY);
    string loadAtEnd = LoadAverage.Read();

    var c = p.Config;
    long tokensPerEpoch = lengths.Sum(l => (long)l);
    // FLOPs of the linear layers per token (forward), ×3 for forward+backward.
    double perToken = 2.0 * (c.EmbeddingSize * c.HiddenSize + c.NumHiddenLayers * (4.0 * c.HiddenSize * c.HiddenSize + 2.0 * c.HiddenSize * c.IntermediateSize));
    var gemm = new[] { (256, c.HiddenSize, c.HiddenSize), (256, c.IntermediateSize, c.HiddenSize), (256, c.HiddenSize, c.IntermediateSize), (c.HiddenSize, c.HiddenSize, 256) }
        .Select(s => (Shape: $"{s.Item1}x{s.Item2}x{s.Item3}", Gflops: GemmThroughput.GflopsPerCpuSecond(s.Item1, s.Item2, s.Item3))).ToList();

    var result = new ThroughputResult
    {
        Date = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'"),
        Command = "dotnet run -c Release --project bench/TrainBench -- " + string.Join(" ", args),
        Settings = $"windows of {options.WindowSteps} steps until two consecutive ones agree on tokens per CPU-second within {options.TolerancePercent:0.##} % " +
                   $"(at most {options.MaxWarmUpSteps} steps), then {steadySteps} steps timed",
        Config = Path.GetRelativePath(repo, Path.GetFullPath(options.ConfigPath)),
        Model = $"V={c.VocabSize} E={c.EmbeddingSize} H={c.HiddenSize} I={c.IntermediateSize} L={c.NumHiddenLayers} heads={c.NumAttentionHeads} params={p.ParameterCount:N0}",
        BatchAndShards = $"{config.BatchSize} / {config.GradientShards}",
        Cold = run.Cold, Steady = run.Steady, ReachedSteadyState = run.ReachedSteadyState, WarmUp = run.WarmUp,
        TokensPerEpoch = tokensPerEpoch, TrainUtterances = x.Length, MaxLength = config.MaxLength, StepsPerEpoch = stepsPerEpoch,
        ValidationUtterances = valX.Length, ValidationSeconds = validationSeconds, ValidationCpuSeconds = validationCpuSeconds,
        ModelGflopsPerCpuSecond = 3 * perToken * run.Steady.Tokens / run.Steady.CpuSeconds / 1e9,
        LoadAtStart = loadAtStart, LoadAtEnd = loadAtEnd, Cores = Environment.ProcessorCount,
        GemmPath = Gemm.UsesAvx512 ? "Vector512 + FMA, 6x32 tiles (Vector256 6x16 for a 16-column rest)" : Gemm.UsesFma ? "Vector256 + FMA, 6x16 tiles" : "Vector<float> portable", Gemm = gemm,
    };
    Console.Write(result.ToMarkdown());
    string outDir = Path.Combine(repo, "bench", "results");
    result.WriteFiles(Path.Combine(outDir, "train-throughput.md"), Path.Combine(outDir, "train-throughput.json"));
    return 0;
}

// The per-epoch validation pass of `modelpacker train` (last-exit accuracy over the validation split), wall and CPU
// seconds, timed on the second run so that it is warm like every epoch after the first.
static (double Wall, double Cpu) TimeValidation(AlbertParameters p, int[][] valX, int[] valY)
{
    (double, double) last = default;
    for (int i = 0; i < 2; i++)
    {
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        TrainingPipeline.Accuracy(new AlbertModel(p), valX, valY);
        process.Refresh();
        last = (clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }
    return last;
}
