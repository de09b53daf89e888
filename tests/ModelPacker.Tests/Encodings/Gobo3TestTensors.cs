using ModelPacker.Encodings;

namespace ModelPacker.Tests.Encodings;

/// <summary>Random GOBO tensors in the encoding's value range (what the quantizer could produce) for codec and kernel tests.</summary>
internal static class Gobo3TestTensors
{
    /// <summary>Random indices, centroids and biases; each weight an outlier with probability <paramref name="outlierRate"/>;
    /// one requantization for the tensor.</summary>
    public static Gobo3Tensor Random(int rows, int cols, Random r, double outlierRate = 0.05)
    {
        short Value() => (short)r.Next(-Gobo3Tensor.MaxValue, Gobo3Tensor.MaxValue + 1);
        var idx = new byte[rows * cols];
        var outliers = new List<Gobo3Outlier>();
        for (int k = 0; k < idx.Length; k++)
            if (r.NextDouble() < outlierRate) outliers.Add(new Gobo3Outlier(k / cols, k % cols, Value()));
            else idx[k] = (byte)r.Next(Gobo3Tensor.Centroids);
        var cent = Enumerable.Range(0, Gobo3Tensor.Centroids).Select(_ => Value()).ToArray();
        var biases = Enumerable.Range(0, rows).Select(_ => r.Next(-(1 << 30), 1 << 30)).ToArray();
        return new Gobo3Tensor(rows, cols, idx, cent, outliers.ToArray(), biases, r.Next(0, int.MaxValue), r.Next(1, 63));
    }

    public static EncodedTensor RandomEncoded(int rows, int cols, Random r) => Gobo3Encoding.Pack(Random(rows, cols, r), "t");
}
