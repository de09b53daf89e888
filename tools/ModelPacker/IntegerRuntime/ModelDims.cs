namespace ModelPacker.IntegerRuntime;

/// <summary>The model shape as the image's MODEL section stores it (ni_model_dims).</summary>
public sealed record ModelDims(int VocabSize, int EmbeddingSize, int HiddenSize, int NumHeads, int IntermediateSize,
    int NumLayers, int MaxPositions, int NumLabels, int Activation, int Scheme = 1)
{
    public const int ActivationGelu = 1, ActivationGeluTanh = 2, SchemeInt8 = 1;
    public int HeadSize => HiddenSize / NumHeads;

    /// <summary>The same checks as ni_dims_validate (C); throws a one-line error naming the first bad field.</summary>
    public void Validate(string source)
    {
        void Require(bool ok, string what) { if (!ok) throw new InvalidDataException($"{source}: {what}"); }
        Require(VocabSize is >= 5 and <= 65535, $"vocab size {VocabSize} must be 5..65535");
        Require(NumLayers is >= 1 and <= 32, $"{NumLayers} layers, must be 1..32");
        Require(NumLabels is >= 2 and <= 1024, $"{NumLabels} labels, must be 2..1024");
        Require(MaxPositions is >= 3 and <= 512, $"max positions {MaxPositions} must be 3..512");
        foreach (var (name, v) in new[] { ("embedding size", EmbeddingSize), ("hidden size", HiddenSize), ("intermediate size", IntermediateSize) })
            Require(v is >= 4 and <= 1024 && v % 4 == 0, $"{name} {v} must be a multiple of 4 in 4..1024 (the int8 GEMV reads 4 at a time)");
        Require(NumHeads >= 1 && HiddenSize % NumHeads == 0 && HeadSize % 4 == 0, $"hidden size {HiddenSize} / {NumHeads} heads must give a head size that is a multiple of 4");
        Require(Activation is ActivationGelu or ActivationGeluTanh, $"activation {Activation} is unknown");
        Require(Scheme == SchemeInt8, $"scheme {Scheme} is not int8");
    }
}
