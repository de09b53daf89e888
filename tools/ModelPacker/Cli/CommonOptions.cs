using System.CommandLine;
using ModelPacker.Data;

namespace ModelPacker.Cli;

/// <summary>Options several commands share, created fresh for each command.</summary>
internal static class CommonOptions
{
    public static Option<string> Data(string what) => new("--data")
    {
        Description = $"{what}: a dataset directory (CLINC150 data_full.json, or train/test .jsonl/.csv) or one .csv/.jsonl file",
        Required = true,
        HelpName = "file|dir",
    };

    public static Option<string> Model() => new("--model")
    {
        Description = "Checkpoint directory (model.safetensors, config.json, vocab.txt) or flash image file (run by the integer reference with early exit)",
        Required = true,
        HelpName = "dir|image",
    };

    /// <summary>--model for commands that need the fp32 weights (pack, finetune-int8): a directory only.</summary>
    public static Option<string> Checkpoint() => new("--model")
    {
        Description = "Checkpoint directory (model.safetensors, config.json, vocab.txt)",
        Required = true,
        HelpName = "dir",
    };

    public static Option<string?> TextColumn() => new("--text-column")
    {
        Description = "CSV column or JSON key holding the utterance (default: text)",
        HelpName = "name",
    };

    public static Option<string?> LabelColumn() => new("--label-column")
    {
        Description = "CSV column or JSON key holding the intent (default: intent, then label, then category)",
        HelpName = "name",
    };

    public static Option<bool> Json(string what) => new("--json") { Description = $"Print {what} as one JSON object on stdout" };

    public static Option<bool> Verbose() => new("--verbose", "-v") { Description = "Also print notes (e.g. checkpoint tensors that were ignored)" };

    public static DatasetOptions DatasetOptions(ParseResult result, Option<string?> textColumn, Option<string?> labelColumn)
    {
        var options = new DatasetOptions();
        if (result.GetValue(textColumn) is { } text)
            options.TextColumn = string.IsNullOrWhiteSpace(text) ? throw new UsageException("--text-column is empty") : text;
        if (result.GetValue(labelColumn) is { } label)
            options.LabelColumn = string.IsNullOrWhiteSpace(label) ? throw new UsageException("--label-column is empty") : label;
        return options;
    }
}
