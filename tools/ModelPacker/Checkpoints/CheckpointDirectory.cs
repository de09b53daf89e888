using System.Text.Json;
using ModelPacker.Model;
using ModelPacker.Text;

namespace ModelPacker.Checkpoints;

/// <summary>
/// A model on disk as Hugging Face lays it out: <c>model.safetensors</c> (fp32, Hugging Face ALBERT tensor names),
/// <c>config.json</c> (<see cref="AlbertConfig"/>) and <c>vocab.txt</c> (BERT WordPiece vocabulary).
/// </summary>
public static class CheckpointDirectory
{
    public const string WeightsFile = "model.safetensors";
    public const string ConfigFile = "config.json";
    public const string VocabularyFile = "vocab.txt";

    private static readonly JsonSerializerOptions ConfigJson = new() { WriteIndented = true };

    /// <summary>True when <paramref name="dir"/> looks like a checkpoint (so replacing it loses nothing else).</summary>
    public static bool IsCheckpoint(string dir) =>
        File.Exists(Path.Combine(dir, ConfigFile)) && File.Exists(Path.Combine(dir, WeightsFile));

    /// <summary>
    /// Writes the checkpoint atomically: all three files go to a temp directory that is renamed to
    /// <paramref name="dir"/> only when complete. An existing checkpoint at <paramref name="dir"/> is replaced; any
    /// other non-empty directory is left alone and an <see cref="IOException"/> is thrown.
    /// </summary>
    /// <param name="extraFiles">Further text files to publish with the checkpoint (e.g. the training config), by
    /// file name; they are written inside the same atomic step.</param>
    public static void Save(string dir, AlbertParameters parameters, Vocabulary vocabulary,
        IReadOnlyDictionary<string, string>? extraFiles = null)
    {
        var config = parameters.Config;
        config.Validate();
        if (vocabulary.Count > config.VocabSize)
            throw new ArgumentException($"vocabulary has {vocabulary.Count} tokens but the model's vocab_size is {config.VocabSize}", nameof(vocabulary));

        AtomicDirectory.Publish(dir, IsCheckpoint, temp =>
        {
            File.WriteAllText(Path.Combine(temp, ConfigFile), JsonSerializer.Serialize(config, ConfigJson) + "\n");
            vocabulary.Save(Path.Combine(temp, VocabularyFile));
            SafeTensorsWriter.Write(Path.Combine(temp, WeightsFile), parameters.All, SafeTensorsWriter.PyTorchMetadata);
            foreach (var (name, content) in extraFiles ?? new Dictionary<string, string>())
            {
                if (name != Path.GetFileName(name) || name is WeightsFile or ConfigFile or VocabularyFile)
                    throw new ArgumentException($"'{name}' is not a plain file name or clashes with a checkpoint file", nameof(extraFiles));
                File.WriteAllText(Path.Combine(temp, name), content);
            }
        });
    }

    /// <summary>
    /// Reads a checkpoint written here or an ALBERT fine-tuned with Hugging Face transformers (fp32, fp16 or bf16
    /// weights; extra tensors ignored; <c>albert.</c> prefix optional; missing early-exit heads initialised from the
    /// final head, with a warning). Any problem is a <see cref="CheckpointFormatException"/> naming the file.
    /// </summary>
    public static LoadedCheckpoint Load(string dir)
    {
        if (File.Exists(dir))
            throw new CheckpointFormatException($"{dir}: is a file; a checkpoint is a directory with {WeightsFile}, {ConfigFile} and {VocabularyFile}");
        if (!Directory.Exists(dir))
            throw new CheckpointFormatException($"{dir}: checkpoint directory not found");

        var config = ReadConfig(Path.Combine(dir, ConfigFile));
        var vocabulary = ReadVocabulary(Path.Combine(dir, VocabularyFile), config);
        string weightsPath = Path.Combine(dir, WeightsFile);
        if (!File.Exists(weightsPath))
        {
            string hint = File.Exists(Path.Combine(dir, "pytorch_model.bin"))
                ? " (found pytorch_model.bin: save the model with safe_serialization=True)" : "";
            throw new CheckpointFormatException($"{weightsPath}: file not found{hint}");
        }
        var file = SafeTensorsReader.Read(weightsPath);
        var warnings = new List<string>();
        var notes = new List<string>();
        var parameters = ParameterImporter.Import(file, config, warnings, notes);
        if (vocabulary.Count < config.VocabSize)
            notes.Add($"{Path.Combine(dir, VocabularyFile)}: {vocabulary.Count} tokens for a vocab_size of {config.VocabSize}; the extra embedding rows are unused");
        return new LoadedCheckpoint(parameters, vocabulary, config, warnings, notes);
    }

    public static AlbertConfig ReadConfig(string path)
    {
        if (!File.Exists(path))
            throw new CheckpointFormatException($"{path}: file not found (a checkpoint directory holds {WeightsFile}, {ConfigFile} and {VocabularyFile})");
        AlbertConfig? config;
        try
        {
            config = JsonSerializer.Deserialize<AlbertConfig>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{path}: not a valid config ({e.Message.ReplaceLineEndings(" ")})");
        }
        if (config is null) throw new CheckpointFormatException($"{path}: is JSON null, not a config object");
        if (config.ModelType != "albert")
            throw new CheckpointFormatException($"{path}: model_type '{config.ModelType}' is not supported (only 'albert')");
        try
        {
            config.Validate(path);
            _ = config.Labels; // every id 0..n-1 must have a label
        }
        catch (InvalidDataException e)
        {
            string message = e.Message.StartsWith(path, StringComparison.Ordinal) ? e.Message
                : $"{path}: {e.Message.Replace("config.json: ", "", StringComparison.Ordinal)}";
            throw new CheckpointFormatException(message);
        }
        return config;
    }

    private static Vocabulary ReadVocabulary(string path, AlbertConfig config)
    {
        if (!File.Exists(path))
        {
            string hint = File.Exists(Path.Combine(Path.GetDirectoryName(path)!, "spiece.model"))
                ? " (found spiece.model: SentencePiece vocabularies are not supported, only BERT WordPiece vocab.txt)" : "";
            throw new CheckpointFormatException($"{path}: file not found{hint}");
        }
        var vocabulary = Vocabulary.Load(path);
        if (vocabulary.Count > config.VocabSize)
            throw new CheckpointFormatException($"{path}: {vocabulary.Count} tokens but config.json's vocab_size is {config.VocabSize}");
        return vocabulary;
    }
}
