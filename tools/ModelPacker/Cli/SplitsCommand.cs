using System.CommandLine;
using System.Text.Json;
using ModelPacker.Checkpoints;
using ModelPacker.Data;

namespace ModelPacker.Cli;

/// <summary>
/// <c>modelpacker splits --data path --out dir</c>: writes the train, validation and test splits exactly as every
/// other command sees them (SNIPS's validation held out of train, CLINC150's oos lists joined in) as
/// train.jsonl, validation.jsonl and test.jsonl, so another tool (bench/peers) trains and scores on the same utterances.
/// </summary>
internal static class SplitsCommand
{
    private static readonly string[] SplitNames = ["train", "validation", "test"];

    // Utterances stay readable (é, not \u00E9); the files are UTF-8 either way.
    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliEnvironment env)
    {
        var data = CommonOptions.Data("Labelled utterances to split");
        var output = new Option<string>("--out") { Description = "Directory for train.jsonl, validation.jsonl and test.jsonl", Required = true, HelpName = "dir" };
        var textColumn = CommonOptions.TextColumn();
        var labelColumn = CommonOptions.LabelColumn();
        var command = new Command("splits", "Write the dataset's train/validation/test splits as JSONL ({\"text\", \"intent\"} per line)")
            { data, output, textColumn, labelColumn };
        command.SetAction(result => CommandRunner.Execute(env, () =>
        {
            string outDir = result.GetValue(output)!;
            var dataset = DatasetLoader.Load(result.GetValue(data)!, CommonOptions.DatasetOptions(result, textColumn, labelColumn));
            if (File.Exists(outDir)) throw new IOException($"{outDir}: exists and is a file, not a directory");
            if (Directory.Exists(outDir) && Directory.EnumerateFileSystemEntries(outDir).Any(f => !IsSplitFile(f)))
                throw new IOException($"{outDir}: holds files other than the split files; refusing to replace it (choose another output directory)");
            AtomicDirectory.Publish(outDir, _ => true, temp =>
            {
                foreach (string split in SplitNames)
                    File.WriteAllLines(Path.Combine(temp, split + ".jsonl"),
                        dataset.Split(split).Select(e => JsonSerializer.Serialize(new { text = e.Text, intent = e.Label }, Json)));
            });
            foreach (string split in SplitNames)
                env.Out.WriteLine($"{split,-10} {dataset.Split(split).Count,6} utterances  {Path.Combine(outDir, split + ".jsonl")}");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static bool IsSplitFile(string path) => SplitNames.Any(s => Path.GetFileName(path) == s + ".jsonl");
}
