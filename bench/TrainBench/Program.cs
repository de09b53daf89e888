// Training benchmarks and full training runs of the tiny ALBERT.
//   throughput [--config configs/snips.json] [--data <dataset>] [--steps 40]   → table + bench/results/train-throughput.{md,json}
//   train --data <dataset> [--config <file>] [--out <dir>]                       → trains, prints test accuracy per exit
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ModelPacker.Data;
using ModelPacker.Model;
using ModelPacker.Numerics;
using ModelPacker.Text;
using ModelPacker.Training;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string Arg(string name, string fallback)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
string repo = FindRepoRoot();
string datasets = Environment.GetEnvironmentVariable("NANO_INTENT_DATASETS") ?? Path.GetFullPath(Path.Combine(repo, "..", "shared", "datasets"));
string mode = args.Length > 0 ? args[0] : "throughput";
string configPath = Arg("--config", Path.Combine(repo, "configs", "snips.json"));
var config = File.Exists(configPath) ? TrainConfig.Load(configPath) : TrainConfig.Default;
try
{
    return mode switch
    {
        "throughput" => Throughput(),
        "train" => Train(),
        _ => Usage(),
    };
}
catch (Exception e) when (e is InvalidDataException or DataFormatException or ArgumentException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

int Usage()
{
    Console.Error.WriteLine("usage: TrainBench throughput [--config f] [--data d] [--steps n] | train --data d [--config f] [--out dir]");
    return 2;
}

int Throughput()
{
    string data = Arg("--data", Path.Combine(datasets, "snips"));
    int steps = int.Parse(Arg("--steps", "40"), CultureInfo.InvariantCulture);
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
    Directory.CreateDirectory(outDir);
    string stamp = DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'");
    File.WriteAllText(Path.Combine(outDir, "train-throughput.md"),
        $"# Training throughput ({stamp})\n\nCommand: `dotnet run -c Release --project bench/TrainBench -- throughput --config {Path.GetRelativePath(repo, configPath)} --steps {steps}`\n\n| metric | value |\n|---|---|\n" +
        string.Join("\n", rows.Select(r => $"| {r.Item1} | {r.Item2} |")) + "\n");
    File.WriteAllText(Path.Combine(outDir, "train-throughput.json"), JsonSerializer.Serialize(new
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

int Train()
{
    string data = Arg("--data", Path.Combine(datasets, "snips"));
    string? outDir = Arg("--out", "") is { Length: > 0 } o ? o : null;
    var ds = DatasetLoader.Load(data);
    Console.WriteLine($"{ds.Name}: {ds.Train.Count} train, {ds.Validation.Count} validation, {ds.Test.Count} test, {ds.Labels.Length} labels; config {configPath}; load average {ReadLoadAverage():F2}");
    var sw = Stopwatch.StartNew();
    var progress = new SyncProgress(pr =>
    {
        if (pr.Step % 100 == 0 || pr.ValidationAccuracy is not null && pr.Step % 10 != 0 || pr.Step == pr.TotalSteps)
            Console.WriteLine($"epoch {pr.Epoch}/{pr.Epochs} step {pr.Step}/{pr.TotalSteps} loss {pr.Loss:F4} train {pr.TrainAccuracy:P2} val {(pr.ValidationAccuracy is { } v ? v.ToString("P2") : "-")} elapsed {pr.Elapsed:mm\\:ss} left {pr.Remaining:mm\\:ss}");
    });
    var model = TrainingPipeline.Run(ds, config, progress);
    var trainTime = sw.Elapsed;
    double cpuSeconds = Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;
    var tok = new WordPieceTokenizer(model.Vocabulary);
    var labelIds = ds.Labels.Select((l, i) => (l, i)).ToDictionary(x => x.l, x => x.i);
    var (tx, ty) = TrainingPipeline.Encode(ds.Test, tok, labelIds, config.MaxLength);
    var albert = new AlbertModel(model.Parameters);
    var exits = TrainingPipeline.ExitAccuracies(albert, tx, ty);
    Console.WriteLine($"process CPU time {cpuSeconds:F0} s over {trainTime.TotalSeconds:F0} s wall ({cpuSeconds / trainTime.TotalSeconds:F2} cores); load average now {ReadLoadAverage():F2}");
    Console.WriteLine($"trained in {trainTime:mm\\:ss} (best epoch {model.BestEpoch}, validation {model.BestValidationAccuracy:P2}); vocabulary {model.Vocabulary.Count}; parameters {model.Parameters.ParameterCount:N0}");
    Console.WriteLine($"test accuracy per exit: {string.Join("  ", exits.Select((a, l) => $"L{l + 1} {a:P2}"))}");
    if (ds.Labels.Contains(IntentDataset.OutOfScopeLabel))
    {
        int oos = labelIds[IntentDataset.OutOfScopeLabel];
        var inIdx = Enumerable.Range(0, ty.Length).Where(i => ty[i] != oos).ToArray();
        var inExits = TrainingPipeline.ExitAccuracies(albert, inIdx.Select(i => tx[i]).ToArray(), inIdx.Select(i => ty[i]).ToArray());
        Console.WriteLine($"in-scope test accuracy per exit ({inIdx.Length} utterances): {string.Join("  ", inExits.Select((a, l) => $"L{l + 1} {a:P2}"))}");
    }
    if (outDir is not null)
    {
        Directory.CreateDirectory(outDir);
        WeightsDump.Save(model, outDir);
        Console.WriteLine($"wrote {outDir}");
    }
    return 0;
}

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

/// <summary>Reports on the training thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
sealed class SyncProgress(Action<TrainProgress> report) : IProgress<TrainProgress>
{
    public void Report(TrainProgress value) => report(value);
}

/// <summary>Until the checkpoint writer is available here: config.json, vocab.txt and raw fp32 tensors.</summary>
static class WeightsDump
{
    public static void Save(TrainedModel m, string dir)
    {
        File.WriteAllText(Path.Combine(dir, "config.json"), JsonSerializer.Serialize(m.Config, new JsonSerializerOptions { WriteIndented = true }));
        m.Vocabulary.Save(Path.Combine(dir, "vocab.txt"));
        using var w = new BinaryWriter(File.Create(Path.Combine(dir, "weights.f32")));
        foreach (var t in m.Parameters.All) { w.Write(t.Name); foreach (var v in t.Data) w.Write(v); }
    }
}
