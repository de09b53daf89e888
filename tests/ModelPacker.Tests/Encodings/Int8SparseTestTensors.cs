namespace ModelPacker.Tests.Encodings;

/// <summary>Random pruning patterns for int8_sparse tests: row 0 all zero, row 1 (if any) dense, the others about 60 %
/// zero, in whole blocks of 4 or unstructured (one choice per tensor), so the encoder's block size is exercised both ways;
/// a tensor whose rows are a multiple of 4 may instead be pruned in 4×4 blocks (rows 0..3 dense, 4..7 all zero, so every tensor keeps a block).</summary>
internal static class Int8SparseTestTensors
{
    public static void Prune(sbyte[] w, int cols, Random r)
    {
        int rows = w.Length / cols, choice = r.Next(rows % 4 == 0 ? 3 : 2);
        if (choice == 2)
        {
            for (int g = 0; g < rows / 4; g++)
                for (int c = 0; c < cols; c += 4)
                {
                    if (g == 0 || (g != 1 && r.Next(10) >= 6)) continue;
                    for (int i = 0; i < 4; i++) Array.Clear(w, (4 * g + i) * cols + c, 4);
                }
            return;
        }
        int b = choice == 0 ? 4 : 1;
        for (int k = 0; k < w.Length; k += b)
        {
            int row = k / cols;
            if (row == 1) continue;
            if (row == 0 || r.Next(10) < 6) Array.Clear(w, k, b);
        }
    }
}
