namespace ModelPacker.Checkpoints;

/// <summary>One tensor of a safetensors header: byte range [Begin, End) relative to the start of the data.</summary>
public sealed record SafeTensorsEntry(string Name, string DType, int[] Shape, long Begin, long End)
{
    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (int d in Shape) n *= d;
            return n;
        }
    }

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}
