namespace ModelPacker.Model;

/// <summary>A row-major fp32 tensor with its checkpoint name (Hugging Face naming).</summary>
public sealed class NamedTensor
{
    public NamedTensor(string name, params int[] shape)
    {
        Name = name;
        Shape = shape;
        long n = 1;
        foreach (int d in shape) n *= d;
        Data = new float[n];
    }

    public string Name { get; }
    public int[] Shape { get; }
    public float[] Data { get; }
    public int Length => Data.Length;
    /// <summary>Rows of a matrix ([out, in] for a linear layer's weight).</summary>
    public int Rows => Shape[0];
    public int Cols => Shape.Length > 1 ? Shape[1] : 1;

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
