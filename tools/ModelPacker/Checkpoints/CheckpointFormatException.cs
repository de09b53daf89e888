namespace ModelPacker.Checkpoints;

/// <summary>
/// A checkpoint file that cannot be used. The message is one line that names the file and, where there is one, the
/// tensor; the CLI prints it as-is.
/// </summary>
public sealed class CheckpointFormatException(string message) : IOException(message);
