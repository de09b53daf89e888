using System.Text;
using System.Text.Json;
using ModelPacker.IO;

/// <summary>One benchmark run: its exact command, the load around it, cold and steady throughput and the epoch time
/// they imply; written as a Markdown table and as JSON.</summary>
sealed class ThroughputResult
{
    public required string Date { get; init; }
    public required string Command { get; init; }
    public required string Settings { get; init; }
    public required string Config { get; init; }
    public required string Model { get; init; }
    public required string BatchAndShards { get; init; }
    public required StepWindow Cold { get; init; }
    public required StepWindow Steady { get; init; }
    public required bool ReachedSteadyState { get; init; }
    public required IReadOnlyList<StepWindow> WarmUp { get; init; }
    public required long TokensPerEpoch { get; init; }
    public required int TrainUtterances { get; init; }
    public required int MaxLength { get; init; }
    public required int StepsPerEpoch { get; init; }
    public required int ValidationUtterances { get; init; }
    public required double ValidationSeconds { get; init; }
    public required double ValidationCpuSeconds { get; init; }

    /// <summary>The step loop of one epoch at the steady rate, wall and CPU seconds.</summary>
    public double TrainSecondsPerEpoch => TokensPerEpoch / Steady.TokensPerSecond;
    public double TrainCpuSecondsPerEpoch => TokensPerEpoch / Steady.TokensPerCpuSecond;
    public required double ModelGflopsPerCpuSecond { get; init; }
    public required string LoadAtStart { get; init; }
    public required string LoadAtEnd { get; init; }
    public required int Cores { get; init; }
    public required string GemmPath { get; init; }
    public required IReadOnlyList<(string Shape, double Gflops)> Gemm { get; init; }

    public string ToMarkdown()
    {
        var last = WarmUp[^1];
        var rows = new List<(string, string)>
        {
            ("config", Config),
            ("model", Model),
            ("batch / shards", BatchAndShards),
            ("method", Settings),
            ($"cold: tokens/s, first {Cold.Steps} steps of a fresh process", $"{Cold.TokensPerSecond:F0} ({Cold.TokensPerCpuSecond:F0} per CPU-second)"),
            ("warm-up", ReachedSteadyState
                ? $"steady after {last.FirstStep + last.Steps} steps"
                : $"NOT steady: no two consecutive windows agreed within {last.FirstStep + last.Steps} steps; the steady rows below may be low"),
            ($"steady: tokens/s (fwd+bwd+AdamW), steps {Steady.FirstStep + 1}–{Steady.FirstStep + Steady.Steps}", $"{Steady.TokensPerSecond:F0}"),
            ("steady: sequences/s", $"{Steady.Sequences / Steady.WallSeconds:F1}"),
            ("steady: tokens per CPU-second", $"{Steady.TokensPerCpuSecond:F0} ({Steady.CpuSeconds / Steady.WallSeconds:F2} cores in use)"),
            ("steady: model GFLOP per CPU-second (linear layers, fwd+bwd)", $"{ModelGflopsPerCpuSecond:F2}"),
            ("tokens per epoch (train split)", $"{TokensPerEpoch:N0} in {TrainUtterances:N0} utterances, {StepsPerEpoch} steps"),
            // Packing lays sequences end to end; padding every one to max_length would multiply token-wise work by this.
            ("mean tokens per utterance; padding to max_length would do", $"{(double)TokensPerEpoch / TrainUtterances:F2}; " +
                $"{(double)MaxLength * TrainUtterances / TokensPerEpoch:F2}x the token-wise work"),
            ("implied step loop per epoch, steady", $"{TrainSecondsPerEpoch:F1} s wall, {TrainCpuSecondsPerEpoch:F1} CPU-s"),
            ($"validation pass ({ValidationUtterances} utterances, warm)", $"{ValidationSeconds:F1} s wall, {ValidationCpuSeconds:F1} CPU-s"),
            ("implied epoch incl. validation (like each epoch of `train`)", $"{TrainSecondsPerEpoch + ValidationSeconds:F1} s wall, {TrainCpuSecondsPerEpoch + ValidationCpuSeconds:F1} CPU-s"),
            ("load average (1/5/15 min) at start / end", $"{LoadAtStart} / {LoadAtEnd} ({Cores} cores, shared)"),
            ("GEMM path", GemmPath),
        };
        foreach (var (shape, g) in Gemm) rows.Add(($"GEMM GFLOP/s per CPU-second, 1 thread, {shape} (MxNxK)", $"{g:F2}"));
        var md = new StringBuilder("| metric | value |\n|---|---|\n");
        foreach (var (k, v) in rows) md.Append($"| {k} | {v} |\n");
        md.Append("\nWarm-up windows:\n\n| steps | tokens/s | tokens per CPU-second |\n|---|---|---|\n");
        foreach (var w in WarmUp) md.Append($"| {w.FirstStep + 1}–{w.FirstStep + w.Steps} | {w.TokensPerSecond:F0} | {w.TokensPerCpuSecond:F0} |\n");
        return md.ToString();
    }

    /// <summary>Atomic (temp file + rename): an interrupted run never leaves a half-written result next to the old one.</summary>
    public void WriteFiles(string markdownPath, string jsonPath)
    {
        var md = $"# Training throughput ({Date})\n\nCommand (from the repository root): `{Command}`\n\n" + ToMarkdown();
        AtomicFile.WriteAllBytes(markdownPath, Encoding.UTF8.GetBytes(md));
        var json = JsonSerializer.Serialize(new
        {
            date = Date, command = Command, settings = Settings, config = Config, loadAtStart = LoadAtStart, loadAtEnd = LoadAtEnd,
            coldTokensPerSecond = Cold.TokensPerSecond, coldSteps = Cold.Steps,
            steadyTokensPerSecond = Steady.TokensPerSecond, steadyTokensPerCpuSecond = Steady.TokensPerCpuSecond, reachedSteadyState = ReachedSteadyState,
            steadyFromStep = Steady.FirstStep + 1, steadyToStep = Steady.FirstStep + Steady.Steps,
            tokensPerEpoch = TokensPerEpoch, trainUtterances = TrainUtterances, trainSecondsPerEpoch = TrainSecondsPerEpoch, trainCpuSecondsPerEpoch = TrainCpuSecondsPerEpoch,
            validationSeconds = ValidationSeconds, validationCpuSeconds = ValidationCpuSeconds,
            epochSecondsIncludingValidation = TrainSecondsPerEpoch + ValidationSeconds,
            epochCpuSecondsIncludingValidation = TrainCpuSecondsPerEpoch + ValidationCpuSeconds, modelGflopsPerCpuSecond = ModelGflopsPerCpuSecond,
            warmUpWindows = WarmUp.Select(w => new { fromStep = w.FirstStep + 1, steps = w.Steps, tokens = w.Tokens, wallSeconds = w.WallSeconds, cpuSeconds = w.CpuSeconds }),
            gemmPath = GemmPath, gemm = Gemm.Select(g => new { shape = g.Shape, gflopsPerCpuSecond = g.Gflops }),
        }, new JsonSerializerOptions { WriteIndented = true });
        AtomicFile.WriteAllBytes(jsonPath, Encoding.UTF8.GetBytes(json + "\n"));
    }
}
