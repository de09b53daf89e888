using System.CommandLine;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Teacher;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker teacher --data path --out dir</c>: embeds every utterance with the pre-trained sentence encoder
/// (cached on disk), fits a classifier head on the frozen embeddings, prints its accuracy on every split and saves
/// the head (teacher-head.safetensors) and the scores (teacher.json).
/// </summary>
internal static class TeacherCommand
{
    public static Command Create(CliEnvironment env)
    {
        var data = CommonOptions.Data("Labelled utterances to embed and fit the head on");
        var output = new Option<string>("--out") { Description = "Directory for teacher-head.safetensors and teacher.json", Required = true, HelpName = "dir" };
        var cache = new Option<string?>("--cache")
        {
            Description = "Directory of the embedding cache (default: $MODELPACKER_CACHE, $XDG_CACHE_HOME/modelpacker or ~/.cache/modelpacker)",
            HelpName = "dir",
        };
        var noCache = new Option<bool>("--no-cache") { Description = "Encode everything and write no cache" };
        var threads = new Option<int>("--threads") { Description = "Encoder threads (0 = one per core)", DefaultValueFactory = _ => 0 };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var json = CommonOptions.Json("the scores (as in teacher.json)");
        var command = new Command("teacher", "Fit a classifier head on frozen pre-trained sentence embeddings (all-MiniLM-L6-v2)")
            { data, output, cache, noCache, threads, textColumn, labelColumn, json };
        command.SetAction((result, cancellation) => Task.FromResult(CommandRunner.Execute(env, () =>
        {
            string dataPath = result.GetValue(data)!, outDir = result.GetValue(output)!;
            if (result.GetValue(threads) < 0) throw new UsageException("--threads must be 0 or more");
            if (result.GetValue(noCache) && result.GetValue(cache) is not null) throw new UsageException("--cache and --no-cache exclude each other");
            CheckOutput(outDir);
            var dataset = DatasetLoader.Load(dataPath, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            string? cacheDir = result.GetValue(noCache) ? null : result.GetValue(cache) ?? TeacherCache.DefaultDirectory();

            using var encoder = new MiniLmEmbedder(threads: result.GetValue(threads));
            var embedder = new CachedEmbedder(encoder, cacheDir is null ? null : EmbeddingCacheFile.PathFor(cacheDir, encoder.EncoderId));
            bool asJson = result.GetValue(json);
            var run = TeacherTraining.Run(dataset, embedder, null, asJson ? null : line => env.Error.WriteLine(line), cancellation);

            string summary = TeacherSummary.ToJson(run, dataPath);
            AtomicDirectory.Publish(outDir, IsTeacherDirectory, temp =>
            {
                TeacherHeadFile.Write(Path.Combine(temp, TeacherHeadFile.FileName), run.Teacher);
                File.WriteAllText(Path.Combine(temp, TeacherSummary.FileName), summary + "\n");
            });
            if (asJson) env.Out.WriteLine(summary);
            else
            {
                foreach (string line in TeacherSummary.Lines(run, dataPath)) env.Out.WriteLine(line);
                env.Out.WriteLine($"Cache          {embedder.CachePath ?? "none (--no-cache)"}");
                env.Out.WriteLine($"Teacher head   {Path.Combine(Path.GetFullPath(outDir), TeacherHeadFile.FileName)}");
            }
            return ExitCodes.Success;
        })));
        return command;
    }

    private static bool IsTeacherDirectory(string dir) => File.Exists(Path.Combine(dir, TeacherHeadFile.FileName));

    private static void CheckOutput(string outDir)
    {
        if (File.Exists(outDir)) throw new IOException($"{outDir}: exists and is a file, not a directory");
        if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any() && !IsTeacherDirectory(outDir))
            throw new IOException($"{outDir}: exists and is not a teacher directory; refusing to replace it (choose another output directory)");
    }
}
