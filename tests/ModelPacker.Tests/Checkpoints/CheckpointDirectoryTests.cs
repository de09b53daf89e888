using System.Text.Json.Nodes;
using ModelPacker.Checkpoints;
using ModelPacker.Model;
using static ModelPacker.Tests.Checkpoints.SafeTensorsBytes;

namespace ModelPacker.Tests.Checkpoints;

public class CheckpointDirectoryTests
{
    [Fact]
    public void Save_then_load_is_bit_exact_with_config_and_vocabulary()
    {
        using var temp = new TempDirectory();
        var saved = TinyCheckpoint.Parameters();
        string dir = temp["model"];
        CheckpointDirectory.Save(dir, saved, TinyCheckpoint.Vocabulary());

        Assert.Equal(["config.json", "model.safetensors", "vocab.txt"], Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        var (loaded, vocabulary, config) = CheckpointDirectory.Load(dir);
        Assert.Equal(saved.All.Select(t => t.Name), loaded.All.Select(t => t.Name));
        foreach (var t in saved.All)
            Assert.Equal(t.Data.Select(BitConverter.SingleToUInt32Bits), loaded[t.Name].Data.Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal(["BookRestaurant", "PlayMusic", "GetWeather"], config.Labels);
        Assert.Equal(8, config.MaxPositionEmbeddings);
        Assert.Equal(TinyCheckpoint.Tokens.Length, vocabulary.Count);
        Assert.Equal("weather", vocabulary[10]);
        // Nothing left behind next to the checkpoint.
        Assert.Equal(["model"], Directory.GetDirectories(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Config_json_uses_hugging_face_keys()
    {
        using var temp = new TempDirectory();
        CheckpointDirectory.Save(temp["m"], TinyCheckpoint.Parameters(), TinyCheckpoint.Vocabulary());
        var json = JsonNode.Parse(File.ReadAllText(Path.Combine(temp["m"], "config.json")))!;
        Assert.Equal("albert", (string?)json["model_type"]);
        Assert.Equal(8, (int?)json["hidden_size"]);
        Assert.Equal("PlayMusic", (string?)json["id2label"]!["1"]);
        Assert.Equal(2, (int?)json["label2id"]!["GetWeather"]);
    }

    [Fact]
    public void Save_replaces_an_existing_checkpoint()
    {
        using var temp = new TempDirectory();
        var vocabulary = TinyCheckpoint.Vocabulary();
        CheckpointDirectory.Save(temp["m"], TinyCheckpoint.Parameters(seed: 1), vocabulary);
        var second = TinyCheckpoint.Parameters(seed: 2);
        CheckpointDirectory.Save(temp["m"], second, vocabulary);
        var (loaded, _, _) = CheckpointDirectory.Load(temp["m"]);
        Assert.Equal(second.QueryWeight.Data, loaded.QueryWeight.Data);
        Assert.Equal(["m"], Directory.GetDirectories(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_refuses_to_replace_a_directory_that_is_not_a_checkpoint()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp["docs"]);
        File.WriteAllText(Path.Combine(temp["docs"], "notes.txt"), "keep me");
        var e = Assert.Throws<IOException>(() => CheckpointDirectory.Save(temp["docs"], TinyCheckpoint.Parameters(), TinyCheckpoint.Vocabulary()));
        Assert.Contains("is not a checkpoint directory", e.Message);
        Assert.Equal(["notes.txt"], Directory.GetFiles(temp["docs"]).Select(Path.GetFileName));
        Assert.Single(Directory.GetDirectories(temp.Path));
    }

    [Fact]
    public void Failed_write_leaves_no_output_and_no_temp_directory()
    {
        using var temp = new TempDirectory();
        Assert.Throws<InvalidOperationException>(() => AtomicDirectory.Publish(temp["out"], _ => true, dir =>
        {
            File.WriteAllText(Path.Combine(dir, "config.json"), "{}");
            throw new InvalidOperationException("disk full");
        }));
        Assert.Empty(Directory.GetFileSystemEntries(temp.Path));
    }

    [Fact]
    public void Failed_write_keeps_the_previous_checkpoint()
    {
        using var temp = new TempDirectory();
        var first = TinyCheckpoint.Parameters(seed: 1);
        CheckpointDirectory.Save(temp["m"], first, TinyCheckpoint.Vocabulary());
        Assert.Throws<InvalidOperationException>(() => AtomicDirectory.Publish(temp["m"], CheckpointDirectory.IsCheckpoint,
            _ => throw new InvalidOperationException("cancelled")));
        var (loaded, _, _) = CheckpointDirectory.Load(temp["m"]);
        Assert.Equal(first.FfnWeight.Data, loaded.FfnWeight.Data);
        Assert.Equal(["m"], Directory.GetDirectories(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Save_rejects_a_vocabulary_larger_than_the_embedding_table()
    {
        using var temp = new TempDirectory();
        var config = TinyCheckpoint.Config();
        config.VocabSize = 8;
        Assert.Throws<ArgumentException>(() => CheckpointDirectory.Save(temp["m"], new AlbertParameters(config), TinyCheckpoint.Vocabulary()));
        Assert.False(Directory.Exists(temp["m"]));
    }

    // ---- importing an ALBERT written by Hugging Face transformers ----

    /// <summary>Writes a checkpoint directory the way transformers would: chosen dtype, names, extras.</summary>
    private static string WriteForeign(TempDirectory temp, AlbertParameters p, Func<string, string?> rename, string dtype,
        IEnumerable<Tensor>? extra = null, Func<NamedTensor, int[]>? shapeOf = null)
    {
        string dir = temp["foreign"];
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "config.json"), System.Text.Json.JsonSerializer.Serialize(p.Config));
        File.WriteAllLines(Path.Combine(dir, "vocab.txt"), TinyCheckpoint.Tokens);
        var tensors = new List<Tensor>();
        foreach (var t in p.All)
        {
            string? name = rename(t.Name);
            if (name is null) continue;
            byte[] data = dtype switch
            {
                "F32" => F32(t.Data),
                "F16" => F16(t.Data.Select(v => (Half)v).ToArray()),
                "BF16" => Raw16(t.Data.Select(v => (ushort)(BitConverter.SingleToUInt32Bits(v) >> 16)).ToArray()),
                _ => throw new ArgumentException(dtype),
            };
            tensors.Add(new Tensor(name, dtype, shapeOf?.Invoke(t) ?? t.Shape, data));
        }
        // Larger element types first keeps every tensor aligned, as transformers' writer does (extras here are I64/F32).
        var all = (extra ?? []).OrderByDescending(e => e.DType == "I64").Concat(tensors);
        File.WriteAllBytes(Path.Combine(dir, "model.safetensors"), BuildTensors(all, "{\"format\":\"pt\"}"));
        return dir;
    }

    private static bool IsHighway(string name) => name.Contains(".highway.");

    [Fact]
    public void Imports_fp16_without_prefix_or_highway_with_extras_and_long_positions()
    {
        using var temp = new TempDirectory();
        var config = TinyCheckpoint.Config(layers: 3, maxPositions: 512);
        var source = TinyCheckpoint.Parameters(seed: 3, config);
        string dir = WriteForeign(temp, source,
            name => IsHighway(name) ? null : name.StartsWith("albert.") ? name["albert.".Length..] : name, "F16",
            [
                new Tensor("predictions.bias", "F32", [12], F32(new float[12])),
                new Tensor("predictions.dense.weight", "F32", [4, 8], F32(new float[32])),
                new Tensor("embeddings.position_ids", "I64", [1, 2], I64(0, 1)),
            ]);

        var checkpoint = CheckpointDirectory.Load(dir);
        var p = checkpoint.Parameters;
        Assert.Equal([512, 4], p.PositionEmbeddings.Shape);
        foreach (var t in source.All.Where(t => !IsHighway(t.Name)))
            Assert.Equal(t.Data.Select(v => (float)(Half)v), p[t.Name].Data);
        // Early exits start as copies of the final head.
        foreach (var exit in p.Exits[..^1])
        {
            Assert.Equal(p.Exits[^1].PoolerWeight.Data, exit.PoolerWeight.Data);
            Assert.Equal(p.Exits[^1].ClassifierBias.Data, exit.ClassifierBias.Data);
        }
        var warning = Assert.Single(checkpoint.Warnings);
        Assert.Equal($"{Path.Combine(dir, "model.safetensors")}: no early-exit heads for layers 0, 1; initialised them from the final pooler and classifier (train to make early exit useful)", warning);
        var note = Assert.Single(checkpoint.Notes);
        Assert.Contains("ignored 3 tensors this model does not use: embeddings.position_ids, predictions.bias, predictions.dense.weight", note);
    }

    [Fact]
    public void Imports_bf16_with_prefix_and_highway()
    {
        using var temp = new TempDirectory();
        var source = TinyCheckpoint.Parameters(seed: 4);
        string dir = WriteForeign(temp, source, name => name, "BF16");
        var checkpoint = CheckpointDirectory.Load(dir);
        foreach (var t in source.All)
            Assert.Equal(t.Data.Select(v => BitConverter.UInt32BitsToSingle(BitConverter.SingleToUInt32Bits(v) & 0xFFFF0000)), checkpoint.Parameters[t.Name].Data);
        Assert.Empty(checkpoint.Warnings);
        Assert.Empty(checkpoint.Notes);
    }

    [Fact]
    public void Missing_required_tensor_is_a_one_line_error_naming_tensor_shape_and_file()
    {
        using var temp = new TempDirectory();
        string dir = WriteForeign(temp, TinyCheckpoint.Parameters(), name => name.EndsWith("attention.key.weight") ? null : name, "F32");
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(dir));
        Assert.Equal($"{Path.Combine(dir, "model.safetensors")}: required tensor 'albert.encoder.albert_layer_groups.0.albert_layers.0.attention.key.weight' (shape [8, 8]) is missing", e.Message);
    }

    [Fact]
    public void Misshaped_tensor_is_a_one_line_error_with_expected_and_actual_shape()
    {
        using var temp = new TempDirectory();
        string dir = WriteForeign(temp, TinyCheckpoint.Parameters(), name => name, "F32",
            shapeOf: t => t.Name == "albert.encoder.embedding_hidden_mapping_in.weight" ? [4, 8] : t.Shape);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(dir));
        Assert.Equal($"{Path.Combine(dir, "model.safetensors")}: tensor 'albert.encoder.embedding_hidden_mapping_in.weight' has shape [4, 8], expected [8, 4] (from config.json)", e.Message);
    }

    [Fact]
    public void Partly_present_exit_head_is_an_error()
    {
        using var temp = new TempDirectory();
        string dir = WriteForeign(temp, TinyCheckpoint.Parameters(), name => name == "albert.encoder.highway.1.classifier.bias" ? null : name, "F32");
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(dir));
        Assert.EndsWith("tensor 'albert.encoder.highway.1.classifier.bias' (shape [3]) is missing while the rest of exit 1 is present", e.Message);
    }

    [Fact]
    public void Integer_weights_are_an_error_naming_the_tensor()
    {
        using var temp = new TempDirectory();
        var p = TinyCheckpoint.Parameters();
        string dir = WriteForeign(temp, p, name => name == "classifier.bias" ? null : name, "F32",
            [new Tensor("classifier.bias", "I64", [3], I64(1, 2, 3))]);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(dir));
        Assert.EndsWith("tensor 'classifier.bias' has dtype I64; only F32, F16 and BF16 weights can be loaded", e.Message);
    }

    [Fact]
    public void Missing_directory_and_files_are_errors_naming_them()
    {
        using var temp = new TempDirectory();
        Assert.Equal($"{temp["none"]}: checkpoint directory not found",
            Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(temp["none"])).Message);

        File.WriteAllText(temp["file"], "x");
        Assert.Contains("is a file", Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(temp["file"])).Message);

        CheckpointDirectory.Save(temp["m"], TinyCheckpoint.Parameters(), TinyCheckpoint.Vocabulary());
        File.Delete(Path.Combine(temp["m"], "model.safetensors"));
        File.WriteAllText(Path.Combine(temp["m"], "pytorch_model.bin"), "");
        Assert.Equal($"{Path.Combine(temp["m"], "model.safetensors")}: file not found (found pytorch_model.bin: save the model with safe_serialization=True)",
            Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(temp["m"])).Message);

        File.Delete(Path.Combine(temp["m"], "vocab.txt"));
        File.WriteAllText(Path.Combine(temp["m"], "spiece.model"), "");
        Assert.StartsWith($"{Path.Combine(temp["m"], "vocab.txt")}: file not found (found spiece.model",
            Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(temp["m"])).Message);

        File.Delete(Path.Combine(temp["m"], "config.json"));
        Assert.StartsWith($"{Path.Combine(temp["m"], "config.json")}: file not found",
            Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(temp["m"])).Message);
    }

    [Theory]
    [InlineData("{\"hidden_size\": ", "not a valid config")]
    [InlineData("null", "is JSON null")]
    [InlineData("{\"model_type\": \"bert\"}", "model_type 'bert' is not supported")]
    [InlineData("{\"hidden_size\": 10, \"num_attention_heads\": 4, \"id2label\": {\"0\": \"a\", \"1\": \"b\"}}", "hidden_size 10 must be divisible by num_attention_heads 4")]
    [InlineData("{\"id2label\": {\"0\": \"a\", \"2\": \"b\"}}", "id2label has no entry for id 1")]
    [InlineData("{\"hidden_size\": \"big\"}", "not a valid config")]
    public void Bad_config_is_a_one_line_error_naming_the_file(string json, string expected)
    {
        using var temp = new TempDirectory();
        CheckpointDirectory.Save(temp["m"], TinyCheckpoint.Parameters(), TinyCheckpoint.Vocabulary());
        string path = Path.Combine(temp["m"], "config.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(temp["m"]));
        Assert.StartsWith(path + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Vocabulary_larger_than_vocab_size_is_an_error()
    {
        using var temp = new TempDirectory();
        CheckpointDirectory.Save(temp["m"], TinyCheckpoint.Parameters(), TinyCheckpoint.Vocabulary());
        File.AppendAllLines(Path.Combine(temp["m"], "vocab.txt"), ["extra"]);
        var e = Assert.Throws<CheckpointFormatException>(() => CheckpointDirectory.Load(temp["m"]));
        Assert.Equal($"{Path.Combine(temp["m"], "vocab.txt")}: 13 tokens but config.json's vocab_size is 12", e.Message);
    }
}
