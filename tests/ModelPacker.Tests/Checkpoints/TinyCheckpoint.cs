using ModelPacker.Model;
using ModelPacker.Text;

namespace ModelPacker.Tests.Checkpoints;

/// <summary>A few-hundred-parameter ALBERT and its vocabulary, for checkpoint tests.</summary>
internal static class TinyCheckpoint
{
    public static readonly string[] Tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "book", "a", "table", "play", "music", "weather", "##s"];

    public static AlbertConfig Config(int layers = 3, int maxPositions = 8) => new()
    {
        VocabSize = Tokens.Length, EmbeddingSize = 4, HiddenSize = 8, NumAttentionHeads = 2, IntermediateSize = 16,
        NumHiddenLayers = layers, MaxPositionEmbeddings = maxPositions, Labels = ["BookRestaurant", "PlayMusic", "GetWeather"],
    };

    public static AlbertParameters Parameters(int seed = 1, AlbertConfig? config = null)
    {
        var p = new AlbertParameters(config ?? Config());
        p.InitializeRandom(seed);
        // Give every tensor distinct non-trivial values so a swapped or skipped tensor cannot go unnoticed.
        var rng = new Random(seed);
        foreach (var t in p.All)
            for (int i = 0; i < t.Length; i++) t.Data[i] += (float)(rng.NextDouble() - 0.5);
        return p;
    }

    public static Vocabulary Vocabulary() => ModelPacker.Text.Vocabulary.FromTokens(Tokens);
}

/// <summary>A fresh temp directory deleted after the test.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nano-intent-tests", Guid.NewGuid().ToString("N"));
    public string this[string name] => System.IO.Path.Combine(Path, name);
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
