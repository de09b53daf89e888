namespace ModelPacker.Tests.Encodings;

/// <summary>Random pruning patterns for int8_sparse tests: row 0 all zero, row 1 (if any) dense, the others about 60 %
/// zero, in whole blocks of 4 or unstructured (one choice per tensor), so the encoder's block size is exercised both ways.</summary>
internal static class Int8SparseTestTensors
{
    public static void Prune(sbyte[] w, int cols, Random r)
    {
        int b = r.Next(2) == 0 ? 4 : 1;
        for (int k = 0; k < w.Length; k += b)
        {
            int row = k / cols;
            if (row == 1) continue;
            if (row == 0 || r.Next(10) < 6) Array.Clear(w, k, b);
        }
    }
}
