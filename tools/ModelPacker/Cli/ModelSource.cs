using ModelPacker.Checkpoints;
using ModelPacker.Evaluation;

namespace ModelPacker.Cli;

/// <summary>
/// Opens what <c>--model</c> names as an <see cref="IIntentClassifier"/>: a checkpoint directory (fp32) or a flash
/// image file (the integer reference runtime), so eval and classify need not know which.
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
