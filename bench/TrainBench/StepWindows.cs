using System.Diagnostics;
using ModelPacker.Training;

/// <summary>Tokens, sequences and time of a run of consecutive training steps.</summary>
sealed record StepWindow(int FirstStep, int Steps, long Tokens, long Sequences, double WallSeconds, double CpuSeconds)
{
    public double TokensPerSecond => Tokens / WallSeconds;
    public double TokensPerCpuSecond => Tokens / CpuSeconds;
}

/// <summary>What <see cref="StepWindows.Run"/> saw: the first window from a cold process, the warm-up windows, whether
/// two consecutive ones agreed before the cap, and the span timed after the warm-up.</summary>
sealed record WarmUpResult(StepWindow Cold, IReadOnlyList<StepWindow> WarmUp, bool ReachedSteadyState, StepWindow Steady);

/// <summary>
/// Times training steps in windows of a fixed number of steps, from the first step of a fresh process, until two
/// consecutive windows agree on tokens per CPU-second within a tolerance; then times a longer span (by default one
/// epoch of steps) for the steady numbers. The tiered JIT keeps recompiling hot methods for hundreds of steps, so a
/// fixed short warm-up measures a mix of cold and optimised code. Convergence is judged on CPU time because on a
/// shared machine the wall-clock rate of one window swings with the other processes; the steady span is long so
/// that its wall-clock rate averages over them like a real epoch does.
/// </summary>
static class StepWindows
{
    public static WarmUpResult Run(Trainer trainer, IReadOnlyList<int[]> x, IReadOnlyList<int> y,
        Func<int, List<int[]>> epochBatches, int windowSteps, double tolerance, int maxWarmUpSteps, int steadySteps)
    {
        var windows = new List<StepWindow>();
        var steps = EnumerateSteps(epochBatches).GetEnumerator();
        int done = 0;
        bool steady = false;
        while (!steady && done + windowSteps <= maxWarmUpSteps)
        {
            windows.Add(TimeWindow(trainer, x, y, steps, done, windowSteps));
            done += windowSteps;
            steady = windows.Count >= 2 && Agree(windows[^2], windows[^1], tolerance);
        }
        return new WarmUpResult(windows[0], windows, steady, TimeWindow(trainer, x, y, steps, done, steadySteps));
    }

    private static bool Agree(StepWindow a, StepWindow b, double tolerance) =>
        Math.Abs(a.TokensPerCpuSecond - b.TokensPerCpuSecond) <= tolerance * Math.Max(a.TokensPerCpuSecond, b.TokensPerCpuSecond);

    /// <summary>The batches of epoch 0, 1, 2, … in the order training visits them.</summary>
    private static IEnumerable<int[]> EnumerateSteps(Func<int, List<int[]>> epochBatches)
    {
        for (int epoch = 0; ; epoch++)
            foreach (var batch in epochBatches(epoch)) yield return batch;
    }

    private static StepWindow TimeWindow(Trainer trainer, IReadOnlyList<int[]> x, IReadOnlyList<int> y,
        IEnumerator<int[]> steps, int firstStep, int windowSteps)
    {
        var process = Process.GetCurrentProcess();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long tokens = 0, sequences = 0;
        for (int i = 0; i < windowSteps; i++)
        {
            steps.MoveNext();
            var batch = steps.Current;
            var r = trainer.Step(batch.Select(j => x[j]).ToArray(), batch.Select(j => y[j]).ToArray());
            tokens += r.Tokens; sequences += r.Count;
        }
        double wall = clock.Elapsed.TotalSeconds;
        process.Refresh();
        return new StepWindow(firstStep, windowSteps, tokens, sequences, wall, (process.TotalProcessorTime - cpu0).TotalSeconds);
    }
}
