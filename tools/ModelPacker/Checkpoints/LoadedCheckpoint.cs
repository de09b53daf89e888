using ModelPacker.Model;
using ModelPacker.Text;

namespace ModelPacker.Checkpoints;

/// <summary>
/// A checkpoint read from disk. <see cref="Warnings"/> are things the user should know (heads that had to be
/// initialised); <see cref="Notes"/> are details for verbose output (tensors that were ignored).
/// </summary>
public sealed record LoadedCheckpoint(
    AlbertParameters Parameters,
    Vocabulary Vocabulary,
    AlbertConfig Config,
    IReadOnlyList<string> Warnings,
    IReadOnlyList<string> Notes)
{
    public void Deconstruct(out AlbertParameters parameters, out Vocabulary vocabulary, out AlbertConfig config)
    {
        parameters = Parameters;
        vocabulary = Vocabulary;
        config = Config;
    }
}
