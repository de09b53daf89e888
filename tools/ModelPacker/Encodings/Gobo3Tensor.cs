namespace ModelPacker.Encodings;

/// <summary>One outlier of a GOBO tensor: its weight kept as an integer in the tensor's unit (|value| ≤ 4095).</summary>
public readonly record struct Gobo3Outlier(int Row, int Col, short Value);

/// <summary>
/// A GOBO tensor's integers (encoding gobo3, docs/numerics.md section 3h): a centroid index 0..7 per weight
/// (<see cref="Indices"/>, [Rows, Cols] row-major; an outlier's index is 0), the 8 centroids and the outliers sorted by
/// (row, col), all in the tensor's integer unit; one requantization for the tensor and a bias per row.
/// </summary>
public sealed record Gobo3Tensor(int Rows, int Cols, byte[] Indices, short[] CentroidValues, Gobo3Outlier[] Outliers,
    int[] Biases, int Multiplier, int Shift)
{
    public const int Centroids = 8;
    /// <summary>The largest |centroid| and |outlier value| (C: NI_GOBO3_MAX_VALUE).</summary>
    public const int MaxValue = 4095;

    /// <summary>The weight the GEMM multiplies at (row, col): its outlier's value, else its centroid.</summary>
    public int Weight(int row, int col)
    {
        int k = Array.BinarySearch(Outliers, new Gobo3Outlier(row, col, 0), OutlierOrder.Instance);
        return k >= 0 ? Outliers[k].Value : CentroidValues[Indices[row * Cols + col]];
    }

    /// <summary>(row, col) order, the order of the list in the image.</summary>
    public sealed class OutlierOrder : IComparer<Gobo3Outlier>
    {
        public static readonly OutlierOrder Instance = new();
        public int Compare(Gobo3Outlier a, Gobo3Outlier b) => a.Row != b.Row ? a.Row.CompareTo(b.Row) : a.Col.CompareTo(b.Col);
    }
}
