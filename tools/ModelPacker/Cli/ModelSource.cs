using ModelPacker.Checkpoints;
using ModelPacker.Evaluation;

namespace ModelPacker.Cli;

/// <summary>
/// Opens what <c>--model</c> names as an <see cref="IIntentClassifier"/>. Today that is a checkpoint directory; a flash
/// image (run by the integer runtime) plugs in here without touching the commands.
/// </summary>
internal static class ModelSource
{
    public static IIntentClassifier Open(string path, CliEnvironment env, bool verbose)
    {
        // A file is a flash image: the integer reference runs it, with early exit (IntegerRuntime).
        if (File.Exists(path)) return IntegerRuntime.IntegerImage.Read(path).Classifier();
        var checkpoint = CheckpointDirectory.Load(path);
        foreach (var warning in checkpoint.Warnings) env.Error.WriteLine("warning: " + warning);
        if (verbose)
            foreach (var note in checkpoint.Notes) env.Error.WriteLine("note: " + note);
        return new CheckpointClassifier(checkpoint);
    }
}
