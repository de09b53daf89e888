using ModelPacker.Numerics;

namespace ModelPacker.Tests.Numerics;

public class PrincipalComponentsTests
{
    /// <summary>Points spread along three known orthogonal directions with standard deviations 5, 3 and 1, a small
    /// noise in every dimension and an offset: the fit must find those directions in that order and the offset.</summary>
    [Fact]
    public void FindsTheKnownDirectionsStrongestFirstAndTheMean()
    {
        const int d = 20, n = 4000;
        var rng = new Random(11);
        var axes = new double[3][];
        for (int a = 0; a < 3; a++) { axes[a] = new double[d]; }
        // three orthonormal directions that are not coordinate axes
        axes[0][0] = axes[0][1] = 1 / Math.Sqrt(2);
        axes[1][0] = 1 / Math.Sqrt(2); axes[1][1] = -1 / Math.Sqrt(2);
        axes[2][5] = 0.6; axes[2][9] = 0.8;
        double[] sd = [5, 3, 1];
        var offset = Enumerable.Range(0, d).Select(j => 0.5 * j).ToArray();
        var rows = new List<float[]>();
        for (int i = 0; i < n; i++)
        {
            var x = new float[d];
            for (int j = 0; j < d; j++) x[j] = (float)(offset[j] + 0.05 * Gaussian(rng));
            for (int a = 0; a < 3; a++)
            {
                double z = sd[a] * Gaussian(rng);
                for (int j = 0; j < d; j++) x[j] += (float)(z * axes[a][j]);
            }
            rows.Add(x);
        }
        var (mean, dirs) = PrincipalComponents.Fit(rows, 3, seed: 1);
        for (int j = 0; j < d; j++) Assert.True(Math.Abs(offset[j] - mean[j]) < 0.3, $"mean[{j}] {mean[j]}, offset {offset[j]}"); // 5/√4000 ≈ 0.08 sampling error
        for (int a = 0; a < 3; a++)
        {
            double dot = Enumerable.Range(0, d).Sum(j => dirs[a][j] * axes[a][j]);
            Assert.True(Math.Abs(dot) > 0.999, $"direction {a}: |cos| {Math.Abs(dot)}");
            for (int b = 0; b < 3; b++)
                Assert.Equal(a == b ? 1.0 : 0.0, Enumerable.Range(0, d).Sum(j => dirs[a][j] * dirs[b][j]), 9);
        }
        // the coordinates of a point are its offsets along the directions
        var p = PrincipalComponents.Project(rows[7], mean, dirs);
        double along0 = Enumerable.Range(0, d).Sum(j => (rows[7][j] - mean[j]) * dirs[0][j]);
        Assert.Equal(along0, p[0], 4);
        // deterministic for a seed
        var again = PrincipalComponents.Fit(rows, 3, seed: 1);
        Assert.Equal(dirs.SelectMany(x => x), again.Directions.SelectMany(x => x));
    }

    [Fact]
    public void OneThreadGivesTheSameBitsAsAllCores()
    {
        // The fit spreads its sums over the cores; a trained model must not depend on how many there are.
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 1500).Select(_ => Enumerable.Range(0, 70)
            .Select(j => j % 9 == 0 ? 0f : (float)(Gaussian(rng) * (1 + j % 5))).ToArray()).ToList();
        var parallel = PrincipalComponents.Fit(rows, 12, seed: 4);
        var oneThread = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, maxConcurrencyLevel: 1).ConcurrentScheduler;
        var serial = Task.Factory.StartNew(() => PrincipalComponents.Fit(rows, 12, seed: 4), CancellationToken.None,
            TaskCreationOptions.None, oneThread).Result; // Parallel.For inside runs on the current scheduler: one thread
        Assert.Equal(parallel.Mean, serial.Mean);
        Assert.Equal(parallel.Directions.SelectMany(x => x), serial.Directions.SelectMany(x => x));
    }

    [Fact]
    public void RejectsMoreDirectionsThanDimensionsAndEmptyInput()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => PrincipalComponents.Fit([new float[3]], 4, 1));
        Assert.Throws<ArgumentException>(() => PrincipalComponents.Fit([], 1, 1));
        Assert.Throws<ArgumentException>(() => PrincipalComponents.Fit([new float[3], new float[2]], 1, 1));
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
}
