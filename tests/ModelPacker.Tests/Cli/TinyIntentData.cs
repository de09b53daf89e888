using System.Text.Json;

namespace ModelPacker.Tests.Cli;

/// <summary>
/// A handful of utterances in the SNIPS layout (train.jsonl, test.jsonl), including out-of-scope ones, and a
/// training config small enough to train in well under a second.
/// </summary>
internal static class TinyIntentData
{
    private static readonly Dictionary<string, string[]> Train = new()
    {
        ["PlayMusic"] = ["play some jazz", "play music by queen", "put on my playlist", "play the new album", "start some music", "play rock songs", "i want to hear music", "play a song"],
        ["GetWeather"] = ["what is the weather", "will it rain today", "weather in paris", "is it sunny tomorrow", "how cold is it outside", "forecast for the weekend", "will it snow", "weather please"],
        ["BookRestaurant"] = ["book a table for two", "reserve a restaurant", "book dinner tonight", "table for four at noon", "reserve a table please", "book a restaurant nearby", "dinner reservation for six", "book lunch tomorrow"],
        ["oos"] = ["how old is the moon", "tell me a joke", "what is love", "who won the game", "how do magnets work", "sing me a lullaby", "what is your name", "translate hello"],
    };

    private static readonly Dictionary<string, string[]> Test = new()
    {
        ["PlayMusic"] = ["play jazz music", "play a playlist"],
        ["GetWeather"] = ["weather tomorrow", "will it rain"],
        ["BookRestaurant"] = ["book a table", "reserve dinner"],
        ["oos"] = ["what is a joke", "how old is paris"],
    };

    public const int TestCount = 8;

    public static string WriteDataset(string dir)
    {
        Directory.CreateDirectory(dir);
        WriteJsonl(Path.Combine(dir, "train.jsonl"), Train);
        WriteJsonl(Path.Combine(dir, "test.jsonl"), Test);
        return dir;
    }

    public static string WriteConfig(string path)
    {
        File.WriteAllText(path, """
            {
              "vocab_size": 64, "embedding_size": 8, "hidden_size": 16, "num_attention_heads": 2,
              "intermediate_size": 32, "num_hidden_layers": 2, "max_length": 16,
              "epochs": 3, "batch_size": 8, "seed": 7, "min_token_frequency": 1
            }
            """);
        return path;
    }

    private static void WriteJsonl(string path, Dictionary<string, string[]> data) =>
        File.WriteAllLines(path, data.SelectMany(kv => kv.Value.Select(t => JsonSerializer.Serialize(new { text = t, intent = kv.Key }))));
}
