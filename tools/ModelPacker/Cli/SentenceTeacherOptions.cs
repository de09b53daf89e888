using System.CommandLine;
using System.Diagnostics;
using ModelPacker.Data;
using ModelPacker.Distilling;
using ModelPacker.Teacher;
using ModelPacker.Text;
using ModelPacker.Training;

namespace ModelPacker.Cli;

/// <summary>How <c>train --teacher</c> and <c>binarize --sentence-teacher</c> open a directory written by
/// <c>modelpacker teacher</c> and turn it into the targets of the training utterances and their transfer set.</summary>
internal static class SentenceTeacherOptions
{
    public static Option<string?> Cache() => new("--cache")
    {
        Description = "Directory of the teacher's embedding cache (default: $MODELPACKER_CACHE, $XDG_CACHE_HOME/modelpacker or ~/.cache/modelpacker)",
        HelpName = "dir",
    };

    /// <summary>Opens the teacher, checks its intents against <paramref name="labels"/>, builds the distil set with
    /// the config's distil section (set to the defaults when absent) and prints what it cost.</summary>
    public static DistilSet Prepare(CliEnvironment env, string teacherDir, string? cacheDir, IReadOnlyList<IntentExample> train, string[] labels,
        TrainConfig config, CancellationToken cancellation) =>
        Prepare(env, teacherDir, cacheDir, train, labels, config, new MiniLmEmbedder(), cancellation);

    /// <summary>As above with an encoder already open (disposed here, with the teacher); with <paramref name="vocabulary"/>
    /// (a student trained from scratch) also the encoder's vectors of its pieces.</summary>
    public static DistilSet Prepare(CliEnvironment env, string teacherDir, string? cacheDir, IReadOnlyList<IntentExample> train, string[] labels,
        TrainConfig config, ISentenceEmbedder encoder, CancellationToken cancellation, Vocabulary? vocabulary = null)
    {
        config.Distil ??= new DistilConfig();
        using var teacher = new SentenceTeacher(TeacherHeadFile.Read(Path.Combine(teacherDir, TeacherHeadFile.FileName)), encoder,
            cacheDir ?? TeacherCache.DefaultDirectory());
        var clock = Stopwatch.StartNew();
        using var words = config.Distil.WordWeight > 0 ? new MiniLmWordStates() : null;
        var set = DistilSet.Build(teacher, Path.Combine(teacherDir, TeacherHeadFile.FileName), train, labels, config.Distil, config.Seed, cancellation,
            vocabulary, words);
        var e = teacher.Embedder;
        env.Out.WriteLine($"Teacher        {teacherDir}: {set.Originals} utterances + {set.Augmented} transfer copies; " +
                          $"{e.Encoded} encoded in {e.EncodingTime.TotalSeconds:F1} s, {e.Hits} from the cache; ready in {clock.Elapsed.TotalSeconds:F1} s" +
                          (set.WordStates is { } ws ? $"; word states of {ws.Length} texts" + Mismatched(set, vocabulary) : ""));
        return set;
    }

    /// <summary>How many texts the student's tokenizer splits into another number of words than the encoder did
    /// (they get no word targets), when the vocabulary is known here.</summary>
    private static string Mismatched(DistilSet set, Vocabulary? vocabulary)
    {
        if (vocabulary is null || set.WordStates is not { } states) return "";
        var tokenizer = new WordPieceTokenizer(vocabulary);
        int n = Enumerable.Range(0, states.Length).Count(i => !WordDistillation.HasTargets(states[i], WordAlignment.Of(set.Texts[i], tokenizer), set.WordDimension));
        return $" ({n} split into other words: no word targets)";
    }

    /// <param name="fromScratch">The student starts from random weights (train), so the word-embedding start applies.</param>
    public static string Describe(DistilConfig d, bool fromScratch = false) =>
        $"{d.SoftLabelWeight}·KD(T={d.Temperature}) + {d.RepresentationWeight}·(1 − cos) ({d.Projection.Replace('_', ' ')} projection), " +
        $"{d.TransferCopies} transfer cop{(d.TransferCopies == 1 ? "y" : "ies")} per utterance" +
        (fromScratch && d.EmbeddingInit ? $", word embeddings {(d.FreezeEmbeddings ? "kept at" : "started from")} the encoder's" : "") +
        (d.WordWeight > 0 ? $", {d.WordWeight}·(1 − cos) of each word's state at the last layer" : "");
}
