using System.Globalization;
using System.Text.Json;
using ModelPacker.Checkpoints;

namespace ModelPacker.Teacher;

/// <summary>
/// Saves and loads the teacher's head as <c>teacher-head.safetensors</c>: the <see cref="SoftmaxHead"/> tensors plus
/// metadata naming the encoder, the labels (class order) and the head's shape, so a later command can rebuild the
/// teacher from this file and the encoder package alone.
/// </summary>
public static class TeacherHeadFile
{
    public const string FileName = "teacher-head.safetensors";
    private const string KindKey = "kind", Kind = "sentence-encoder-teacher-head";
    private const string EncoderKey = "encoder", LabelsKey = "labels", HiddenKey = "hidden", L2Key = "l2";

    public static void Write(string path, SentenceTeacherHead teacher)
    {
        var metadata = new Dictionary<string, string>(SafeTensorsWriter.PyTorchMetadata)
        {
            [KindKey] = Kind,
            [EncoderKey] = teacher.EncoderId,
            [LabelsKey] = JsonSerializer.Serialize(teacher.Labels),
            [HiddenKey] = teacher.Head.Hidden.ToString(CultureInfo.InvariantCulture),
            [L2Key] = teacher.Options.L2.ToString("R", CultureInfo.InvariantCulture),
        };
        SafeTensorsWriter.Write(path, teacher.Head.Tensors, metadata);
    }

    /// <summary>Reads a head written by <see cref="Write"/>; a wrong or damaged file is a one-line
    /// <see cref="CheckpointFormatException"/> naming it.</summary>
    public static SentenceTeacherHead Read(string path)
    {
        if (!File.Exists(path)) throw new CheckpointFormatException($"{path}: no such teacher head file");
        var file = SafeTensorsReader.Read(path);
        string Meta(string key) => file.Metadata.TryGetValue(key, out var v)
            ? v : throw new CheckpointFormatException($"{path}: metadata '{key}' missing; not a teacher head");
        if (Meta(KindKey) != Kind) throw new CheckpointFormatException($"{path}: kind '{Meta(KindKey)}', expected '{Kind}'");
        string[] labels;
        try
        {
            labels = JsonSerializer.Deserialize<string[]>(Meta(LabelsKey)) ?? [];
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException($"{path}: metadata 'labels' is not a JSON list of strings ({e.Message})");
        }
        if (!int.TryParse(Meta(HiddenKey), NumberStyles.None, CultureInfo.InvariantCulture, out int hidden))
            throw new CheckpointFormatException($"{path}: metadata 'hidden' is not a non-negative integer");
        if (!float.TryParse(Meta(L2Key), NumberStyles.Float, CultureInfo.InvariantCulture, out float l2))
            throw new CheckpointFormatException($"{path}: metadata 'l2' is not a number");
        if (labels.Length < 2) throw new CheckpointFormatException($"{path}: {labels.Length} labels, need at least 2");

        var output = file[SoftmaxHead.OutputWeight];
        if (output.Shape.Length != 2 || output.Shape[0] != labels.Length)
            throw new CheckpointFormatException($"{path}: tensor '{SoftmaxHead.OutputWeight}' has shape [{string.Join(", ", output.Shape)}], expected [{labels.Length}, …]");
        int inputs = hidden > 0 ? (int)file[SoftmaxHead.HiddenWeight].Shape[^1] : (int)output.Shape[1];
        var head = new SoftmaxHead(inputs, hidden, labels.Length);
        foreach (var tensor in head.Tensors)
        {
            var entry = file[tensor.Name];
            if (!entry.Shape.Select(d => (long)d).SequenceEqual(tensor.Shape.Select(d => (long)d)))
                throw new CheckpointFormatException($"{path}: tensor '{tensor.Name}' has shape [{string.Join(", ", entry.Shape)}], expected {tensor.ShapeText}");
            file.ReadFloat32(tensor.Name).CopyTo(tensor.Data, 0);
        }
        return new SentenceTeacherHead(Meta(EncoderKey), labels, head, new HeadTrainingOptions { Hidden = hidden, L2 = l2 });
    }
}
