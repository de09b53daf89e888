using System.Diagnostics;
using ModelPacker.Numerics;

/// <summary>GFLOP per CPU-second of one single-threaded MatMul shape, after a warm-up, over about 0.6 s.</summary>
static class GemmThroughput
{
    public static double GflopsPerCpuSecond(int m, int n, int k)
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
}
