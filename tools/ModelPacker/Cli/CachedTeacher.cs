using System.Security.Cryptography;
using System.Text;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Teacher;

namespace ModelPacker.Cli;

/// <summary>
/// The teacher <c>train</c> uses when no <c>--teacher</c> is given: the directory <c>modelpacker teacher</c> would
/// write for this data (the same head; the test split is not encoded, so teacher.json has no test scores), kept under the embedding cache in teachers/&lt;dataset&gt;-&lt;hash&gt;, where the hash covers the
/// encoder, the intents and every utterance of the three splits. The first run fits it (encoding what the cache
/// lacks); later runs on the same data reuse it.
/// </summary>
internal static class CachedTeacher
{
    public static string PathFor(string cacheDir, IntentDataset data, string encoderId) =>
        Path.Combine(cacheDir, "teachers", $"{Safe(data.Name)}-{Key(data, encoderId)}");

    /// <summary>The teacher directory for <paramref name="data"/>, fitted with <paramref name="encoder"/> when it is not
    /// in the cache yet; prints one line saying which.</summary>
    public static string Ensure(CliEnvironment env, IntentDataset data, string cacheDir, ISentenceEmbedder encoder, CancellationToken cancellation)
    {
        string dir = PathFor(cacheDir, data, encoder.EncoderId);
        if (File.Exists(Path.Combine(dir, TeacherHeadFile.FileName)))
        {
            env.Out.WriteLine($"Teacher head   {dir} (fitted earlier on this data)");
            return dir;
        }
        var embedder = new CachedEmbedder(encoder, EmbeddingCacheFile.PathFor(cacheDir, encoder.EncoderId));
        var run = TeacherTraining.Run(data, embedder, null, null, cancellation, scoreTest: false);
        string summary = TeacherSummary.ToJson(run, data.SourcePath);
        AtomicDirectory.Publish(dir, d => File.Exists(Path.Combine(d, TeacherHeadFile.FileName)), temp =>
        {
            TeacherHeadFile.Write(Path.Combine(temp, TeacherHeadFile.FileName), run.Teacher);
            File.WriteAllText(Path.Combine(temp, TeacherSummary.FileName), summary + "\n");
        });
        env.Out.WriteLine($"Teacher head   {dir}: {run.Teacher.Options.Describe()}, validation {run.Validation.Accuracy:P2}; " +
                          $"{run.Utterances} utterances, {run.Encoded} encoded in {run.EncodingTime.TotalSeconds:F1} s, " +
                          $"head fitted in {run.HeadTime.TotalSeconds:F1} s");
        return dir;
    }

    private static string Key(IntentDataset data, string encoderId)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string s) { hash.AppendData(Encoding.UTF8.GetBytes(s)); hash.AppendData([0]); }
        Add(encoderId);
        foreach (string label in data.Labels) Add(label);
        foreach (var split in new[] { data.Train, data.Validation, data.Test })
        {
            Add("|split|");
            foreach (var e in split) { Add(e.Text); Add(e.Label); }
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }

    private static string Safe(string name)
    {
        var s = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return s.Length == 0 ? "data" : s[..Math.Min(s.Length, 40)];
    }
}
