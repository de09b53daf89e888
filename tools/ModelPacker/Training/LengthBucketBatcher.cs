using ModelPacker.Numerics;

namespace ModelPacker.Training;

/// <summary>
/// Orders one epoch's examples into batches. Bucketed: shuffle, stable-sort by length (so equal lengths stay in
/// random order), cut into batches, shuffle the batches. Otherwise plain shuffled batches. Deterministic in
/// (seed, epoch).
/// </summary>
public static class LengthBucketBatcher
{
    public static List<int[]> Epoch(IReadOnlyList<int> lengths, int batchSize, bool bucket, int seed, int epoch)
    {
        var rng = DeterministicRandom.For(seed, epoch, -1);
        var order = Enumerable.Range(0, lengths.Count).ToArray();
        Shuffle(order, ref rng);
        if (bucket)
        {
            var keys = order.Select(i => lengths[i]).ToArray();
            // Array.Sort is unstable; sort (length, position) pairs to keep the shuffled order within a length.
            var pos = Enumerable.Range(0, order.Length).ToArray();
            Array.Sort(pos, (a, b) => keys[a] != keys[b] ? keys[a].CompareTo(keys[b]) : a.CompareTo(b));
            order = pos.Select(p => order[p]).ToArray();
        }
        var batches = new List<int[]>();
        for (int i = 0; i < order.Length; i += batchSize) batches.Add(order[i..Math.Min(i + batchSize, order.Length)]);
        var batchOrder = batches.ToArray();
        Shuffle(batchOrder, ref rng);
        return batchOrder.ToList();
    }

    private static void Shuffle<T>(T[] a, ref DeterministicRandom rng)
    {
        for (int i = a.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
