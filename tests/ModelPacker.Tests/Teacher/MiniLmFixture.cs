using ModelPacker.Teacher;

namespace ModelPacker.Tests.Teacher;

/// <summary>One all-MiniLM-L6-v2 session for a test class: loading the 90 MB ONNX graph is the slow part.</summary>
public sealed class MiniLmFixture : IDisposable
{
    public MiniLmEmbedder Encoder { get; } = new(batchSize: 8, threads: 1);

    public void Dispose() => Encoder.Dispose();
}
