namespace ModelPacker.Quantization;

/// <summary>One operating point of early exit: thresholds (Q16 nats per layer), accuracy and mean layers executed.</summary>
public sealed record ExitOperatingPoint(int[] ThresholdsQ16, double Accuracy, double MeanLayers);

/// <summary>
/// Chooses per-layer exit entropy thresholds from every exit's prediction and entropy on a validation split: first a
/// sweep of one shared threshold (the table users read), then per-layer coordinate descent that lowers the mean
/// number of layers while accuracy stays within <c>maxDrop</c> of full depth.
/// </summary>
public static class ThresholdSweep
{
    /// <param name="entropies">[utterance][layer] Q16 entropy.</param>
    /// <param name="correct">[utterance][layer] whether that exit's prediction is right.</param>
    public static ExitOperatingPoint Evaluate(int[][] entropies, bool[][] correct, int[] thresholds)
    {
        int n = entropies.Length;
        long layers = 0, right = 0;
        for (int i = 0; i < n; i++)
        {
            int exit = ExitLayer(entropies[i], thresholds);
            layers += exit + 1;
            if (correct[i][exit]) right++;
        }
        return new ExitOperatingPoint((int[])thresholds.Clone(), n == 0 ? 0 : (double)right / n, n == 0 ? 0 : (double)layers / n);
    }

    /// <summary>The layer the device loop stops at: the first whose entropy is below its threshold, else the last.</summary>
    public static int ExitLayer(int[] entropies, int[] thresholds)
    {
        int last = thresholds.Length - 1;
        for (int l = 0; l < last; l++)
            if (entropies[l] < thresholds[l]) return l;
        return last;
    }

    /// <summary>Candidate thresholds: 0 (never exit) and the midpoints between observed entropies' quantiles.</summary>
    public static int[] Candidates(int[][] entropies, int count = 64)
    {
        var all = entropies.SelectMany(e => e.Take(Math.Max(0, e.Length - 1))).Order().ToArray();
        var set = new SortedSet<int> { 0 };
        for (int k = 1; k <= count && all.Length > 0; k++) set.Add(all[(int)Math.Min(all.Length - 1, (long)k * all.Length / (count + 1))] + 1);
        return set.ToArray();
    }

    public static List<ExitOperatingPoint> SharedSweep(int[][] entropies, bool[][] correct, int layers) =>
        Candidates(entropies).Select(t => Evaluate(entropies, correct, Enumerable.Repeat(t, layers).ToArray())).ToList();

    public static ExitOperatingPoint Choose(int[][] entropies, bool[][] correct, int layers, double maxDrop)
    {
        var full = Evaluate(entropies, correct, new int[layers]);
        double floor = full.Accuracy - maxDrop;
        var best = SharedSweep(entropies, correct, layers).Where(p => p.Accuracy >= floor)
            .OrderBy(p => p.MeanLayers).ThenByDescending(p => p.Accuracy).FirstOrDefault() ?? full;
        var candidates = Candidates(entropies);
        for (int pass = 0; pass < 3; pass++)
        {
            bool improved = false;
            for (int l = 0; l < layers - 1; l++)
                foreach (int t in candidates)
                {
                    var th = (int[])best.ThresholdsQ16.Clone();
                    th[l] = t;
                    var p = Evaluate(entropies, correct, th);
                    if (p.Accuracy >= floor && (p.MeanLayers < best.MeanLayers - 1e-12 || (Math.Abs(p.MeanLayers - best.MeanLayers) < 1e-12 && p.Accuracy > best.Accuracy)))
                    {
                        best = p;
                        improved = true;
                    }
                }
            if (!improved) break;
        }
        return best;
    }
}
