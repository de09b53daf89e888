// Training throughput of the tiny ALBERT (full training runs: `modelpacker train`).
//   throughput [--config configs/snips.json] [--data <dataset>] [--steps 40]   → table + bench/results/train-throughput.{md,json}
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ModelPacker.Data;
using ModelPacker.IO;
using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Text;
using ModelPacker.Training;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
const string UsageText = "usage: TrainBench throughput [--config <file>] [--data <dataset>] [--steps <n>]";
string repo = FindRepoRoot();
string datasets = Environment.GetEnvironmentVariable("NANO_INTENT_DATASETS") ?? Path.GetFullPath(Path.Combine(repo, "..", "shared", "datasets"));
try
{
    var options = ParseOptions(args);
    string configPath = options.GetValueOrDefault("--config") ?? Path.Combine(repo, "configs", "snips.json");
    // A mistyped path must not silently benchmark the built-in defaults.
    if (!File.Exists(configPath)) throw new InvalidDataException($"{configPath}: no such training config (--config)");
    var config = TrainConfig.Load(configPath);
    string data = options.GetValueOrDefault("--data") ?? Path.Combine(datasets, "snips");
    string stepsText = options.GetValueOrDefault("--steps") ?? "40";
    if (!int.TryParse(stepsText, NumberStyles.None, CultureInfo.InvariantCulture, out int steps) || steps < 1 || steps > 1_000_000)
        throw new UsageException($"--steps '{stepsText}' is not a whole number from 1 to 1000000");
    return Throughput(config, configPath, data, steps);
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

/// <summary>The mode (only "throughput", the default) and known --name value pairs; anything else is a usage error.</summary>
Dictionary<string, string> ParseOptions(string[] argv)
{
    int i = 0;
    if (argv.Length > 0 && !argv[0].StartsWith("--"))
    {
        if (argv[0] != "throughput") throw new UsageException($"unknown mode '{argv[0]}'");
        i = 1;
    }
    var known = new HashSet<string> { "--config", "--data", "--steps" };
    var result = new Dictionary<string, string>();
    for (; i < argv.Length; i += 2)
    {
        if (!known.Contains(argv[i])) throw new UsageException($"unknown argument '{argv[i]}'");
        if (i + 1 >= argv.Length) throw new UsageException($"{argv[i]} needs a value");
        if (!result.TryAdd(argv[i], argv[i + 1])) throw new UsageException($"{argv[i]} is given twice");
    }
    return result;
}

int Throughput(TrainConfig config, string configPath, string data, int steps)
{
    var ds = DatasetLoader.Load(data);
    var vocab = WordPieceTrainer.Train(ds.Train.Select(e => e.Text), config.VocabSize, config.MinTokenFrequency);
    var labelIds = ds.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
    var (x, y) = TrainingPipeline.Encode(ds.Train, new WordPieceTokenizer(vocab), labelIds, config.MaxLength);
    var p = new AlbertParameters(config.ToAlbertConfig(vocab.Count, ds.Labels));
    p.InitializeRandom(config.Seed);
    var trainer = new Trainer(p, config, steps * 100);
    var batches = LengthBucketBatcher.Epoch(x.Select(s => s.Length).ToArray(), config.BatchSize, config.BucketByLength, config.Seed, 0);
    // warm-up (JIT, buffers)
    for (int i = 0; i < 5; i++) trainer.Step(batches[i].Select(j => x[j]).ToArray(), batches[i].Select(j => y[j]).ToArray());
    long tokens = 0, seqs = 0;
    var sw = Stopwatch.StartNew();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime; // refreshed by the next call
    for (int i = 0; i < steps; i++)
    {
        var b = batches[(5 + i) % batches.Count];
        var r = trainer.Step(b.Select(j => x[j]).ToArray(), b.Select(j => y[j]).ToArray());
        tokens += r.Tokens; seqs += r.Count;
    }
    double secs = sw.Elapsed.TotalSeconds;
    double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
    var c = p.Config;
    // FLOPs of the linear layers per token (forward), ×3 for forward+backward.
    double perToken = 2.0 * (c.EmbeddingSize * c.HiddenSize + c.NumHiddenLayers * (4.0 * c.HiddenSize * c.HiddenSize + 2.0 * c.HiddenSize * c.IntermediateSize));
    double modelGflops = 3 * perToken * tokens / cpu / 1e9;
    var gemm = new List<(string Shape, double Gflops)>();
    foreach (var (m, n, k) in new[] { (256, c.HiddenSize, c.HiddenSize), (256, c.IntermediateSize, c.HiddenSize), (256, c.HiddenSize, c.IntermediateSize), (c.HiddenSize, c.HiddenSize, 256) })
        gemm.Add(($"{m}x{n}x{k}", GemmGflops(m, n, k)));
    double loadAvg = ReadLoadAverage();
    var rows = new List<(string, string)>
    {
        ("config", Path.GetFileName(configPath)),
        ("model", $"V={c.VocabSize} E={c.EmbeddingSize} H={c.HiddenSize} I={c.IntermediateSize} L={c.NumHiddenLayers} heads={c.NumAttentionHeads} params={p.ParameterCount:N0}"),
        ("batch / shards", $"{config.BatchSize} / {config.GradientShards}"),
        ("steps timed", steps.ToString()),
        ("mean tokens / sequence", $"{(double)tokens / seqs:F1}"),
        ("tokens/s (fwd+bwd+AdamW)", $"{tokens / secs:F0}"),
        ("sequences/s", $"{seqs / secs:F1}"),
        ("tokens per CPU-second (contention-independent)", $"{tokens / cpu:F0}"),
        ("model GFLOP per CPU-second (linear layers, fwd+bwd)", $"{modelGflops:F2}"),
        ("CPU seconds / wall seconds", $"{cpu / secs:F2} (cores in use)"),
        ("est. epoch time (this dataset's train split)", $"{x.Sum(s => s.Length) / (tokens / secs):F1} s wall now; {x.Sum(s => s.Length) / (tokens / cpu):F1} CPU-s"),
        ("load average at start", $"{loadAvg:F2} (other processes share the {Environment.ProcessorCount} cores)"),
        ("GEMM path", Gemm.UsesFma ? "Vector256 + FMA, 6x16 tiles" : "Vector<float> portable"),
    };
    foreach (var (shape, g) in gemm) rows.Add(($"GEMM GFLOP/s per CPU-second, 1 thread, {shape} (MxNxK)", $"{g:F2}"));
    Console.WriteLine($"| metric | value |\n|---|---|");
    foreach (var (k, v) in rows) Console.WriteLine($"| {k} | {v} |");
    string outDir = Path.Combine(repo, "bench", "results");
    string stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'");
    // Atomic (temp file + rename): an interrupted run never leaves a half-written result next to the old one.
    WriteText(Path.Combine(outDir, "train-throughput.md"),
        $"# Training throughput ({stamp})\n\nCommand: `dotnet run -c Release --project bench/TrainBench -- throughput --config {Path.GetRelativePath(repo, configPath)} --steps {steps}`\n\n| metric | value |\n|---|---|\n" +
        string.Join("\n", rows.Select(r => $"| {r.Item1} | {r.Item2} |")) + "\n");
    WriteText(Path.Combine(outDir, "train-throughput.json"), JsonSerializer.Serialize(new
    {
        date = stamp, config = Path.GetFileName(configPath), tokensPerSecond = tokens / secs, sequencesPerSecond = seqs / secs,
        tokensPerCpuSecond = tokens / cpu, modelGflopsPerCpuSecond = modelGflops, cpuPerWall = cpu / secs, loadAverage = loadAvg, gemm = gemm.Select(g => new { shape = g.Shape, gflops = g.Gflops }),
    }, new JsonSerializerOptions { WriteIndented = true }));
    return 0;
}

static double GemmGflops(int m, int n, int k)
{
    var a = new float[m * k]; var b = new float[k * n]; var c = new float[m * n];
    var r = new Random(1);
    for (int i = 0; i < a.Length; i++) a[i] = (float)r.NextDouble();
    for (int i = 0; i < b.Length; i++) b[i] = (float)r.NextDouble();
    for (int i = 0; i < 20; i++) Gemm.MatMul(a, k, b, n, c, n, m, n, k, false);
    // Timed in process CPU time (single-threaded loop) so that other processes on the machine do not distort it.
    int reps = 0;
    var proc = Process.GetCurrentProcess();
    var cpu0 = proc.TotalProcessorTime;
    var sw = Stopwatch.StartNew();
    while (sw.ElapsedMilliseconds < 600) { Gemm.MatMul(a, k, b, n, c, n, m, n, k, false); reps++; }
    proc.Refresh();
    return Gemm.Flops(m, n, k) * reps / (proc.TotalProcessorTime - cpu0).TotalSeconds / 1e9;
}

static void WriteText(string path, string text) => AtomicFile.WriteAllBytes(path, System.Text.Encoding.UTF8.GetBytes(text));

static double ReadLoadAverage()
{
    try { return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture); }
    catch { return double.NaN; }
}

static string FindRepoRoot()
{
    var d = new DirectoryInfo(AppContext.BaseDirectory);
    while (d is not null && !File.Exists(Path.Combine(d.FullName, "nano.sln"))) d = d.Parent;
    return d?.FullName ?? Directory.GetCurrentDirectory();
}

/// <summary>A bad command line: exit 2 with the usage line.</summary>
sealed class UsageException(string message) : Exception(message);
